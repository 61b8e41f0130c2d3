"""Power sector: the supply side of the city's electricity balance.

Units: capacity GW (storage energy GWh), energy TWh, money M CNY, CO2 Mt.
One slice is one hour of a representative day (or of the chronology), so a
flow of P GW over a slice moves P GWh of state of charge, and stands for
``weight[s]·P`` GWh a year. Prices in CNY/kWh equal M CNY/GWh.

Tables read (``inputs/<dataset>/``):

* ``pv_classes.csv``: pv_class, existing_gw, potential_gw,
  max_build_gw_per_yr, capex_cny_per_w, fixed_opex_cny_per_w_yr,
  lifetime_yr, profile (a ``cf_*`` column of the hourly profiles), source
* ``storage.csv``: technology, existing_power_gw, existing_energy_gwh,
  capex_power_cny_per_w, capex_energy_cny_per_wh, fixed_opex_cny_per_w_yr,
  lifetime_yr, charge_efficiency, discharge_efficiency, min_duration_h,
  max_duration_h, max_build_gw_per_yr, source
* ``generators.csv`` (existing local plants): plant, capacity_gw,
  availability, dispatch (``flexible`` | ``must_run`` | ``profile``),
  profile, fuel (a carrier, or empty), heat_rate_kgce_per_kwh,
  variable_opex_cny_per_kwh, renewable (1/0), source
* ``imports.csv``: channel, price_cny_per_kwh, time_of_use (1/0: price ×
  the ``tou_multiplier`` profile), capacity_fee_cny_per_kw_yr, existing_gw,
  max_gw, annual_limit_twh (empty = none), co2_kg_per_kwh,
  availability_profile (empty = 1), green (1/0), source

Public components (read by the core, targets and results): ``supply[y,s]``,
``pv_capacity[y,k]``, ``pv_new[y,k]``, ``storage_power[y,r]``,
``storage_energy[y,r]``, ``charge/discharge/state_of_charge[y,s,r]``,
``generation[y,s,g]`` (flexible plants), ``fixed_output[s,g]``,
``imported[y,s,i]``, ``import_capacity[y,i]``, ``curtailment[y,s]``, and the
contract components ``use``, ``baseline_use``, ``load`` (zero), ``cost``,
``emissions``, ``indicators``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pydantic import Field

from ..measures import crf
from ..scenario import StrictModel
from ..targets import Indicator
from .common import attach_contract, carriers

MW_PER_GW = 1000.0  # also: 1 CNY/W = 1000 M CNY/GW; 1 CNY/Wh = 1000 M CNY/GWh; 1 CNY/kW = 1 M CNY/GW
TWH_PER_GWH = 1e-3


class Settings(StrictModel):
    """``sectors.power`` in a scenario."""

    allow_curtailment: bool = Field(True, description="false forces every renewable kWh to be used")


# --------------------------------------------------------------------------- data


def _tables(inputs):
    pv = inputs.table(
        "pv_classes",
        [
            "pv_class",
            "existing_gw",
            "potential_gw",
            "max_build_gw_per_yr",
            "capex_cny_per_w",
            "fixed_opex_cny_per_w_yr",
            "lifetime_yr",
            "profile",
        ],
    )
    for col in ["existing_gw", "potential_gw", "max_build_gw_per_yr", "capex_cny_per_w", "fixed_opex_cny_per_w_yr"]:
        inputs.check("pv_classes", pv[col].notna() & (pv[col] >= 0), col, "must be a number ≥ 0", "a non-negative number")
    inputs.check("pv_classes", pv["existing_gw"] <= pv["potential_gw"], "existing_gw", "exceeds potential_gw", "existing ≤ potential")
    st = inputs.table(
        "storage",
        [
            "technology",
            "existing_power_gw",
            "existing_energy_gwh",
            "capex_power_cny_per_w",
            "capex_energy_cny_per_wh",
            "fixed_opex_cny_per_w_yr",
            "lifetime_yr",
            "charge_efficiency",
            "discharge_efficiency",
            "min_duration_h",
            "max_duration_h",
            "max_build_gw_per_yr",
        ],
    )
    for col in ["charge_efficiency", "discharge_efficiency"]:
        inputs.check("storage", (st[col] > 0) & (st[col] <= 1), col, "must be in (0, 1]", "an efficiency between 0 and 1")
    gen = inputs.table(
        "generators",
        [
            "plant",
            "capacity_gw",
            "availability",
            "dispatch",
            "profile",
            "fuel",
            "heat_rate_kgce_per_kwh",
            "variable_opex_cny_per_kwh",
            "renewable",
        ],
    )
    inputs.check(
        "generators",
        gen["dispatch"].isin(["flexible", "must_run", "profile"]),
        "dispatch",
        "unknown dispatch",
        "flexible, must_run or profile",
    )
    inputs.check("generators", gen["capacity_gw"] >= 0, "capacity_gw", "must be ≥ 0", "GW ≥ 0")
    imp = inputs.table(
        "imports",
        [
            "channel",
            "price_cny_per_kwh",
            "time_of_use",
            "capacity_fee_cny_per_kw_yr",
            "existing_gw",
            "max_gw",
            "annual_limit_twh",
            "co2_kg_per_kwh",
            "availability_profile",
            "green",
        ],
    )
    inputs.check("imports", imp["existing_gw"] <= imp["max_gw"], "existing_gw", "exceeds max_gw", "existing ≤ max")
    return pv.set_index("pv_class"), st.set_index("technology"), gen.set_index("plant"), imp.set_index("channel")


# --------------------------------------------------------------------------- build


def build(model, scenario, inputs):
    """Build ``model.power``: PV, storage, local plants, imports, supply[y,s]."""
    pv, st, gen, imp = _tables(inputs)
    settings = scenario.sector_settings.get("power", Settings())
    b = pyo.Block()
    model.power = b
    time = model.time
    b.K = pyo.Set(initialize=list(pv.index), ordered=True, doc="PV classes")
    b.R = pyo.Set(initialize=list(st.index), ordered=True, doc="storage technologies")
    flexible = gen[gen["dispatch"] == "flexible"]
    fixed = gen[gen["dispatch"] != "flexible"]
    b.G = pyo.Set(initialize=list(flexible.index), ordered=True, doc="flexible local plants")
    b.F = pyo.Set(initialize=list(fixed.index), ordered=True, doc="must-run and profile plants")
    b.I = pyo.Set(initialize=list(imp.index), ordered=True, doc="import channels")

    _pv(b, model, pv, time)
    _storage(b, model, st)
    _plants(b, model, flexible, fixed, time)
    _imports(b, model, imp, time)
    _curtailment(b, model, settings)
    _supply(b, model)
    _contract(b, model, scenario, inputs, pv, st, flexible, fixed, imp)
    _indicators(b, model, scenario, inputs, pv, st, fixed, time)
    return b


def _pv(b, model, pv, time):
    """PV build-out (GW).

    pv_capacity[y,k] = existing_k + Σ_{y'≤y} pv_new[y',k];
    pv_within_potential[k]: pv_capacity[last,k] ≤ potential_k;
    0 ≤ pv_new[y,k] ≤ max_build_k (GW/yr, a variable bound).
    """
    years = list(model.Y)
    existing = pv["existing_gw"].astype(float).to_dict()
    b.pv_cf = pyo.Param(model.S, b.K, initialize=lambda _, s, k: float(time.factor(pv.at[k, "profile"])[s]), doc="capacity factor 0..1")
    b.pv_new = pyo.Var(model.Y, b.K, bounds=lambda _, y, k: (0.0, float(pv.at[k, "max_build_gw_per_yr"])), doc="new PV, GW/yr")
    b.pv_capacity = pyo.Expression(
        model.Y, b.K, rule=lambda bb, y, k: existing[k] + sum(bb.pv_new[yy, k] for yy in years if yy <= y), doc="installed PV, GW"
    )
    potential = pv["potential_gw"].astype(float).to_dict()
    b.pv_within_potential = pyo.Constraint(b.K, rule=lambda bb, k: bb.pv_capacity[years[-1], k] <= potential[k])


def _storage(b, model, st):
    """Battery storage (GW, GWh).

    storage_power[y,r] = existing + Σ new power; storage_energy likewise;
    0 ≤ storage_power_new[y,r] ≤ max_build_r (GW/yr, a variable bound);
    storage_duration_min/max: min_h·power ≤ energy ≤ max_h·power;
    charge, discharge ≤ power; state_of_charge ≤ energy;
    storage_state_of_charge: soc[y,next(s),r] = soc[y,s,r] + η_c·charge − discharge/η_d
    (1 h per slice; cyclic within each representative day, or the year at 8,760 h).
    """
    years = list(model.Y)
    time = model.time
    limit = st["max_build_gw_per_yr"].astype(float).to_dict()
    b.storage_power_new = pyo.Var(model.Y, b.R, bounds=lambda _, y, r: (0.0, limit[r]), doc="GW/yr")
    b.storage_energy_new = pyo.Var(model.Y, b.R, within=pyo.NonNegativeReals, doc="GWh/yr")
    ep, ee = st["existing_power_gw"].astype(float), st["existing_energy_gwh"].astype(float)
    b.storage_power = pyo.Expression(
        model.Y, b.R, rule=lambda bb, y, r: ep[r] + sum(bb.storage_power_new[yy, r] for yy in years if yy <= y)
    )
    b.storage_energy = pyo.Expression(
        model.Y, b.R, rule=lambda bb, y, r: ee[r] + sum(bb.storage_energy_new[yy, r] for yy in years if yy <= y)
    )
    lo, hi = st["min_duration_h"].astype(float), st["max_duration_h"].astype(float)
    b.storage_duration_min = pyo.Constraint(model.Y, b.R, rule=lambda bb, y, r: bb.storage_energy[y, r] >= lo[r] * bb.storage_power[y, r])
    b.storage_duration_max = pyo.Constraint(model.Y, b.R, rule=lambda bb, y, r: bb.storage_energy[y, r] <= hi[r] * bb.storage_power[y, r])
    b.charge = pyo.Var(model.Y, model.S, b.R, within=pyo.NonNegativeReals, doc="GW")
    b.discharge = pyo.Var(model.Y, model.S, b.R, within=pyo.NonNegativeReals, doc="GW")
    b.state_of_charge = pyo.Var(model.Y, model.S, b.R, within=pyo.NonNegativeReals, doc="GWh")
    b.charge_within_power = pyo.Constraint(model.Y, model.S, b.R, rule=lambda bb, y, s, r: bb.charge[y, s, r] <= bb.storage_power[y, r])
    b.discharge_within_power = pyo.Constraint(
        model.Y, model.S, b.R, rule=lambda bb, y, s, r: bb.discharge[y, s, r] <= bb.storage_power[y, r]
    )
    b.soc_within_energy = pyo.Constraint(
        model.Y, model.S, b.R, rule=lambda bb, y, s, r: bb.state_of_charge[y, s, r] <= bb.storage_energy[y, r]
    )
    eta_c, eta_d = st["charge_efficiency"].astype(float), st["discharge_efficiency"].astype(float)
    nxt = time.next_slice
    b.storage_state_of_charge = pyo.Constraint(
        model.Y,
        model.S,
        b.R,
        rule=lambda bb, y, s, r: (
            bb.state_of_charge[y, int(nxt[s]), r]
            == bb.state_of_charge[y, s, r] + eta_c[r] * bb.charge[y, s, r] - bb.discharge[y, s, r] / eta_d[r]
        ),
    )


def _plants(b, model, flexible, fixed, time):
    """Existing local plants (GW).

    Flexible (thermal): 0 ≤ generation[y,s,g] ≤ capacity_g · availability_g (bound).
    Must-run (waste-to-energy, biomass): fixed_output[s,g] = capacity · availability.
    Profile (wind): fixed_output[s,g] = capacity · cf[s].
    """
    cap = (flexible["capacity_gw"] * flexible["availability"]).astype(float).to_dict()
    b.generation = pyo.Var(model.Y, model.S, b.G, bounds=lambda _, y, s, g: (0.0, cap[g]), doc="GW")

    def _fixed(_, s, g):
        row = fixed.loc[g]
        if row["dispatch"] == "must_run":
            return float(row["capacity_gw"] * row["availability"])
        return float(row["capacity_gw"] * time.factor(row["profile"])[s])

    b.fixed_output = pyo.Param(model.S, b.F, initialize=_fixed, doc="GW")


def _imports(b, model, imp, time):
    """Import channels: grid (time-of-use price) and contracted green power.

    existing ≤ import_capacity[y,i] ≤ max (GW, a yearly contract; bounds);
    import_within_capacity: imported[y,s,i] ≤ availability_i[s] · import_capacity[y,i];
    import_within_annual_limit: Σ_s w_s · imported[y,s,i] · 1e-3 ≤ limit_i (TWh).
    """
    weight = model.time.weight
    b.import_capacity = pyo.Var(
        model.Y, b.I, bounds=lambda _, y, i: (float(imp.at[i, "existing_gw"]), float(imp.at[i, "max_gw"])), doc="contracted GW"
    )
    b.imported = pyo.Var(model.Y, model.S, b.I, within=pyo.NonNegativeReals, doc="GW")

    def _avail(i):
        col = imp.at[i, "availability_profile"]
        return time.factor(col) if isinstance(col, str) and col.strip() else np.ones(time.n)

    avail = {i: _avail(i) for i in imp.index}
    b.import_within_capacity = pyo.Constraint(
        model.Y, model.S, b.I, rule=lambda bb, y, s, i: bb.imported[y, s, i] <= float(avail[i][s]) * bb.import_capacity[y, i]
    )
    limited = [i for i in imp.index if pd.notna(imp.at[i, "annual_limit_twh"])]
    b.import_within_annual_limit = pyo.Constraint(
        model.Y,
        limited,
        rule=lambda bb, y, i: (
            sum(float(weight[s]) * bb.imported[y, s, i] for s in model.S) * TWH_PER_GWH <= float(imp.at[i, "annual_limit_twh"])
        ),
    )


def _curtailment(b, model, settings):
    """curtailment_within_renewables: 0 ≤ curtailment[y,s] ≤ Σ_k cf·pv_capacity + Σ_f fixed_output (GW)."""
    b.curtailment = pyo.Var(model.Y, model.S, within=pyo.NonNegativeReals, doc="GW")
    if not settings.allow_curtailment:
        for v in b.curtailment.values():
            v.fix(0.0)
    b.renewable_available = pyo.Expression(
        model.Y,
        model.S,
        rule=lambda bb, y, s: sum(bb.pv_cf[s, k] * bb.pv_capacity[y, k] for k in bb.K) + sum(bb.fixed_output[s, f] for f in bb.F),
    )
    b.curtailment_within_renewables = pyo.Constraint(
        model.Y, model.S, rule=lambda bb, y, s: bb.curtailment[y, s] <= bb.renewable_available[y, s]
    )


def _supply(b, model):
    """supply[y,s] = renewables − curtailment + Σ generation + Σ imports + Σ (discharge − charge), GW."""
    b.supply = pyo.Expression(
        model.Y,
        model.S,
        rule=lambda bb, y, s: (
            bb.renewable_available[y, s]
            - bb.curtailment[y, s]
            + sum(bb.generation[y, s, g] for g in bb.G)
            + sum(bb.imported[y, s, i] for i in bb.I)
            + sum(bb.discharge[y, s, r] - bb.charge[y, s, r] for r in bb.R)
        ),
        doc="net electricity supplied to the city, GW",
    )


def _contract(b, model, scenario, inputs, pv, st, flexible, fixed, imp):
    """use (fuel of local plants), cost, emissions of the power sector."""
    years = list(model.Y)
    weight = model.time.weight
    rate = scenario.spec.economics.discount_rate
    carrier_names = set(carriers(inputs).index)
    fuels = {g: flexible.at[g, "fuel"] for g in flexible.index if isinstance(flexible.at[g, "fuel"], str)}
    bad = [g for g, f in fuels.items() if f not in carrier_names]
    if bad:
        inputs.check("generators", ~inputs.tables["generators"]["plant"].isin(bad), "fuel", "not a carrier of carriers.csv", "a carrier id")
    heat_rate = flexible["heat_rate_kgce_per_kwh"].astype(float).to_dict()  # kgce/kWh = Mtce/TWh

    def _energy(bb, y, g):  # TWh/yr
        return sum(float(weight[s]) * bb.generation[y, s, g] for s in model.S) * TWH_PER_GWH

    b.generation_twh = pyo.Expression(model.Y, b.G, rule=_energy)
    use = {}
    for g, fuel in fuels.items():
        for y in years:
            use[(y, fuel)] = use.get((y, fuel), 0.0) + heat_rate[g] * b.generation_twh[y, g]

    pv_annuity = {k: MW_PER_GW * float(pv.at[k, "capex_cny_per_w"]) * crf(rate, float(pv.at[k, "lifetime_yr"])) for k in pv.index}
    pv_opex = {k: MW_PER_GW * float(pv.at[k, "fixed_opex_cny_per_w_yr"]) for k in pv.index}
    st_p = {r: MW_PER_GW * float(st.at[r, "capex_power_cny_per_w"]) * crf(rate, float(st.at[r, "lifetime_yr"])) for r in st.index}
    st_e = {r: MW_PER_GW * float(st.at[r, "capex_energy_cny_per_wh"]) * crf(rate, float(st.at[r, "lifetime_yr"])) for r in st.index}
    st_o = {r: MW_PER_GW * float(st.at[r, "fixed_opex_cny_per_w_yr"]) for r in st.index}
    tou = model.time.factor("tou_multiplier") if "tou_multiplier" in model.time.profiles else np.ones(model.time.n)
    price = {
        i: float(imp.at[i, "price_cny_per_kwh"]) * (tou if int(imp.at[i, "time_of_use"]) else np.ones(model.time.n)) for i in imp.index
    }
    vopex = flexible["variable_opex_cny_per_kwh"].astype(float).to_dict()
    fixed_vopex = fixed["variable_opex_cny_per_kwh"].astype(float).to_dict()

    def cum(var, y, idx):
        return sum(var[yy, idx] for yy in years if yy <= y)

    b.cost_pv = pyo.Expression(model.Y, rule=lambda bb, y: sum((pv_annuity[k] + pv_opex[k]) * cum(bb.pv_new, y, k) for k in bb.K))
    b.cost_storage = pyo.Expression(
        model.Y,
        rule=lambda bb, y: sum(
            (st_p[r] + st_o[r]) * cum(bb.storage_power_new, y, r) + st_e[r] * cum(bb.storage_energy_new, y, r) for r in bb.R
        ),
    )
    b.cost_imports = pyo.Expression(
        model.Y,
        b.I,
        rule=lambda bb, y, i: (
            sum(float(weight[s] * price[i][s]) * bb.imported[y, s, i] for s in model.S)
            + float(imp.at[i, "capacity_fee_cny_per_kw_yr"]) * bb.import_capacity[y, i]
        ),
    )
    fixed_cost = sum(fixed_vopex[f] * float(np.dot(weight, [pyo.value(b.fixed_output[s, f]) for s in model.S])) for f in b.F)
    b.cost_plants = pyo.Expression(
        model.Y,
        rule=lambda bb, y: sum(vopex[g] * bb.generation_twh[y, g] * MW_PER_GW for g in bb.G) + fixed_cost,
        doc="variable opex of local plants, M CNY/yr (fuel is priced by the core)",
    )
    cost = {y: b.cost_pv[y] + b.cost_storage[y] + sum(b.cost_imports[y, i] for i in b.I) + b.cost_plants[y] for y in years}
    ef = imp["co2_kg_per_kwh"].astype(float).to_dict()  # kg/kWh = Mt/TWh
    b.imported_twh = pyo.Expression(
        model.Y, b.I, rule=lambda bb, y, i: sum(float(weight[s]) * bb.imported[y, s, i] for s in model.S) * TWH_PER_GWH
    )
    extra = {y: sum(ef[i] * b.imported_twh[y, i] for i in imp.index if ef[i] != 0.0) for y in years}
    attach_contract(b, model, inputs, use=use, baseline_use={}, loads=[], cost=cost, extra_emissions=extra)


def _indicators(b, model, scenario, inputs, pv, st, fixed, time):
    """Power indicators: PV and storage capacity, renewable production, green share, storage per new PV."""
    years = list(model.Y)
    weight = time.weight
    coal_eq = scenario.spec.accounting.renewable_coal_equivalent_kgce_per_kwh  # kgce/kWh = Mtce/TWh
    imp = inputs.tables["imports"].set_index("channel")
    green = [i for i in imp.index if int(imp.at[i, "green"]) == 1]
    b.pv_total = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.pv_capacity[y, k] for k in bb.K))
    b.storage_power_total = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.storage_power[y, r] for r in bb.R))
    b.storage_energy_total = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.storage_energy[y, r] for r in bb.R))
    share = fixed["renewable"].astype(float).to_dict()  # renewable fraction of a plant's output
    fixed_re_twh = sum(share[f] * float(np.dot(weight, [pyo.value(b.fixed_output[s, f]) for s in model.S])) for f in b.F) * TWH_PER_GWH
    b.renewable_twh = pyo.Expression(
        model.Y,
        rule=lambda bb, y: (
            sum(float(weight[s]) * (sum(bb.pv_cf[s, k] * bb.pv_capacity[y, k] for k in bb.K) - bb.curtailment[y, s]) for s in model.S)
            * TWH_PER_GWH
            + fixed_re_twh
        ),
        doc="local renewable electricity used (PV, wind, biogenic share of waste), TWh",
    )
    b.renewable_production = pyo.Expression(model.Y, rule=lambda bb, y: coal_eq * bb.renewable_twh[y], doc="Mtce (coal-equivalent)")
    b.consumed_twh = pyo.Expression(
        model.Y, rule=lambda bb, y: sum(float(weight[s]) * bb.supply[y, s] for s in model.S) * TWH_PER_GWH, doc="electricity consumed, TWh"
    )
    b.green_twh = pyo.Expression(
        model.Y, rule=lambda bb, y: bb.renewable_twh[y] + sum(bb.imported_twh[y, i] for i in green), doc="green electricity, TWh"
    )
    b.pv_new_total = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.pv_new[yy, k] for yy in years if yy <= y for k in bb.K))
    b.storage_new_total = pyo.Expression(
        model.Y, rule=lambda bb, y: sum(bb.storage_power_new[yy, r] for yy in years if yy <= y for r in bb.R)
    )
    flh = {k: float(np.dot(weight, time.factor(pv.at[k, "profile"]))) for k in pv.index}
    base_pv_twh = sum(float(pv.at[k, "existing_gw"]) * flh[k] for k in pv.index) * TWH_PER_GWH
    base_re = base_pv_twh + fixed_re_twh
    demand = inputs.tables.get("electricity_demand")
    base_year = scenario.spec.years.base
    base_demand = None
    if demand is not None and base_year in set(demand["year"]):
        base_demand = float(demand.set_index("year").at[base_year, "demand_twh"])
    b.indicators = {
        "power.pv_capacity": Indicator(
            "power.pv_capacity", "GW", "installed PV, all classes", b.pv_total, base_value=float(pv["existing_gw"].sum())
        ),
        "power.storage_power": Indicator(
            "power.storage_power",
            "GW",
            "battery storage power capacity",
            b.storage_power_total,
            base_value=float(st["existing_power_gw"].sum()),
        ),
        "power.storage_energy": Indicator(
            "power.storage_energy",
            "GWh",
            "battery storage energy capacity",
            b.storage_energy_total,
            base_value=float(st["existing_energy_gwh"].sum()),
        ),
        "power.renewable_production": Indicator(
            "power.renewable_production",
            "Mtce",
            "local renewable electricity used, at the scenario's coal-equivalent factor",
            b.renewable_production,
            base_value=coal_eq * base_re,
        ),
        "power.renewable_electricity": Indicator(
            "power.renewable_electricity", "TWh", "local renewable electricity used", b.renewable_twh, base_value=base_re
        ),
        "power.green_share": Indicator(
            "power.green_share",
            "%",
            "green electricity (local renewables + green imports) over electricity consumed",
            b.green_twh,
            denominator=b.consumed_twh,
            scale=100.0,
            base_value=(100.0 * base_re / base_demand) if base_demand else None,
            denominator_ref=base_demand or 1.0,
        ),
        "power.storage_per_new_pv": Indicator(
            "power.storage_per_new_pv",
            "GW/GW",
            "storage power built per GW of PV built since the base year (新能源+储能)",
            b.storage_new_total,
            denominator=b.pv_new_total,
            scale=1.0,
            denominator_ref=0.1,
        ),
    }
