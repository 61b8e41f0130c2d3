"""Tidy result tables from a solved model; the target scorecard.

Every table is long-format with its unit in a column or in the column name,
sorted by its key columns, so the same solve writes the same bytes.

=====================  ============================================================
table                  columns
=====================  ============================================================
capacity               year, variable (capacity | new_build), technology, unit, value
dispatch               year, slice, day_of_year, hour_of_day, weight_h, flow, value_gw
generation             year, source, value_twh  (annual electricity by source)
energy_use             year, sector, carrier, unit, value, baseline
costs                  year, sector, component, value_mcny (annual cost), discount_factor,
                       present_value_mcny (= value · δ), investment_mcny (overnight
                       capex spent that year on the component, base-year prices)
investment             year, sector, component, item, unit, new_units, capex_mcny_per_unit,
                       investment_mcny, discount_factor  (overnight investment by
                       measure or technology and year; see docs/economics.md)
emissions              year, sector, value_mtco2
indicators             year, indicator, unit, value
measures               year, sector, measure, unit, adopted, new,
                       saving_<carrier>_mtce_per_yr, saving_total_mtce_per_yr,
                       annualised_cost_mcny_per_yr  (savings and cost of adoption
                       since the base year; electricity at the calorific factor)
measure_catalogue      sector, measure, product, unit, existing, potential,
                       max_rate_per_yr, first_year, lifetime_yr, capex_mcny_per_unit,
                       reachable_saving_mtce_per_yr, remaining_potential_saving_mtce_per_yr,
                       annuity_plus_opex_mcny_per_unit_yr, saving_mtce_per_unit_yr,
                       fuel_saving_value_mcny_per_unit_yr,
                       electricity_price_cny_per_kwh, net_cost_cny_per_tce,
                       adopted_saving_mtce_per_yr  (in the last planning year)
prices                 year, slice, day_of_year, hour_of_day, weight_h,
                       price_cny_per_kwh, load_gw  (marginal price of electricity:
                       balance dual / (discount factor · slice weight))
limits                 rank, table, row, column, unit, value, years_binding, first_year,
                       dual_pv_mcny_per_unit, dual_mcny_per_unit_yr, relax_10pct_saving_mcny
                       (binding input limits, ranked; see results/limits.py)
scorecard              id, clause, basis (policy | scenario), indicator, year, sense, target, value, unit, met,
                       margin, shadow_price, shadow_price_unit, shadow_price_annual,
                       shadow_price_annual_unit, mode, shortfall
=====================  ============================================================
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
import pyomo.core as pyo

from simulator.model.measures import MEASURE_COLUMNS
from simulator.model.targets import shadow_price, shortfall_in_units
from simulator.model.values import expression_value
from simulator.results.limits import limits_table

FLOAT_FORMAT = "%.9g"
MET_TOLERANCE = 1e-6


def _v(x) -> float:
    """The value of ``x`` at the solution (0 where a variable has none, as ``pyomo.value(x, exception=False)`` → None)."""
    try:
        return float(expression_value(x))
    except (ValueError, TypeError):
        return 0.0


def capacity_table(m) -> pd.DataFrame:
    p = m.power
    rows = []
    for y in m.Y:
        for k in p.K:
            rows.append((y, "capacity", f"pv_{k}", "GW", _v(p.pv_capacity[y, k])))
            rows.append((y, "new_build", f"pv_{k}", "GW", _v(p.pv_new[y, k])))
        for r in p.R:
            rows.append((y, "capacity", f"storage_{r}", "GW", _v(p.storage_power[y, r])))
            rows.append((y, "capacity", f"storage_{r}", "GWh", _v(p.storage_energy[y, r])))
            rows.append((y, "new_build", f"storage_{r}", "GW", _v(p.storage_power_new[y, r])))
            rows.append((y, "new_build", f"storage_{r}", "GWh", _v(p.storage_energy_new[y, r])))
        for i in p.I:
            rows.append((y, "capacity", f"import_{i}", "GW", _v(p.import_capacity[y, i])))
        for i in p.IX:
            rows.append((y, "new_build", f"import_{i}", "GW", _v(p.import_expansion[y, i])))
    return pd.DataFrame(rows, columns=["year", "variable", "technology", "unit", "value"])


def _array(var, shape: tuple) -> np.ndarray:
    """Values of an indexed Var in its index order (year, slice, …) as an array; unset values are 0."""
    values = var.extract_values()
    return np.fromiter((0.0 if v is None else v for v in values.values()), dtype=float, count=len(values)).reshape(shape)


def _load_gw(b, years: list, n: int) -> np.ndarray:
    """Year × slice load of a sector block, GW (from its load shapes where the block has them)."""
    if not hasattr(b, "load_shapes"):
        return np.array([[_v(b.load[y, s]) for s in range(n)] for y in years], dtype=float)
    total = np.zeros((len(years), n))
    energy = b.load_energy.extract_values()
    for j, y in enumerate(years):
        for c, shape in b.load_shapes.items():
            if (y, c) in energy:
                total[j] += (energy[(y, c)] or 0.0) * shape
    return total + b.load_fixed_gw


def dispatch_table(m) -> pd.DataFrame:
    """Hourly flows in GW (charging, curtailment and loads negative), read as arrays from the solved variables."""
    p, t = m.power, m.time
    years = list(m.Y)
    n = t.n
    ny = len(years)
    frames = []

    def add(flow, values):
        frames.append((flow, np.asarray(values, dtype=float).reshape(ny, n)))

    kk, ff, gg, ii, rr = list(p.K), list(p.F), list(p.G), list(p.I), list(p.R)
    cap = _array(p.pv_capacity, (ny, len(kk)))
    for j, k in enumerate(kk):
        add(f"pv_{k}", p.pv_cf_values[None, :, j] * cap[:, j, None])
    for j, f in enumerate(ff):
        alive = p.fixed_alive_values[:, j] if hasattr(p, "fixed_alive_values") else np.ones(ny)
        add(f, alive[:, None] * p.fixed_output_values[None, :, j])
    gen = _array(p.generation, (ny, n, len(gg)))
    for j, g in enumerate(gg):
        add(g, gen[:, :, j])
    imported = _array(p.imported, (ny, n, len(ii)))
    for j, i in enumerate(ii):
        add(f"import_{i}", imported[:, :, j])
    add("storage_discharge", _array(p.discharge, (ny, n, len(rr))).sum(axis=2))
    add("storage_charge", -_array(p.charge, (ny, n, len(rr))).sum(axis=2))
    add("curtailment", -_array(p.curtailment, (ny, n)))
    for name in m.sector_names:
        if name == "power":
            continue
        add(f"load_{name}", -_load_gw(getattr(m, name), years, n))
    out = []
    for flow, values in frames:
        out.append(
            pd.DataFrame(
                {
                    "year": np.repeat(years, n),
                    "slice": np.tile(np.arange(n), len(years)),
                    "day_of_year": np.tile(t.day_of_year, len(years)),
                    "hour_of_day": np.tile(t.hour_of_day, len(years)),
                    "weight_h": np.tile(t.weight, len(years)),
                    "flow": flow,
                    "value_gw": values.ravel(),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def generation_table(dispatch: pd.DataFrame) -> pd.DataFrame:
    """Annual electricity by source (TWh) from the dispatch table."""
    d = dispatch.assign(value_twh=dispatch["value_gw"] * dispatch["weight_h"] * 1e-3)
    return d.groupby(["year", "flow"], as_index=False)["value_twh"].sum().rename(columns={"flow": "source"})


def energy_table(m) -> pd.DataFrame:
    units = {c: ("TWh" if c == "electricity" else "Mtce") for c in m.C}
    rows = []
    for name in m.sector_names:
        b = getattr(m, name)
        for y in m.Y:
            for c in m.C:
                value, base = _v(b.use[y, c]), _v(b.baseline_use[y, c])
                if value != 0.0 or base != 0.0:
                    rows.append((y, name, c, units[c], value, base))
    return pd.DataFrame(rows, columns=["year", "sector", "carrier", "unit", "value", "baseline"])


def cost_table(m, investment: pd.DataFrame | None = None) -> pd.DataFrame:
    """Annual cost by year, sector and component (M CNY/yr), its present value and the overnight investment beside it."""
    rows = []
    p = m.power
    for y in m.Y:
        df = float(pyo.value(m.discount[y]))
        for name in m.sector_names:
            if name == "power":
                continue
            rows.append((y, name, "measures", _v(getattr(m, name).cost[y]), df))
            rows.append((y, name, "fuel", _v(_fuel(m, getattr(m, name), y)), df))
        rows.append((y, "power", "pv", _v(p.cost_pv[y]), df))
        rows.append((y, "power", "storage", _v(p.cost_storage[y]), df))
        if hasattr(p, "cost_storage_throughput"):
            rows.append((y, "power", "storage_throughput", _v(p.cost_storage_throughput[y]), df))
        for i in p.I:
            rows.append((y, "power", f"import_{i}", _v(p.cost_imports[y, i]), df))
        rows.append((y, "power", "grid_expansion", _v(p.cost_grid_expansion[y]), df))
        rows.append((y, "power", "plant_opex", _v(p.cost_plants[y]), df))
        rows.append((y, "power", "fuel", _v(_fuel(m, p, y)), df))
        rows.append((y, "city", "carbon", _v(m.carbon_cost[y]), df))
    frame = pd.DataFrame(rows, columns=["year", "sector", "component", "value_mcny", "discount_factor"])
    frame["present_value_mcny"] = frame["value_mcny"] * frame["discount_factor"]
    if investment is None:
        investment = investment_table(m)
    spent = investment.groupby(["year", "sector", "component"], as_index=False)["investment_mcny"].sum()
    frame = frame.merge(spent, on=["year", "sector", "component"], how="left")
    frame["investment_mcny"] = frame["investment_mcny"].fillna(0.0)
    return frame


def investment_table(m) -> pd.DataFrame:
    """Overnight investment by year, sector and measure or technology (M CNY, base-year prices, not discounted).

    Power: new PV (GW) and storage power (GW) and energy (GWh), grid
    reinforcement (GW), each times its capex per unit; measures: units added
    that year (adopted[y] − adopted[y−1], the first year against ``existing``)
    times ``capex_mcny_per_unit``.
    """
    p = m.power
    years = list(m.Y)
    rows = []
    capex = getattr(p, "capex_mcny", {})
    # (component, name prefix, unit, index set, new-build variable, capex key) of each power asset
    assets = [
        ("pv", "pv_{}", "GW", p.K, p.pv_new, "pv"),
        ("storage", "storage_{}_power", "GW", p.R, p.storage_power_new, "storage_power"),
        ("storage", "storage_{}_energy", "GWh", p.R, p.storage_energy_new, "storage_energy"),
        ("grid_expansion", "grid_expansion_{}", "GW", p.IX, p.import_expansion, "grid_expansion"),
    ]
    for y in years:
        df = float(pyo.value(m.discount[y]))
        for component, name, unit, index, built, key in assets:
            rows += [(y, "power", component, name.format(i), unit, _v(built[y, i]), capex.get((key, i), 0.0), df) for i in index]
    for name, b in _measure_blocks(m):
        meas = list(b.M)
        if not meas:
            continue
        cat = b.measure_catalogue.set_index("measure")
        unit, capex = (dict(zip(cat.index, cat[col].to_numpy(), strict=True)) for col in ("unit", "capex_mcny_per_unit"))  # cat.at[k, col]
        adopted = np.array([[_v(b.adopted[y, k]) for k in meas] for y in years])
        existing = np.array([float(b.measure_existing.get(k, 0.0)) for k in meas])
        new = adopted - np.vstack([existing, adopted[:-1]])
        for j, y in enumerate(years):
            df = float(pyo.value(m.discount[y]))
            for i, k in enumerate(meas):
                rows.append((y, name, "measures", k, str(unit[k]), float(new[j, i]), float(capex[k]), df))
    columns = ["year", "sector", "component", "item", "unit", "new_units", "capex_mcny_per_unit", "discount_factor"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["investment_mcny"] = frame["new_units"] * frame["capex_mcny_per_unit"]
    return frame[[*columns[:-1], "investment_mcny", "discount_factor"]]


def price_table(m, duals: dict) -> pd.DataFrame:
    """Marginal price of electricity per year and slice, CNY/kWh, and the load it serves (GW).

    The dual λ[y,s] of ``balance_electricity[y,s]`` is the present-value cost
    (M CNY) of one more GW of load in slice s of year y for a whole year, i.e.
    of w_s GWh; so ``price = λ / (δ_y · w_s)`` in M CNY/GWh = CNY/kWh.
    ``load_gw`` is the right-hand side of the balance (all sectors' load).
    """
    t = m.time
    years = list(m.Y)
    rows = []
    demand = [getattr(m, name) for name in m.sector_names if name != "power"]
    n = t.n
    load_gw = sum((_load_gw(b, years, n) for b in demand), np.zeros((len(years), n)))
    for j, y in enumerate(years):
        delta = float(pyo.value(m.discount[y]))
        for s in m.S:
            w = float(t.weight[s])
            lam = duals.get(m.balance_electricity[y, s], 0.0)
            load = float(load_gw[j, s])
            rows.append((y, s, int(t.day_of_year[s]), int(t.hour_of_day[s]), w, lam / (delta * w) if w else float("nan"), load))
    columns = ["year", "slice", "day_of_year", "hour_of_day", "weight_h", "price_cny_per_kwh", "load_gw"]
    return pd.DataFrame(rows, columns=columns)


def load_weighted_price(prices: pd.DataFrame) -> pd.Series:
    """Per year: Σ_s w_s·load_s·price_s / Σ_s w_s·load_s, CNY/kWh (the average price the city's load pays at the margin)."""
    energy = prices["weight_h"] * prices["load_gw"]
    paid = (energy * prices["price_cny_per_kwh"]).groupby(prices["year"]).sum()
    return paid / energy.groupby(prices["year"]).sum()


def _fuel(m, block, y):
    """Fuel purchases of a block, M CNY/yr (electricity is paid in the power sector)."""
    return sum(m.fuel_price[c] * block.use[y, c] for c in m.C if pyo.value(m.fuel_price[c]) != 0.0)


def emissions_table(m) -> pd.DataFrame:
    rows = [(y, name, _v(getattr(m, name).emissions[y])) for name in m.sector_names for y in m.Y]
    return pd.DataFrame(rows, columns=["year", "sector", "value_mtco2"])


def indicator_table(m, indicators: dict) -> pd.DataFrame:
    rows = []
    for name, ind in sorted(indicators.items()):
        for y in m.Y:
            try:
                ind.numerator[y]
            except KeyError:
                continue
            rows.append((y, name, ind.unit, ind.value(y)))
    return pd.DataFrame(rows, columns=["year", "indicator", "unit", "value"])


DEFAULT_ELECTRICITY_MTCE_PER_TWH = 0.1229  # GB/T 2589-2020 calorific factor, when no block states one


def _measure_blocks(m) -> list:
    return [(name, getattr(m, name)) for name in m.sector_names if hasattr(getattr(m, name), "adopted")]


def _conversion(m, block, attr: str, fallback: dict | None) -> dict:
    """Per-carrier factors a sector block states (``mtce_per_unit`` or ``price_mcny_per_unit``).

    A block without them borrows another block's (same scenario), else ``fallback``.
    """
    own = getattr(block, attr, None)
    if own:
        return own
    for _, other in _measure_blocks(m):
        if getattr(other, attr, None):
            return getattr(other, attr)
    return fallback or {}


def _saving_matrix(block, carriers: list[str]) -> np.ndarray:
    """Yearly saving per unit adopted, measure × carrier, in carrier units (TWh or Mtce)."""
    cat = block.measure_catalogue.set_index("measure").reindex(list(block.M))
    cols = [f"saving_{c}" for c in carriers]
    return cat.reindex(columns=cols).fillna(0.0).to_numpy(dtype=float)


def _fallback_mtce(m) -> dict:
    return {c: (DEFAULT_ELECTRICITY_MTCE_PER_TWH if c == "electricity" else 1.0) for c in m.C}


def measures_table(m, mtce_per_unit: dict | None = None) -> pd.DataFrame:
    """Per year and measure: adoption, new units, savings by carrier (Mtce/yr) and annualised cost.

    ``adopted`` is cumulative (measure unit), ``new`` the units added that
    year. Savings and cost are those of adoption since the base year
    (adopted − existing; earlier adoption is in the base intensity and sunk):
    ``saving_<c>_mtce_per_yr = s[m,c] · f_c · (adopted − existing)`` with f_c
    the Mtce per carrier unit the sector states (electricity at the scenario's
    calorific factor; ``mtce_per_unit`` or 0.1229 Mtce/TWh when no sector
    states one), ``annualised_cost_mcny_per_yr = (CRF·capex + fixed opex) ·
    (adopted − existing)``.
    """
    carriers = list(m.C)
    saving_cols = [f"saving_{c}_mtce_per_yr" for c in carriers]
    columns = [
        "year",
        "sector",
        "measure",
        "unit",
        "adopted",
        "new",
        *saving_cols,
        "saving_total_mtce_per_yr",
        "annualised_cost_mcny_per_yr",
    ]
    years = list(m.Y)
    frames = []
    for name, b in _measure_blocks(m):
        meas = list(b.M)
        if not meas:
            continue
        factor = _conversion(m, b, "mtce_per_unit", mtce_per_unit or _fallback_mtce(m))
        f = np.array([float(factor.get(c, 1.0)) for c in carriers])
        adopted = np.array([[_v(b.adopted[y, k]) for k in meas] for y in years])  # year × measure
        existing = np.array([float(b.measure_existing.get(k, 0.0)) for k in meas])
        new = adopted - np.vstack([existing, adopted[:-1]])
        since_base = adopted - existing
        per_unit = _saving_matrix(b, carriers) * f  # measure × carrier, Mtce per unit-yr
        saving = since_base[:, :, None] * per_unit[None, :, :]  # year × measure × carrier
        opex = b.measure_catalogue.set_index("measure")["fixed_opex_mcny_per_unit_yr"].astype(float)
        annual = np.array([float(b.measure_annuity[k]) + float(opex[k]) for k in meas])
        frame = pd.DataFrame(
            {
                "year": np.repeat(years, len(meas)),
                "sector": name,
                "measure": np.tile(meas, len(years)),
                "unit": np.tile([b.measure_units.get(k, "") for k in meas], len(years)),
                "adopted": adopted.ravel(),
                "new": new.ravel(),
            }
        )
        frame[saving_cols] = saving.reshape(-1, len(carriers))
        frame["saving_total_mtce_per_yr"] = saving.sum(axis=2).ravel()
        frame["annualised_cost_mcny_per_yr"] = (since_base * annual).ravel()
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def measure_catalogue_table(m, mtce_per_unit: dict | None = None) -> pd.DataFrame:
    """Per measure: cost and saving per unit, and the net cost per tce saved (for abatement cost curves).

    * ``annuity_plus_opex_mcny_per_unit_yr = CRF(r, life)·capex + fixed opex``
      (M CNY per unit-yr, at the scenario's discount rate);
    * ``saving_mtce_per_unit_yr = Σ_c s[m,c]·f_c`` (net of added carriers,
      electricity at the calorific factor);
    * ``fuel_saving_value_mcny_per_unit_yr = Σ_c s[m,c]·price_c`` with fuels
      at carriers.csv prices and electricity at the price the sector states
      (``electricity_price_cny_per_kwh``; NaN if none);
    * ``net_cost_cny_per_tce = (annuity + opex − fuel value) / saving``
      (M CNY per Mtce = CNY per tce; NaN when the measure saves no energy);
    * ``remaining_potential_saving_mtce_per_yr = (potential − existing)·saving``;
    * ``reachable_saving_mtce_per_yr``: the same, capped by what the yearly
      rate allows by the last planning year: ``(min(potential, existing +
      max_rate·n) − existing)·saving`` with n the planning years from
      ``first_year`` on;
    * ``adopted_saving_mtce_per_yr = (adopted[last] − existing)·saving`` in
      the solved plan.
    """
    carriers = list(m.C)
    columns = [
        "sector",
        *MEASURE_COLUMNS[:-1],  # the catalogue's own columns, up to capex
        "reachable_saving_mtce_per_yr",
        "remaining_potential_saving_mtce_per_yr",
        "annuity_plus_opex_mcny_per_unit_yr",
        "saving_mtce_per_unit_yr",
        "fuel_saving_value_mcny_per_unit_yr",
        "electricity_price_cny_per_kwh",
        "net_cost_cny_per_tce",
        "adopted_saving_mtce_per_yr",
    ]
    years = list(m.Y)
    frames = []
    fuel_price = {c: float(pyo.value(m.fuel_price[c])) for c in carriers} if hasattr(m, "fuel_price") else {}
    for name, b in _measure_blocks(m):
        meas = list(b.M)
        if not meas:
            continue
        cat = b.measure_catalogue.set_index("measure").reindex(meas)
        factor = _conversion(m, b, "mtce_per_unit", mtce_per_unit or _fallback_mtce(m))
        price = _conversion(m, b, "price_mcny_per_unit", {**fuel_price, "electricity": float("nan")})
        s = _saving_matrix(b, carriers)
        saving = s @ np.array([float(factor.get(c, 1.0)) for c in carriers])
        p = np.array([float(price.get(c, 0.0)) for c in carriers])
        used = s != 0.0
        value = np.where(used, s * np.where(used, p, 0.0), 0.0).sum(axis=1)
        annual = np.array([float(b.measure_annuity[k]) for k in meas]) + cat["fixed_opex_mcny_per_unit_yr"].astype(float).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            net = np.where(saving > 1e-12, (annual - value) / saving, np.nan)
        existing = cat["existing"].astype(float).to_numpy()
        potential = cat["potential"].astype(float).to_numpy()
        rate = cat["max_rate_per_yr"].astype(float).to_numpy()
        first = cat["first_year"].astype(int).to_numpy()
        n_years = np.array([sum(1 for y in years if y >= f) for f in first], dtype=float)
        with np.errstate(invalid="ignore"):
            reachable = np.minimum(potential, existing + np.where(n_years > 0, rate * n_years, 0.0)) - existing
        adopted_last = np.array([_v(b.adopted[years[-1], k]) for k in meas])
        frames.append(
            pd.DataFrame(
                {
                    "sector": name,
                    "measure": meas,
                    "product": cat["product"].astype(str).to_numpy() if "product" in cat else "",
                    "unit": cat["unit"].astype(str).to_numpy(),
                    "existing": existing,
                    "potential": potential,
                    "max_rate_per_yr": cat["max_rate_per_yr"].astype(float).to_numpy(),
                    "first_year": cat["first_year"].astype(int).to_numpy(),
                    "lifetime_yr": cat["lifetime_yr"].astype(float).to_numpy(),
                    "capex_mcny_per_unit": cat["capex_mcny_per_unit"].astype(float).to_numpy(),
                    "reachable_saving_mtce_per_yr": reachable * saving,
                    "remaining_potential_saving_mtce_per_yr": (potential - existing) * saving,
                    "annuity_plus_opex_mcny_per_unit_yr": annual,
                    "saving_mtce_per_unit_yr": saving,
                    "fuel_saving_value_mcny_per_unit_yr": value,
                    "electricity_price_cny_per_kwh": float(price.get("electricity", np.nan)) / 1000.0,  # M CNY/TWh → CNY/kWh
                    "net_cost_cny_per_tce": net,
                    "adopted_saving_mtce_per_yr": (adopted_last - existing) * saving,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _annuity_factor(m, year: int) -> float:
    """Σ_{y ≥ year} δ_y over the planning years: turns a present value into an equal yearly amount from ``year`` on."""
    total = sum(float(pyo.value(m.discount[y])) for y in m.Y if y >= year)
    return total if total > 0 else float(pyo.value(m.discount[list(m.Y)[-1]]))


def scorecard(m, duals: dict) -> pd.DataFrame:
    """Targets: value, met, and the shadow price in two forms.

    ``shadow_price`` is the exact dual (M CNY present value per indicator
    unit, checked by re-solve); ``shadow_price_annual = shadow_price / Σ_{y ≥
    target year} δ_y`` is the same cost as an equal amount every year from the
    target year to the end of the horizon (M CNY/yr per unit; for a target in
    the last year, the undiscounted cost in that year). Per Mtce it reads as
    CNY per tce, per GW as CNY per kW per year (docs/economics.md).
    """
    rows = []
    for t in m.targets.T:
        row = m.targets.rows[t]
        spec, ind = row.spec, row.indicator
        value = ind.value(row.year)
        target = row.target_value
        if spec.sense == ">=":
            margin = value - target
        elif spec.sense == "<=":
            margin = target - value
        else:
            margin = -abs(value - target)
        met = margin >= -MET_TOLERANCE * max(1.0, abs(target))
        dual = duals.get(m.targets.target_met[t], 0.0)
        rows.append(
            {
                "id": t,
                "clause": spec.clause,
                "basis": spec.basis,
                "indicator": spec.indicator,
                "year": row.year,
                "sense": spec.sense,
                "target": target,
                "value": value,
                "unit": ind.unit,
                "met": bool(met),
                "margin": margin,
                "shadow_price": shadow_price(row, dual),
                "shadow_price_unit": f"M CNY per {ind.unit}",
                "shadow_price_annual": shadow_price(row, dual) / _annuity_factor(m, row.year),
                "shadow_price_annual_unit": f"M CNY/yr per {ind.unit}",
                "mode": "soft" if t in m.targets.T_soft else "hard",
                "shortfall": shortfall_in_units(m, row),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "clause",
            "basis",
            "indicator",
            "year",
            "sense",
            "target",
            "value",
            "unit",
            "met",
            "margin",
            "shadow_price",
            "shadow_price_unit",
            "shadow_price_annual",
            "shadow_price_annual_unit",
            "mode",
            "shortfall",
        ],
    )


#: the tables a sweep variant is summarised from (:func:`simulator.sweep.summarise`)
SWEEP_TABLES = frozenset({"capacity", "costs", "emissions", "scorecard"})


def result_tables(
    m, duals: dict, indicators: dict, reduced_costs: dict | None = None, only: frozenset[str] | None = None
) -> dict[str, pd.DataFrame]:
    """All result tables of a solved model (or those named in ``only``), sorted by their key columns.

    ``limits`` (binding input limits, see ``results.limits``) is made when the
    solver's reduced costs are given and ``only`` does not leave it out.
    """
    wanted = None if only is None else set(only)

    def want(*names: str) -> bool:
        return wanted is None or any(n in wanted for n in names)

    dispatch = dispatch_table(m) if want("dispatch", "generation") else None  # generation is made from dispatch
    investment = investment_table(m) if want("investment", "costs") else None  # and costs from investment
    makers = {  # in the files' order
        "capacity": lambda: capacity_table(m),
        "dispatch": lambda: dispatch,
        "generation": lambda: generation_table(dispatch),
        "energy_use": lambda: energy_table(m),
        "costs": lambda: cost_table(m, investment),
        "investment": lambda: investment,
        "emissions": lambda: emissions_table(m),
        "indicators": lambda: indicator_table(m, indicators),
        "measures": lambda: measures_table(m),
        "measure_catalogue": lambda: measure_catalogue_table(m),
        "prices": lambda: price_table(m, duals),
        "scorecard": lambda: scorecard(m, duals),
    }
    tables = {name: make() for name, make in makers.items() if want(name)}
    keys = {
        "capacity": ["year", "variable", "technology", "unit"],
        "dispatch": ["flow", "year", "slice"],
        "generation": ["year", "source"],
        "energy_use": ["year", "sector", "carrier"],
        "costs": ["year", "sector", "component"],
        "investment": ["year", "sector", "item"],
        "emissions": ["year", "sector"],
        "indicators": ["indicator", "year"],
        "measures": ["sector", "measure", "year"],
        "measure_catalogue": ["sector", "measure"],
        "prices": ["year", "slice"],
        "scorecard": ["id"],
    }
    if reduced_costs is not None and want("limits"):
        tables["limits"] = limits_table(m, duals, reduced_costs)  # already ranked
    for name, frame in tables.items():
        if not frame.empty and name in keys:
            tables[name] = frame.sort_values(keys[name], kind="mergesort").reset_index(drop=True)
    return tables


#: rows turned into text at a time by :func:`write_csv` (bounds its memory: ~60 MB of text at 8 columns)
CSV_CHUNK_ROWS = 100_000
_MAY_NEED_QUOTES = re.compile(r'[,"\r\n]')


def _csv_field(value: str) -> str:
    """``value`` as the csv module writes it in a row of several fields (quoted where its dialect says)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([value, ""])
    return buffer.getvalue()[:-2]


def _column_text(column: pd.Series) -> list[str]:
    """The column's fields as ``to_csv(float_format=FLOAT_FORMAT)`` writes them.

    Floats through :data:`FLOAT_FORMAT` (NaN empty), integers and booleans as
    ``str`` gives them, text as is (missing empty; a field with a comma, quote
    or line break as the csv module writes it). Integers and text are turned
    into text once per distinct value.
    """
    kind = column.dtype.kind
    if kind == "f":  # (other kinds: see _plain_kind)
        values = column.to_numpy(dtype=float)
        text = [FLOAT_FORMAT % v for v in values.tolist()]
        for i in np.flatnonzero(np.isnan(values)).tolist():
            text[i] = ""
        return text
    if kind in "iub":
        codes, distinct = pd.factorize(column.to_numpy())
        return np.array([str(v) for v in distinct.tolist()], dtype=object)[codes].tolist()
    codes, distinct = pd.factorize(column.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    quoted = [_csv_field(v) if _MAY_NEED_QUOTES.search(v) else v for v in distinct.tolist()]
    return np.array([*quoted, ""], dtype=object)[codes].tolist()  # code −1 (missing): the empty field


def write_csv(frame: pd.DataFrame, path) -> None:
    """``frame`` as CSV, byte for byte what ``frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\\n")`` writes.

    pandas formats and writes one value at a time through several layers (1 M
    values of an 8,760-hour run: 2.8 s for all tables); here each column of a
    chunk of rows becomes a list of text in one pass and the rows are joined.
    A frame with one column, or a column of another kind (mixed objects,
    dates), is left to pandas.
    """
    columns = [frame.iloc[:, i] for i in range(frame.shape[1])]
    if len(columns) < 2 or not all(_plain_kind(c) for c in columns):
        frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
        return
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerow(list(frame.columns))
        for start in range(0, len(frame), CSV_CHUNK_ROWS):
            parts = [_column_text(c.iloc[start : start + CSV_CHUNK_ROWS]) for c in columns]
            out.write("\n".join(map(",".join, zip(*parts, strict=True))) + "\n")


def _plain_kind(column: pd.Series) -> bool:
    """numpy numbers and booleans, or text with missing values only (what :func:`_column_text` writes)."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "fiub":
        return True
    if column.dtype.kind in "fiub":  # pandas' nullable numbers: their NA is written by pandas
        return False
    if not (pd.api.types.is_string_dtype(column.dtype) or column.dtype.kind == "O"):
        return False
    distinct = pd.unique(column.to_numpy(dtype=object, na_value=None))
    return all(isinstance(v, str) or v is None for v in distinct.tolist())


def write_tables(tables: dict[str, pd.DataFrame], folder) -> None:
    for name, frame in tables.items():
        write_csv(frame, folder / f"{name}.csv")
