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
costs                  year, sector, component, value_mcny, discount_factor
emissions              year, sector, value_mtco2
indicators             year, indicator, unit, value
measures               year, sector, measure, unit, adopted, new, saving_mtce
scorecard              id, clause, indicator, year, sense, target, value, unit, met,
                       margin, shadow_price, shadow_price_unit, mode, shortfall
=====================  ============================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from .targets import shadow_price, shortfall_in_units

FLOAT_FORMAT = "%.9g"
MET_TOLERANCE = 1e-6


def _v(x) -> float:
    val = pyo.value(x, exception=False)
    return 0.0 if val is None else float(val)


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
    return pd.DataFrame(rows, columns=["year", "variable", "technology", "unit", "value"])


def dispatch_table(m) -> pd.DataFrame:
    """Hourly flows in GW (charging, curtailment and loads negative)."""
    p, t = m.power, m.time
    years = list(m.Y)
    n = t.n
    frames = []

    def add(flow, values):
        frames.append((flow, np.asarray(values, dtype=float).reshape(len(years), n)))

    for k in p.K:
        cf = np.array([pyo.value(p.pv_cf[s, k]) for s in m.S])
        add(f"pv_{k}", [[cf[s] * _v(p.pv_capacity[y, k]) for s in range(n)] for y in years])
    for f in p.F:
        out = np.array([pyo.value(p.fixed_output[s, f]) for s in m.S])
        add(f, [out for _ in years])
    for g in p.G:
        add(g, [[_v(p.generation[y, s, g]) for s in range(n)] for y in years])
    for i in p.I:
        add(f"import_{i}", [[_v(p.imported[y, s, i]) for s in range(n)] for y in years])
    add("storage_discharge", [[sum(_v(p.discharge[y, s, r]) for r in p.R) for s in range(n)] for y in years])
    add("storage_charge", [[-sum(_v(p.charge[y, s, r]) for r in p.R) for s in range(n)] for y in years])
    add("curtailment", [[-_v(p.curtailment[y, s]) for s in range(n)] for y in years])
    for name in m.sector_names:
        if name == "power":
            continue
        b = getattr(m, name)
        add(f"load_{name}", [[-_v(b.load[y, s]) for s in range(n)] for y in years])
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


def cost_table(m) -> pd.DataFrame:
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
        for i in p.I:
            rows.append((y, "power", f"import_{i}", _v(p.cost_imports[y, i]), df))
        rows.append((y, "power", "plant_opex", _v(p.cost_plants[y]), df))
        rows.append((y, "power", "fuel", _v(_fuel(m, p, y)), df))
        rows.append((y, "city", "carbon", _v(m.carbon_cost[y]), df))
    return pd.DataFrame(rows, columns=["year", "sector", "component", "value_mcny", "discount_factor"])


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


def measures_table(m, mtce_per_unit: dict) -> pd.DataFrame:
    rows = []
    years = list(m.Y)
    for name in m.sector_names:
        b = getattr(m, name)
        if not hasattr(b, "adopted"):
            continue
        units = getattr(b, "measure_units", {})
        for meas in b.M:
            prev = None
            for y in years:
                adopted = _v(b.adopted[y, meas])
                new = adopted - (prev if prev is not None else float(getattr(b, "measure_existing", {}).get(meas, 0.0)))
                prev = adopted
                rows.append((y, name, meas, units.get(meas, ""), adopted, new))
    return pd.DataFrame(rows, columns=["year", "sector", "measure", "unit", "adopted", "new"])


def scorecard(m, duals: dict) -> pd.DataFrame:
    rows = []
    for t in m.targets.T:
        row = m.targets.rows[t]
        spec, ind = row.spec, row.indicator
        value = ind.value(spec.year)
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
                "indicator": spec.indicator,
                "year": spec.year,
                "sense": spec.sense,
                "target": target,
                "value": value,
                "unit": ind.unit,
                "met": bool(met),
                "margin": margin,
                "shadow_price": shadow_price(row, dual),
                "shadow_price_unit": f"M CNY per {ind.unit}",
                "mode": "soft" if t in m.targets.T_soft else "hard",
                "shortfall": shortfall_in_units(m, row),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "clause",
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
            "mode",
            "shortfall",
        ],
    )


def result_tables(m, duals: dict, indicators: dict) -> dict[str, pd.DataFrame]:
    """All result tables of a solved model, sorted by their key columns."""
    dispatch = dispatch_table(m)
    tables = {
        "capacity": capacity_table(m),
        "dispatch": dispatch,
        "generation": generation_table(dispatch),
        "energy_use": energy_table(m),
        "costs": cost_table(m),
        "emissions": emissions_table(m),
        "indicators": indicator_table(m, indicators),
        "measures": measures_table(m, {}),
        "scorecard": scorecard(m, duals),
    }
    keys = {
        "capacity": ["year", "variable", "technology", "unit"],
        "dispatch": ["flow", "year", "slice"],
        "generation": ["year", "source"],
        "energy_use": ["year", "sector", "carrier"],
        "costs": ["year", "sector", "component"],
        "emissions": ["year", "sector"],
        "indicators": ["indicator", "year"],
        "measures": ["sector", "measure", "year"],
        "scorecard": ["id"],
    }
    for name, frame in tables.items():
        if not frame.empty:
            tables[name] = frame.sort_values(keys[name], kind="mergesort").reset_index(drop=True)
    return tables


def write_tables(tables: dict[str, pd.DataFrame], folder) -> None:
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
