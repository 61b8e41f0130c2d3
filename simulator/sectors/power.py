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
* ``imports.csv``: channel, price_cny_per_kwh (the part of the price that
  time of use moves: under the Hubei notice the purchase price and its line
  losses), time_of_use (1/0: that part × the ``tou_multiplier`` profile),
  optionally flat_price_cny_per_kwh (the part time of use leaves flat:
  transmission and distribution, system operation, government funds; empty
  or absent = 0), capacity_fee_cny_per_kw_yr, existing_gw,
  max_gw, annual_limit_twh (empty = none), co2_kg_per_kwh,
  availability_profile (empty = 1), green (1/0), and optionally
  expansion_capex_cny_per_kw, expansion_lifetime_yr,
  max_expansion_gw_per_yr (a channel with an expansion capex is grid
  infrastructure: its capacity only grows, by investment; one without is a
  yearly contract between existing_gw and max_gw), source

Public components (read by the core, targets and results): ``supply[y,s]``,
``pv_capacity[y,k]``, ``pv_new[y,k]``, ``storage_power[y,r]``,
``storage_energy[y,r]``, ``charge/discharge/state_of_charge[y,s,r]``,
``generation[y,s,g]`` (flexible plants), ``fixed_output[s,g]``,
``imported[y,s,i]``, ``import_capacity[y,i]``, ``curtailment[y,s]``, and the
contract components ``use``, ``baseline_use``, ``load`` (zero), ``cost``,
``emissions``, ``indicators``. ``supply`` and ``renewable_available`` are
:class:`~simulator.model.matrix.LinearView` rows over (year, slice); the
per-slice families (storage state of charge and limits, imports within
capacity, curtailment) are matrix blocks (:mod:`simulator.model.matrix`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyomo.core as pyo

from simulator.intake.sector_settings import PowerSettings as Settings
from simulator.model.matrix import LinearTerms, LinearView, linear_sum, matrix_rows, var_grid
from simulator.model.measures import crf
from simulator.model.targets import Indicator
from simulator.sectors.common import attach_contract, carriers

MW_PER_GW = 1000.0  # also: 1 CNY/W = 1000 M CNY/GW; 1 CNY/Wh = 1000 M CNY/GWh; 1 CNY/kW = 1 M CNY/GW
TWH_PER_GWH = 1e-3


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
    inputs.check_nonnegative(
        "pv_classes", ["existing_gw", "potential_gw", "max_build_gw_per_yr", "capex_cny_per_w", "fixed_opex_cny_per_w_yr"]
    )
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
    inputs.check_nonnegative(
        "storage",
        [
            "existing_power_gw",
            "existing_energy_gwh",
            "capex_power_cny_per_w",
            "capex_energy_cny_per_wh",
            "fixed_opex_cny_per_w_yr",
            "min_duration_h",
            "max_duration_h",
            "max_build_gw_per_yr",
        ],
    )
    if "throughput_cost_cny_per_kwh" in st:
        inputs.check_nonnegative("storage", ["throughput_cost_cny_per_kwh"], allow_empty=True)
    inputs.check("storage", st["min_duration_h"] <= st["max_duration_h"], "min_duration_h", "exceeds max_duration_h", "min ≤ max duration")
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
    inputs.check_nonnegative("generators", ["capacity_gw", "availability", "heat_rate_kgce_per_kwh", "variable_opex_cny_per_kwh"])
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
    if "flat_price_cny_per_kwh" in imp:
        inputs.check_nonnegative("imports", ["flat_price_cny_per_kwh"], allow_empty=True)
    st = st.set_index("technology")  # a copy: the optional column is filled here, not in the inputs
    st["throughput_cost_cny_per_kwh"] = pd.to_numeric(st.get("throughput_cost_cny_per_kwh", 0.0), errors="coerce")
    st["throughput_cost_cny_per_kwh"] = st["throughput_cost_cny_per_kwh"].fillna(0.0)
    imp = imp.set_index("channel")  # a copy: the optional column is filled here, not in the inputs
    imp["flat_price_cny_per_kwh"] = pd.to_numeric(imp.get("flat_price_cny_per_kwh", 0.0), errors="coerce")
    imp["flat_price_cny_per_kwh"] = imp["flat_price_cny_per_kwh"].fillna(0.0)
    return pv.set_index("pv_class"), st, gen.set_index("plant"), imp


# --------------------------------------------------------------------------- build
#
# Per-slice families are built over index sets with rules that only look up
# Python floats prepared with numpy (no pandas access, no sums over years
# inside a per-slice rule). Capacities are cumulative variables with one
# accumulation row per year, so a per-slice row holds one capacity column
# per technology whatever the horizon.


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
    _pv_accumulation(b, model, pv)
    _storage(b, model, st)
    _storage_accumulation(b, model, st)
    _storage_duration(b, model, st)
    _storage_within_capacity(b, model)
    _storage_state_of_charge(b, model, st, time)
    _plants(b, model, flexible, fixed, time)
    _imports(b, model, imp, time)
    _import_within_capacity(b, model)
    _import_within_annual_limit(b, model, imp)
    _curtailment(b, model, settings)
    _supply(b, model)
    _contract(b, model, scenario, inputs, pv, st, flexible, fixed, imp)
    _indicators(b, model, scenario, inputs, pv, st, fixed, time)
    return b


def slice_price(channel: pd.Series, tou: np.ndarray) -> np.ndarray:
    """Price of an import channel per slice, CNY/kWh: base · tou_s + flat.

    ``base`` = ``price_cny_per_kwh``, the part the time-of-use ratios move
    (Hubei, 鄂发改价管〔2024〕77号: the purchase price and its line losses);
    ``flat`` = ``flat_price_cny_per_kwh`` (transmission and distribution,
    system operation, government funds), which they leave alone. A channel
    with ``time_of_use`` 0 pays base + flat in every slice.
    """
    base = float(channel["price_cny_per_kwh"])
    flat = float(channel.get("flat_price_cny_per_kwh", 0.0))
    ratios = np.asarray(tou, dtype=float) if int(channel["time_of_use"]) else np.ones(len(tou))
    return base * ratios + flat


def _grid(values: np.ndarray, rows, cols) -> dict:
    """{(row, col): float} of a 2-D array (for a Param over two sets)."""
    return {(r, c): float(values[i, j]) for i, r in enumerate(rows) for j, c in enumerate(cols)}


def _retire_year(frame, column: str = "existing_retire_year") -> dict:
    """{row: first year the row's existing capacity no longer runs, or None (beyond any horizon)} of an optional column."""
    if column not in frame:
        return dict.fromkeys(frame.index)
    values = pd.to_numeric(frame[column], errors="coerce")
    return {i: (None if pd.isna(v) else int(v)) for i, v in values.items()}


def existing_in_service(existing: float, retire: int | None, year: int) -> float:
    """Existing capacity still running in ``year``: all of it before its retirement year, none from it on."""
    return existing if retire is None or year < retire else 0.0


def in_service(years: list, year: int, lifetime: float) -> list:
    """Build years y' of the horizon whose new capacity still runs in ``year``: year − lifetime < y' ≤ year.

    Capacity built in y' runs in y' … y' + lifetime − 1 and retires at y' + lifetime.
    """
    return [yy for yy in years if year - lifetime < yy <= year]


def _accumulation_rule(years: list, lifetime: dict, existing: dict, retire: dict, capacity, new):
    """Rule of capacity[y,i] = capacity[y−1,i] + new[y,i] − new[y−L_i,i] − (E_i[y−1] − E_i[y]),
    with capacity[first−1,i] = E_i[first] (E: existing capacity still running; L: lifetime)."""
    prev = dict(zip(years[1:], years[:-1], strict=True))
    horizon = set(years)

    def _rule(bb, y, i):
        ex_now = existing_in_service(existing[i], retire[i], y)
        if y in prev:
            before = capacity(bb)[prev[y], i] - (existing_in_service(existing[i], retire[i], prev[y]) - ex_now)
        else:
            before = ex_now
        built_then = math.floor(y - lifetime[i])  # the build year whose capacity stops running in y
        retired = new(bb)[built_then, i] if built_then in horizon else 0.0
        return capacity(bb)[y, i] == before + new(bb)[y, i] - retired

    return _rule


def _pv(b, model, pv, time):
    """PV variables (GW).

    0 ≤ pv_new[y,k] ≤ max_build_k (GW/yr, a variable bound);
    0 ≤ pv_capacity[y,k] ≤ potential_k (GW, a variable bound every year).
    """
    kk = list(pv.index)
    cf = np.column_stack([time.factor(pv.at[k, "profile"]) for k in kk]) if kk else np.zeros((time.n, 0))
    b.pv_cf_values = cf  # slice × class, capacity factor 0..1 (arrays for the rules below and for results)
    build_max = pv["max_build_gw_per_yr"].astype(float).to_dict()
    b.pv_new = pyo.Var(model.Y, b.K, bounds=lambda _, y, k: (0.0, build_max[k]), doc="new PV, GW/yr")
    existing = pv["existing_gw"].astype(float).to_dict()
    potential = pv["potential_gw"].astype(float).to_dict()
    b.pv_capacity = pyo.Var(model.Y, b.K, bounds=lambda _, y, k: (0.0, max(potential[k], existing[k])), doc="installed PV, GW")


def _pv_accumulation(b, model, pv):
    """pv_accumulation[y,k]: pv_capacity[y,k] = pv_capacity[y−1,k] + pv_new[y,k] − pv_new[y−L_k,k] − (E_k[y−1] − E_k[y])   (GW).

    New PV runs ``lifetime_yr`` years (L_k); existing PV (E_k) runs until the
    optional ``existing_retire_year``. In the first year pv_capacity[y−1,k] = E_k[y].
    """
    years = list(model.Y)
    existing = pv["existing_gw"].astype(float).to_dict()
    life = pv["lifetime_yr"].astype(float).to_dict()
    rule = _accumulation_rule(years, life, existing, _retire_year(pv), lambda bb: bb.pv_capacity, lambda bb: bb.pv_new)
    b.pv_accumulation = pyo.Constraint(model.Y, b.K, rule=rule)


def _storage(b, model, st):
    """Storage variables: new and installed power (GW) and energy (GWh), flows (GW), state of charge (GWh).

    0 ≤ storage_power_new[y,r] ≤ max_build_r (GW/yr, a variable bound);
    storage_energy_new[y,r] ≥ 0 (GWh/yr); storage_power[y,r], storage_energy[y,r] ≥ 0
    (set by the accumulation rows); charge, discharge, state_of_charge ≥ 0.
    """
    limit = st["max_build_gw_per_yr"].astype(float).to_dict()
    b.storage_power_new = pyo.Var(model.Y, b.R, bounds=lambda _, y, r: (0.0, limit[r]), doc="GW/yr")
    b.storage_energy_new = pyo.Var(model.Y, b.R, within=pyo.NonNegativeReals, doc="GWh/yr")
    b.storage_power = pyo.Var(model.Y, b.R, within=pyo.NonNegativeReals, doc="installed storage power, GW")
    b.storage_energy = pyo.Var(model.Y, b.R, within=pyo.NonNegativeReals, doc="installed storage energy, GWh")
    b.charge = pyo.Var(model.Y, model.S, b.R, within=pyo.NonNegativeReals, doc="GW")
    b.discharge = pyo.Var(model.Y, model.S, b.R, within=pyo.NonNegativeReals, doc="GW")
    b.state_of_charge = pyo.Var(model.Y, model.S, b.R, within=pyo.NonNegativeReals, doc="GWh")


def _storage_accumulation(b, model, st):
    """storage_power_accumulation[y,r]: storage_power[y,r] = storage_power[y−1,r] + storage_power_new[y,r]
    − storage_power_new[y−L_r,r] − (E_r[y−1] − E_r[y])   (GW);
    storage_energy_accumulation[y,r]: the same for energy (GWh). New storage runs ``lifetime_yr`` years (L_r);
    existing storage (E_r) until the optional ``existing_retire_year``. In the first year the y−1 capacity is E_r[y].
    """
    years = list(model.Y)
    ep, ee = st["existing_power_gw"].astype(float).to_dict(), st["existing_energy_gwh"].astype(float).to_dict()
    life = st["lifetime_yr"].astype(float).to_dict()
    retire = _retire_year(st)
    power = _accumulation_rule(years, life, ep, retire, lambda bb: bb.storage_power, lambda bb: bb.storage_power_new)
    energy = _accumulation_rule(years, life, ee, retire, lambda bb: bb.storage_energy, lambda bb: bb.storage_energy_new)
    b.storage_power_accumulation = pyo.Constraint(model.Y, b.R, rule=power)
    b.storage_energy_accumulation = pyo.Constraint(model.Y, b.R, rule=energy)


def _storage_duration(b, model, st):
    """storage_duration_min/max[y,r]: min_h·storage_power ≤ storage_energy ≤ max_h·storage_power   (GWh)."""
    lo, hi = st["min_duration_h"].astype(float).to_dict(), st["max_duration_h"].astype(float).to_dict()
    b.storage_duration_min = pyo.Constraint(model.Y, b.R, rule=lambda bb, y, r: bb.storage_energy[y, r] >= lo[r] * bb.storage_power[y, r])
    b.storage_duration_max = pyo.Constraint(model.Y, b.R, rule=lambda bb, y, r: bb.storage_energy[y, r] <= hi[r] * bb.storage_power[y, r])


def _storage_within_capacity(b, model):
    """charge_within_power, discharge_within_power[y,s,r]: flow[y,s,r] − storage_power[y,r] ≤ 0 (GW);
    soc_within_energy[y,s,r]: state_of_charge[y,s,r] − storage_energy[y,r] ≤ 0 (GWh). Matrix blocks over (year, slice, technology).
    """
    ny, ns, nr = len(model.Y), model.time.n, len(b.R)
    n = ny * ns * nr
    keys = [(y, s, r) for y in model.Y for s in range(ns) for r in b.R]
    at = np.arange(n).reshape(ny, ns, nr)
    power = var_grid(b.storage_power, ny, nr)[:, None, :]
    energy = var_grid(b.storage_energy, ny, nr)[:, None, :]

    def within(flow, capacity, doc):
        terms = LinearTerms.of(at, var_grid(flow, ny, ns, nr), 1.0, n) + LinearTerms.of(at, capacity, -1.0, n)
        return matrix_rows(keys, terms, upper=0.0, doc=doc)

    b.charge_within_power = within(b.charge, power, "charge[y,s,r] ≤ storage_power[y,r], GW")
    b.discharge_within_power = within(b.discharge, power, "discharge[y,s,r] ≤ storage_power[y,r], GW")
    b.soc_within_energy = within(b.state_of_charge, energy, "state_of_charge[y,s,r] ≤ storage_energy[y,r], GWh")


def _storage_state_of_charge(b, model, st, time):
    """storage_state_of_charge[y,s,r]: soc[y,next(s),r] = soc[y,s,r] + η_c·charge[y,s,r] − discharge[y,s,r]/η_d   (GWh).

    One slice is one hour, so a flow of P GW moves P GWh. Cyclic within each
    representative day, or over the year at 8,760 h. A matrix block over
    (year, slice, technology), each row held as
    soc[y,next(s),r] − soc[y,s,r] − η_c·charge[y,s,r] + discharge[y,s,r]/η_d = 0.
    """
    ny, ns, nr = len(model.Y), time.n, len(b.R)
    n = ny * ns * nr
    eta_c = st["charge_efficiency"].astype(float).to_numpy()
    inv_d = (1.0 / st["discharge_efficiency"].astype(float)).to_numpy()
    nxt = np.asarray(time.next_slice, dtype=np.int64)
    at = np.arange(n).reshape(ny, ns, nr)
    soc = var_grid(b.state_of_charge, ny, ns, nr)
    terms = (
        LinearTerms.of(at, soc[:, nxt, :], 1.0, n)
        + LinearTerms.of(at, soc, -1.0, n)
        + LinearTerms.of(at, var_grid(b.charge, ny, ns, nr), -eta_c, n)
        + LinearTerms.of(at, var_grid(b.discharge, ny, ns, nr), inv_d, n)
    )
    keys = [(y, s, r) for y in model.Y for s in range(ns) for r in b.R]
    b.storage_state_of_charge = matrix_rows(keys, terms, lower=0.0, upper=0.0, doc="state of charge carried from slice to slice, GWh")


def _fixed_output(fixed, time) -> np.ndarray:
    """Slice × plant output of must-run (capacity · availability) and profile plants (capacity · cf), GW."""
    cols = []
    for g in fixed.index:
        cap = float(fixed.at[g, "capacity_gw"])
        if fixed.at[g, "dispatch"] == "must_run":
            cols.append(np.full(time.n, cap * float(fixed.at[g, "availability"])))
        else:
            cols.append(cap * time.factor(fixed.at[g, "profile"]))
    return np.column_stack(cols) if cols else np.zeros((time.n, 0))


def _plants(b, model, flexible, fixed, time):
    """Existing local plants (GW), each running until its ``retire_year`` (optional column; empty = beyond 2060).

    Flexible (thermal): 0 ≤ generation[y,s,g] ≤ alive[y,g] · capacity_g · availability_g (bound).
    Must-run (waste-to-energy, biomass): fixed_output[s,g] = capacity · availability.
    Profile (wind): fixed_output[s,g] = capacity · cf[s].
    A fixed plant's output in year y is alive[y,g] · fixed_output[s,g] (alive = 1 before the retirement year, else 0).
    """
    years = list(model.Y)
    retire = {**_retire_year(flexible, "retire_year"), **_retire_year(fixed, "retire_year")}
    b.plant_alive = {(y, g): existing_in_service(1.0, retire[g], y) for y in years for g in retire}
    cap = (flexible["capacity_gw"] * flexible["availability"]).astype(float).to_dict()
    b.generation = pyo.Var(model.Y, model.S, b.G, bounds=lambda _, y, s, g: (0.0, cap[g] * b.plant_alive[y, g]), doc="GW")
    out = _fixed_output(fixed, time)
    b.fixed_output_values = out  # slice × plant, GW (while the plant runs)
    b.fixed_alive_values = np.array([[b.plant_alive[y, g] for g in fixed.index] for y in years]).reshape(len(years), len(fixed.index))
    b.fixed_output = pyo.Param(model.S, b.F, initialize=_grid(out, range(time.n), list(fixed.index)), doc="GW")


def _import_availability(imp, time) -> dict:
    def _avail(i):
        col = imp.at[i, "availability_profile"]
        return time.factor(col) if isinstance(col, str) and col.strip() else np.ones(time.n)

    return {i: _avail(i) for i in imp.index}


def _imports(b, model, imp, time):
    """Import channels: grid (time-of-use price) and contracted green power.

    existing ≤ import_capacity[y,i] ≤ max (GW, a yearly contract; bounds).
    A channel whose capacity is fixed (existing = max) has its capacity variable
    fixed and needs no capacity row: 0 ≤ imported[y,s,i] ≤ availability_i[s] · max_i
    is a variable bound.
    """
    lo = imp["existing_gw"].astype(float).to_dict()
    hi = imp["max_gw"].astype(float).to_dict()
    b.import_capacity = pyo.Var(model.Y, b.I, bounds=lambda _, y, i: (lo[i], hi[i]), doc="contracted or built GW")
    fixed = [i for i in imp.index if lo[i] == hi[i]]
    for y in model.Y:
        for i in fixed:
            b.import_capacity[y, i].fix(hi[i])
    b.IC = pyo.Set(initialize=[i for i in imp.index if i not in fixed], ordered=True, doc="import channels with a capacity decision")
    _import_expansion(b, model, imp, fixed)
    avail = _import_availability(imp, time)
    b.import_availability = avail  # channel → slice array, 0..1
    ub = {i: [float(v) * hi[i] for v in avail[i]] if i in fixed else None for i in imp.index}
    b.imported = pyo.Var(model.Y, model.S, b.I, bounds=lambda _, y, s, i: (0.0, None if ub[i] is None else ub[i][s]), doc="GW")


def expandable_channels(imp) -> list[str]:
    """Import channels that are infrastructure (an expansion capex is given)."""
    if "expansion_capex_cny_per_kw" not in imp:
        return []
    return [i for i in imp.index if pd.notna(imp.at[i, "expansion_capex_cny_per_kw"])]


def _import_expansion(b, model, imp, fixed):
    """Grid reinforcement (GW): capacity of an infrastructure channel only grows, by investment.

    import_capacity_accumulates[y,i]: import_capacity[y,i] = import_capacity[y−1,i] + import_expansion[y,i]
    − import_expansion[y−L_i,i] (import_capacity[first−1,i] = existing_i; L_i = expansion_lifetime_yr); 0 ≤ import_expansion[y,i] ≤ max_expansion_i (GW/yr, bound);
    import_capacity ≤ max_gw (bound).
    """
    years = list(model.Y)
    grow = [i for i in expandable_channels(imp) if i not in fixed]
    rate = {i: float(imp.at[i, "max_expansion_gw_per_yr"]) if pd.notna(imp.at[i, "max_expansion_gw_per_yr"]) else None for i in grow}
    existing = imp["existing_gw"].astype(float).to_dict()
    b.IX = pyo.Set(initialize=grow, ordered=True, doc="import channels that are built, not contracted")
    b.import_expansion = pyo.Var(model.Y, b.IX, bounds=lambda _, y, i: (0.0, rate[i]), doc="GW/yr")

    life = {i: float(imp.at[i, "expansion_lifetime_yr"]) for i in grow}
    _accumulate = _accumulation_rule(
        years, life, existing, dict.fromkeys(grow), lambda bb: bb.import_capacity, lambda bb: bb.import_expansion
    )

    b.import_capacity_accumulates = pyo.Constraint(model.Y, b.IX, rule=_accumulate)


def _import_within_capacity(b, model):
    """import_within_capacity[y,s,i] (i with a capacity decision): imported[y,s,i] − availability_i[s] · import_capacity[y,i] ≤ 0   (GW).

    A matrix block over (year, slice, channel).
    """
    ny, ns = len(model.Y), model.time.n
    channels = list(b.I)
    chosen = [channels.index(i) for i in b.IC]
    nc = len(chosen)
    n = ny * ns * nc
    avail = np.column_stack([np.asarray(b.import_availability[i], dtype=float) for i in b.IC]) if nc else np.zeros((ns, 0))
    at = np.arange(n).reshape(ny, ns, nc)
    imported = var_grid(b.imported, ny, ns, len(channels))[:, :, chosen]
    capacity = var_grid(b.import_capacity, ny, len(channels))[:, None, chosen]
    terms = LinearTerms.of(at, imported, 1.0, n) + LinearTerms.of(at, capacity, -avail[None, :, :], n)
    keys = [(y, s, i) for y in model.Y for s in range(ns) for i in b.IC]
    b.import_within_capacity = matrix_rows(keys, terms, upper=0.0, doc="imports within the available contracted or built capacity, GW")


def _import_within_annual_limit(b, model, imp):
    """import_within_annual_limit[y,i]: Σ_s w_s · imported[y,s,i] · 1e-3 ≤ limit_i   (TWh)."""
    w = [float(v) * TWH_PER_GWH for v in model.time.weight]
    ny, ns = len(model.Y), model.time.n
    row = {y: j for j, y in enumerate(model.Y)}
    channel = {i: j for j, i in enumerate(b.I)}
    imported = var_grid(b.imported, ny, ns, len(channel))
    limited = [i for i in imp.index if pd.notna(imp.at[i, "annual_limit_twh"])]
    limit = imp["annual_limit_twh"].astype(float).to_dict()
    b.import_within_annual_limit = pyo.Constraint(
        model.Y, limited, rule=lambda bb, y, i: linear_sum(w, imported[row[y], :, channel[i]]) <= limit[i]
    )


def _curtailment(b, model, settings):
    """curtailment_within_renewables[y,s]: curtailment[y,s] − Σ_k cf[s,k]·pv_capacity[y,k] ≤ Σ_f alive[y,f]·fixed_output[s,f]   (GW),
    curtailment[y,s] ≥ 0. A matrix block over (year, slice).

    ``renewable_available[y,s]`` = Σ_k cf[s,k]·pv_capacity[y,k] + Σ_f alive[y,f]·fixed_output[s,f] (GW, PV and
    fixed renewable-or-must-run output available) is kept as a :class:`LinearView` over (year, slice).
    """
    b.curtailment = pyo.Var(model.Y, model.S, within=pyo.NonNegativeReals, doc="GW")
    if not settings.allow_curtailment:
        for v in b.curtailment.values():
            v.fix(0.0)
    years = list(model.Y)
    ny, ns, nk = len(years), model.time.n, len(b.K)
    n = ny * ns
    at = np.arange(n).reshape(ny, ns)
    keys = [(y, s) for y in years for s in range(ns)]
    fixed_total = b.fixed_alive_values @ b.fixed_output_values.T  # year × slice, GW of running fixed plants
    available = LinearTerms.of(
        at[:, :, None], var_grid(b.pv_capacity, ny, nk)[:, None, :], np.asarray(b.pv_cf_values, dtype=float)[None, :, :], n
    )
    available.constant = np.asarray(fixed_total, dtype=float).reshape(n)
    b.renewable_available = LinearView(keys, available, doc="PV and fixed renewable-or-must-run output available, GW")
    b.curtailment_terms = LinearTerms.of(at, var_grid(b.curtailment, ny, ns), 1.0, n)
    b.curtailment_within_renewables = matrix_rows(
        keys, b.curtailment_terms - available, upper=0.0, doc="curtailment within the PV and fixed output available, GW"
    )


def _supply(b, model):
    """supply[y,s] = renewable_available[y,s] − curtailment[y,s] + Σ_g generation[y,s,g] + Σ_i imported[y,s,i]
    + Σ_r (discharge[y,s,r] − charge[y,s,r])   (GW): net electricity supplied to the city.

    A :class:`LinearView` over (year, slice): the balance reads its terms as a matrix block.
    """
    ny, ns = len(model.Y), model.time.n
    n = ny * ns
    at = np.arange(n).reshape(ny, ns, 1)

    def flows(var, count, sign):
        return LinearTerms.of(at, var_grid(var, ny, ns, count), sign, n)

    terms = (
        b.renewable_available.terms
        - b.curtailment_terms
        + flows(b.generation, len(b.G), 1.0)
        + flows(b.imported, len(b.I), 1.0)
        + flows(b.discharge, len(b.R), 1.0)
        - flows(b.charge, len(b.R), 1.0)
    )
    b.supply = LinearView(list(b.renewable_available.keys()), terms, doc="net electricity supplied to the city, GW")


def _contract(b, model, scenario, inputs, pv, st, flexible, fixed, imp):
    """use (fuel of local plants), cost, emissions of the power sector."""
    years = list(model.Y)
    slices = list(model.S)
    weight = np.asarray(model.time.weight, dtype=float)
    w_twh = [float(v) * TWH_PER_GWH for v in weight]
    rate = scenario.spec.economics.discount_rate
    carrier_names = set(carriers(inputs).index)
    fuels = {g: flexible.at[g, "fuel"] for g in flexible.index if isinstance(flexible.at[g, "fuel"], str)}
    bad = [g for g, f in fuels.items() if f not in carrier_names]
    if bad:
        inputs.check("generators", ~inputs.tables["generators"]["plant"].isin(bad), "fuel", "not a carrier of carriers.csv", "a carrier id")
    heat_rate = flexible["heat_rate_kgce_per_kwh"].astype(float).to_dict()  # kgce/kWh = Mtce/TWh

    ny, ns = len(years), len(slices)
    row = {y: j for j, y in enumerate(years)}
    generation = var_grid(b.generation, ny, ns, len(b.G))
    imported = var_grid(b.imported, ny, ns, len(b.I))
    discharge = var_grid(b.discharge, ny, ns, len(b.R))
    gi, ii, ri = ({k: j for j, k in enumerate(s)} for s in (b.G, b.I, b.R))
    b.generation_twh = pyo.Expression(
        model.Y, b.G, rule=lambda bb, y, g: linear_sum(w_twh, generation[row[y], :, gi[g]]), doc="Σ_s w_s·generation[y,s,g]·1e-3, TWh/yr"
    )
    use = {}
    for g, fuel in fuels.items():
        for y in years:
            use[(y, fuel)] = use.get((y, fuel), 0.0) + heat_rate[g] * b.generation_twh[y, g]

    pv_annuity = {k: MW_PER_GW * float(pv.at[k, "capex_cny_per_w"]) * crf(rate, float(pv.at[k, "lifetime_yr"])) for k in pv.index}
    pv_opex = {k: MW_PER_GW * float(pv.at[k, "fixed_opex_cny_per_w_yr"]) for k in pv.index}
    st_p = {r: MW_PER_GW * float(st.at[r, "capex_power_cny_per_w"]) * crf(rate, float(st.at[r, "lifetime_yr"])) for r in st.index}
    st_e = {r: MW_PER_GW * float(st.at[r, "capex_energy_cny_per_wh"]) * crf(rate, float(st.at[r, "lifetime_yr"])) for r in st.index}
    st_o = {r: MW_PER_GW * float(st.at[r, "fixed_opex_cny_per_w_yr"]) for r in st.index}
    # weighted throughput cost per slice, M CNY per GW discharged in the slice: w_s [h] · c_r [CNY/kWh = M CNY/GWh]
    wear = {r: float(st.at[r, "throughput_cost_cny_per_kwh"]) for r in st.index}
    w_h = [float(v) for v in weight]
    tou = model.time.factor("tou_multiplier") if "tou_multiplier" in model.time.profiles else np.ones(model.time.n)
    # weighted price per slice, M CNY per GW of the slice: w_s [h] · price_s [CNY/kWh = M CNY/GWh], where
    # price_s = base · tou_s + flat (the time-of-use ratios move the base only; the flat part never floats)
    wprice = {i: [float(v) for v in weight * slice_price(imp.loc[i], tou)] for i in imp.index}
    fee = imp["capacity_fee_cny_per_kw_yr"].astype(float).to_dict()
    vopex = flexible["variable_opex_cny_per_kwh"].astype(float).to_dict()
    fixed_vopex = fixed["variable_opex_cny_per_kwh"].astype(float)
    fixed_twh = weight @ b.fixed_output_values * TWH_PER_GWH if len(fixed.index) else np.zeros(0)  # TWh/yr per fixed plant

    pv_life = pv["lifetime_yr"].astype(float).to_dict()
    st_life = st["lifetime_yr"].astype(float).to_dict()
    grid_life = {i: float(imp.at[i, "expansion_lifetime_yr"]) for i in b.IX}

    def live(var, y, idx, lifetime):
        """Σ of var[y',idx] over the build years still in service in y (annuities end with the lifetime)."""
        return sum(var[yy, idx] for yy in in_service(years, y, lifetime))

    # overnight capex per unit built (M CNY per GW or GWh, base-year prices), read by results (investment)
    b.capex_mcny = {
        **{("pv", k): MW_PER_GW * float(pv.at[k, "capex_cny_per_w"]) for k in pv.index},
        **{("storage_power", r): MW_PER_GW * float(st.at[r, "capex_power_cny_per_w"]) for r in st.index},
        **{("storage_energy", r): MW_PER_GW * float(st.at[r, "capex_energy_cny_per_wh"]) for r in st.index},
        **{("grid_expansion", i): float(imp.at[i, "expansion_capex_cny_per_kw"]) for i in b.IX},
    }
    b.cost_pv = pyo.Expression(
        model.Y, rule=lambda bb, y: sum((pv_annuity[k] + pv_opex[k]) * live(bb.pv_new, y, k, pv_life[k]) for k in bb.K)
    )
    b.cost_storage = pyo.Expression(
        model.Y,
        rule=lambda bb, y: sum(
            (st_p[r] + st_o[r]) * live(bb.storage_power_new, y, r, st_life[r]) + st_e[r] * live(bb.storage_energy_new, y, r, st_life[r])
            for r in bb.R
        ),
        doc="annualised capex and fixed opex of storage built in the horizon, M CNY/yr",
    )
    worn = [r for r in b.R if wear[r]]
    b.cost_storage_throughput = pyo.Expression(
        model.Y,
        rule=lambda bb, y: linear_sum(
            np.concatenate([wear[r] * np.asarray(w_h) for r in worn]) if worn else [],
            np.concatenate([discharge[row[y], :, ri[r]] for r in worn]) if worn else [],
        ),
        doc="Σ_s,r w_s · throughput_cost_r · discharge[y,s,r]: wear of the cells, M CNY/yr",
    )
    b.cost_imports = pyo.Expression(
        model.Y,
        b.I,
        rule=lambda bb, y, i: linear_sum([*wprice[i], fee[i]], [*imported[row[y], :, ii[i]], bb.import_capacity[y, i]]),
        doc="Σ_s w_s·price_i[s]·imported[y,s,i] + fee_i·import_capacity[y,i], M CNY/yr",
    )
    # 1 CNY/kW = 1 M CNY/GW
    grid_annuity = {i: float(imp.at[i, "expansion_capex_cny_per_kw"]) * crf(rate, float(imp.at[i, "expansion_lifetime_yr"])) for i in b.IX}
    b.cost_grid_expansion = pyo.Expression(
        model.Y,
        rule=lambda bb, y: sum(grid_annuity[i] * live(bb.import_expansion, y, i, grid_life[i]) for i in bb.IX),
        doc="annualised capex of grid reinforcement built in the horizon, M CNY/yr",
    )
    # M CNY/yr of the fixed plants still running in each year
    fixed_cost = dict(zip(years, (b.fixed_alive_values @ (fixed_vopex.to_numpy() * fixed_twh) * MW_PER_GW).tolist(), strict=True))
    b.cost_plants = pyo.Expression(
        model.Y,
        rule=lambda bb, y: sum(vopex[g] * bb.generation_twh[y, g] * MW_PER_GW for g in bb.G) + fixed_cost[y],
        doc="variable opex of local plants, M CNY/yr (fuel is priced by the core)",
    )
    cost = {
        y: b.cost_pv[y]
        + b.cost_storage[y]
        + b.cost_storage_throughput[y]
        + sum(b.cost_imports[y, i] for i in b.I)
        + b.cost_grid_expansion[y]
        + b.cost_plants[y]
        for y in years
    }
    ef = imp["co2_kg_per_kwh"].astype(float).to_dict()  # kg/kWh = Mt/TWh
    b.imported_twh = pyo.Expression(
        model.Y, b.I, rule=lambda bb, y, i: linear_sum(w_twh, imported[row[y], :, ii[i]]), doc="Σ_s w_s·imported[y,s,i]·1e-3, TWh/yr"
    )
    extra = {y: sum(ef[i] * b.imported_twh[y, i] for i in imp.index if ef[i] != 0.0) for y in years}
    attach_contract(b, model, inputs, use=use, baseline_use={}, loads=[], cost=cost, extra_emissions=extra)


def _indicators(b, model, scenario, inputs, pv, st, fixed, time):
    """Power indicators: PV and storage capacity, renewable production, green share, storage per new PV."""
    years = list(model.Y)
    weight = np.asarray(time.weight, dtype=float)
    acct = scenario.spec.accounting
    coal_eq = acct.renewable_coal_equivalent_kgce_per_kwh  # kgce/kWh = Mtce/TWh
    imp = inputs.tables["imports"].set_index("channel")
    green = [i for i in imp.index if int(imp.at[i, "green"]) == 1]
    b.pv_total = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.pv_capacity[y, k] for k in bb.K))
    b.storage_power_total = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.storage_power[y, r] for r in bb.R))
    b.storage_energy_total = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.storage_energy[y, r] for r in bb.R))
    share = fixed["renewable"].astype(float).to_numpy()  # renewable fraction of a plant's output
    plant_re_twh = share * (weight @ b.fixed_output_values) * TWH_PER_GWH  # TWh/yr of each fixed plant while it runs
    fixed_re_twh = float(plant_re_twh.sum())  # base year: every existing plant runs
    re_by_year = dict(zip(years, (b.fixed_alive_values @ plant_re_twh).tolist(), strict=True))
    # Σ_s w_s·cf[s,k]·pv_capacity[y,k] = flh_k·pv_capacity[y,k]: one term per class, not per slice
    flh_k = dict(zip(list(b.K), (weight @ b.pv_cf_values).tolist(), strict=True))  # full-load hours, h/yr
    ny, ns, nr = len(years), time.n, len(b.R)
    row = {y: j for j, y in enumerate(years)}
    w_twh = weight * TWH_PER_GWH
    curtailment = var_grid(b.curtailment, ny, ns)
    charge, discharge = var_grid(b.charge, ny, ns, nr), var_grid(b.discharge, ny, ns, nr)
    b.curtailed_twh = pyo.Expression(
        model.Y, rule=lambda bb, y: linear_sum(w_twh, curtailment[row[y]]), doc="Σ_s w_s·curtailment[y,s]·1e-3, TWh/yr"
    )
    b.storage_flow_twh = pyo.Expression(
        model.Y,
        rule=lambda bb, y: linear_sum(
            np.concatenate([np.repeat(w_twh, nr), -np.repeat(w_twh, nr)]), [*discharge[row[y]].ravel(), *charge[row[y]].ravel()]
        ),
        doc="Σ_s,r w_s·(discharge − charge)[y,s,r]·1e-3: storage's net delivery (its losses, negative), TWh/yr",
    )
    b.renewable_twh = pyo.Expression(
        model.Y,
        rule=lambda bb, y: sum(flh_k[k] * bb.pv_capacity[y, k] for k in bb.K) * TWH_PER_GWH - bb.curtailed_twh[y] + re_by_year[y],
        doc="local renewable electricity used (PV, wind, biogenic share of waste), TWh",
    )
    _renewable_production(b, model, acct, fixed_re_twh)
    grid_re = acct.green_share_grid_renewable_pct / 100.0
    grid = [i for i in imp.index if i not in green]
    # Σ_s w_s·supply[y,s]·1e-3 by parts; the PV coefficients Σ_s w_s·cf[s,k] and the fixed output Σ_s w_s·fixed[y,s]
    # are summed slice after slice (cumsum), as a sum over the slices' rows adds them
    w_cf = np.cumsum(weight[:, None] * np.asarray(b.pv_cf_values, dtype=float), axis=0)[-1] if ns else np.zeros(len(b.K))
    fixed_total = b.fixed_alive_values @ b.fixed_output_values.T
    w_fixed = np.cumsum(fixed_total * weight[None, :], axis=1)[:, -1] if ns else np.zeros(ny)
    pv_capacity = var_grid(b.pv_capacity, ny, len(b.K))
    b.consumed_twh = pyo.Expression(
        model.Y,
        rule=lambda bb, y: (
            linear_sum(w_cf, pv_capacity[row[y]], w_fixed[row[y]]) * TWH_PER_GWH
            - bb.curtailed_twh[y]
            + sum(bb.generation_twh[y, g] for g in bb.G)
            + sum(bb.imported_twh[y, i] for i in bb.I)
            + bb.storage_flow_twh[y]
        ),
        doc="Σ_s w_s·supply[y,s]·1e-3: electricity consumed, TWh",
    )
    b.green_twh = pyo.Expression(
        model.Y,
        rule=lambda bb, y: (
            bb.renewable_twh[y]
            + sum(bb.imported_twh[y, i] for i in green)
            + (grid_re * sum(bb.imported_twh[y, i] for i in grid) if grid_re else 0.0)
        ),
        doc="green electricity: local renewables + green imports (+ the stated renewable content of grid imports), TWh",
    )
    b.pv_new_total = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.pv_new[yy, k] for yy in years if yy <= y for k in bb.K))
    b.storage_new_total = pyo.Expression(
        model.Y, rule=lambda bb, y: sum(bb.storage_power_new[yy, r] for yy in years if yy <= y for r in bb.R)
    )
    flh = {k: float(np.dot(weight, time.factor(pv.at[k, "profile"]))) for k in pv.index}
    base_pv_twh = sum(float(pv.at[k, "existing_gw"]) * flh[k] for k in pv.index) * TWH_PER_GWH
    base_re = base_pv_twh + fixed_re_twh
    base_pv_stated_twh = float(pv["existing_gw"].sum()) * acct.pv_full_load_hours * TWH_PER_GWH
    base_production = coal_eq * ((base_pv_stated_twh + fixed_re_twh) if acct.renewable_production_basis == "capacity" else base_re)
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
            "local renewable electricity production (accounting.renewable_production_basis), at the coal-equivalent factor",
            b.renewable_production,
            base_value=base_production,
        ),
        "power.renewable_electricity": Indicator(
            "power.renewable_electricity", "TWh", "local renewable electricity used", b.renewable_twh, base_value=base_re
        ),
        "power.green_share": Indicator(
            "power.green_share",
            "%",
            "green electricity (local renewables + green imports + accounting.green_share_grid_renewable_pct of grid imports) "
            "over electricity consumed",
            b.green_twh,
            denominator=b.consumed_twh,
            scale=100.0,
            base_value=(100.0 * base_re / base_demand) if base_demand and not grid_re else None,
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


def _renewable_production(b, model, acct, fixed_re_twh: float) -> None:
    """renewable_production[y] (Mtce/yr), 可再生能源综合生产能力 of local renewable electricity.

    ``capacity`` basis (default): f_ce · (H_pv · Σ_k pv_capacity[y,k] · 1e-3 + E_fixed), the
    production capability of the installed PV at the stated full-load hours H_pv (h/yr,
    ``accounting.pv_full_load_hours``) plus the renewable output of the existing
    wind, biomass and biogenic waste-to-energy plants at their stated availability
    (E_fixed, TWh/yr, generators.csv); curtailment does not reduce a capability.
    ``output`` basis: f_ce · renewable_twh[y] (the modelled output used, TWh/yr).
    f_ce = ``accounting.renewable_coal_equivalent_kgce_per_kwh`` (kgce/kWh = Mtce/TWh).
    """
    coal_eq = acct.renewable_coal_equivalent_kgce_per_kwh
    hours = acct.pv_full_load_hours
    by_capacity = acct.renewable_production_basis == "capacity"

    def _rule(bb, y):
        if by_capacity:
            return coal_eq * (hours * TWH_PER_GWH * sum(bb.pv_capacity[y, k] for k in bb.K) + fixed_re_twh)
        return coal_eq * bb.renewable_twh[y]

    b.renewable_production = pyo.Expression(
        model.Y, rule=_rule, doc=f"Mtce/yr, {acct.renewable_production_basis} basis at the coal-equivalent factor"
    )
