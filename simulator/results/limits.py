"""Binding input limits: which limits of the inputs hold the optimum back, and what relaxing each is worth.

A limit is one value of an input table (its table, row and column), e.g. the
yearly build rate of a PV class or the potential of a measure. It usually
appears in several years; its dual is the sum over those years:

    dual_pv = Σ_y |∂ total_cost / ∂ limit_y|      (M CNY present value per unit of the limit)

read from the row duals of constraints (``adoption_within_rate``,
``import_within_annual_limit``, …) or the reduced costs of variable bounds
(``pv_new ≤ max_build``, ``pv_capacity ≤ potential``, …). For a duration
bound, ∂cost/∂h = dual · storage_power. A relaxation can only lower the cost
of a minimum, so the sign is dropped.

* ``dual_mcny_per_unit_yr = dual_pv / Σ_y δ_y``: the same saving as an
  equal amount every planning year (M CNY/yr per unit);
* ``relax_10pct_saving_mcny = 0.1 · |value| · dual_pv``: what relaxing the
  limit by 10 % of its value would save (first order), unit-free across
  limits, so limits are ranked by it (``rank`` 1 = most valuable).

Columns: rank, table, row, column, unit, value, years_binding, first_year,
dual_pv_mcny_per_unit, dual_mcny_per_unit_yr, relax_10pct_saving_mcny.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.core as pyo

#: a dual smaller than this (M CNY per unit, present value) is not binding
BINDING_TOLERANCE = 1e-7

COLUMNS = [
    "rank",
    "table",
    "row",
    "column",
    "unit",
    "value",
    "years_binding",
    "first_year",
    "dual_pv_mcny_per_unit",
    "dual_mcny_per_unit_yr",
    "relax_10pct_saving_mcny",
]


class _Collector:
    """Sums |dual| per input limit over the years it binds."""

    def __init__(self):
        self.rows: dict[tuple, dict] = {}

    def add(self, table: str, row: str, column: str, unit: str, value: float, year: int, dual: float) -> None:
        if not np.isfinite(value) or abs(dual) <= BINDING_TOLERANCE:
            return
        key = (table, str(row), column)
        entry = self.rows.setdefault(key, {"unit": unit, "value": float(value), "years": [], "dual": 0.0})
        entry["years"].append(int(year))
        entry["dual"] += abs(float(dual))


def _at_upper(var, tol: float = 1e-7) -> bool:
    ub, val = var.ub, var.value
    return ub is not None and val is not None and val >= ub - tol * max(1.0, abs(ub))


def _bound_dual(reduced: dict, var) -> float:
    """Reduced cost of a variable at its upper bound (0 when the bound is not active)."""
    return reduced.get(var, 0.0) if _at_upper(var) else 0.0


def _power_limits(m, duals: dict, reduced: dict, out: _Collector) -> None:
    p = m.power
    years = list(m.Y)
    for y in years:
        for k in p.K:
            out.add("pv_classes", k, "max_build_gw_per_yr", "GW/yr", p.pv_new[y, k].ub, y, _bound_dual(reduced, p.pv_new[y, k]))
            out.add("pv_classes", k, "potential_gw", "GW", p.pv_capacity[y, k].ub, y, _bound_dual(reduced, p.pv_capacity[y, k]))
        for r in p.R:
            var = p.storage_power_new[y, r]
            out.add("storage", r, "max_build_gw_per_yr", "GW/yr", var.ub, y, _bound_dual(reduced, var))
            power = float(pyo.value(p.storage_power[y, r]))
            for con, column in ((p.storage_duration_max, "max_duration_h"), (p.storage_duration_min, "min_duration_h")):
                c = con[y, r]
                hours = _duration_of(c, p, y, r)
                out.add("storage", r, column, "h", hours, y, duals.get(c, 0.0) * power)
        for i in p.IC:
            var = p.import_capacity[y, i]
            out.add("imports", i, "max_gw", "GW", var.ub, y, _bound_dual(reduced, var))
        fixed = [i for i in p.I if i not in set(p.IC)]
        for i in fixed:
            avail = p.import_availability[i]
            d = sum(_bound_dual(reduced, p.imported[y, s, i]) * float(avail[s]) for s in m.S)
            out.add("imports", i, "max_gw", "GW", float(pyo.value(p.import_capacity[y, i])), y, d)
        for i in p.IX:
            var = p.import_expansion[y, i]
            out.add("imports", i, "max_expansion_gw_per_yr", "GW/yr", var.ub, y, _bound_dual(reduced, var))
        for idx in p.import_within_annual_limit:
            if idx[0] == y:
                c = p.import_within_annual_limit[idx]
                out.add("imports", idx[1], "annual_limit_twh", "TWh/yr", float(pyo.value(c.upper)), y, duals.get(c, 0.0))


def _duration_of(con, p, y, r) -> float:
    """The duration bound (h) of a storage_duration row: the coefficient of storage_power in it."""
    from pyomo.repn import generate_standard_repn

    repn = generate_standard_repn(con.body)
    for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        if var is p.storage_power[y, r]:
            return abs(float(coef))
    return float("nan")


def _measure_limits(m, duals: dict, out: _Collector) -> None:
    years = list(m.Y)
    for name in m.sector_names:
        b = getattr(m, name)
        if not hasattr(b, "adopted"):
            continue
        cat = b.measure_catalogue.set_index("measure")
        table = f"measures_{name}"  # potential and max_rate_per_yr live in the deployment table (not technologies_<sector>)
        for k in b.adoption_within_potential:
            c = b.adoption_within_potential[k]
            out.add(table, k, "potential", cat.at[k, "unit"], float(pyo.value(c.upper)), years[-1], duals.get(c, 0.0))
        for y, k in b.adoption_within_rate:
            c = b.adoption_within_rate[y, k]
            rate = float(cat.at[k, "max_rate_per_yr"])
            if not np.isfinite(rate):
                continue
            out.add(table, k, "max_rate_per_yr", f"{cat.at[k, 'unit']}/yr", rate, y, duals.get(c, 0.0))


def _roof_pv_limits(m, duals: dict, out: _Collector) -> None:
    """The scenario's floor on PV covering new roofs: ∂cost/∂share = dual · installable PV on new roofs."""
    for name in m.sector_names:
        b = getattr(m, name)
        if not hasattr(b, "new_roof_pv_coverage_floor"):
            continue
        for y, k in b.new_roof_pv_coverage_floor:
            c = b.new_roof_pv_coverage_floor[y, k]
            cap = float(pyo.value(b.new_roof_pv_potential[y, k]))
            share = float(pyo.value(c.lower)) / cap if cap else float("nan")
            out.add(f"scenario: sectors.{name}", k, "new_roof_pv_coverage_min", "share", share, y, duals.get(c, 0.0) * cap)


def limits_table(m, duals: dict, reduced_costs: dict) -> pd.DataFrame:
    """Every input limit that binds at the optimum, ranked by what relaxing it by 10 % would save."""
    out = _Collector()
    _power_limits(m, duals, reduced_costs, out)
    _measure_limits(m, duals, out)
    _roof_pv_limits(m, duals, out)
    annuity = float(sum(pyo.value(m.discount[y]) for y in m.Y))
    rows = []
    for (table, row, column), e in out.rows.items():
        years = sorted(set(e["years"]))
        rows.append(
            {
                "table": table,
                "row": row,
                "column": column,
                "unit": e["unit"],
                "value": e["value"],
                "years_binding": len(years),
                "first_year": years[0],
                "dual_pv_mcny_per_unit": e["dual"],
                "dual_mcny_per_unit_yr": e["dual"] / annuity,
                "relax_10pct_saving_mcny": 0.1 * abs(e["value"]) * e["dual"],
            }
        )
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.DataFrame(rows).sort_values(["relax_10pct_saving_mcny", "table", "row", "column"], ascending=[False, True, True, True])
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)[COLUMNS]
