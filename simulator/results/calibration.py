"""Base-year calibration: does the data set reproduce the city totals its sources give?

Targets and tolerances are data: ``calibration_targets.csv`` of the data set
(check, quantity, year, target, low, high, unit, source, note); ``low`` or
``high`` empty = no bound on that side. This module computes the value of
each check from the other tables and compares it with ``[low, high]``.

Checks (by ``check`` id):

* ``electricity_base_year`` – whole-society electricity of the base year
  (``electricity_demand.csv``), TWh.
* ``electricity_residual`` – the city total minus the modelled sectors'
  base-year electricity (what ``other`` holds), TWh; must be ≥ 0.
* ``share_secondary``, ``share_tertiary_residential``, ``share_residential``
  – modelled sectors' base-year electricity as a % of the city total, by
  statistical group (:data:`GROUPS`). The modelled sectors are parts of
  their groups (the rest is in ``other``), so a lower bound only applies
  when every sector of the group is modelled. ``share_residential`` needs a
  buildings block with ``baseline_use_by_category`` (category
  ``residential``).
* ``gdp_base_year``, ``population_base_year`` – ``macro.csv`` base year.
* ``total_energy`` – total energy use of the modelled city, Mtce:

      Σ_sectors Σ_{c≠electricity} baseline_use[c] + power-plant fuel
      + (city electricity − local fossil generation) · coal-equivalent factor

  i.e. fuels burnt in the city plus electricity that is not made from those
  fuels (imports, local PV/wind/waste) at the coal-equivalent factor
  (``accounting.renewable_coal_equivalent_kgce_per_kwh``, 0.30), the
  convention of the shared ~55 Mtce estimate. The calorific-factor
  (0.1229) total is given in the detail. The lower bound applies only when
  every demand sector is modelled.
* ``coal_use`` – coal and coke used by the modelled city, Mtce: the demand
  sectors' baseline coal and coke plus the coal the power plants burn.
  Coke is counted at its own tce (less than the coal that made it). The
  target is the city's coal use (the 2017-2022 coal cap); the upper bound
  holds whatever is modelled, the lower bound (the steel mill and the power
  plants are the largest coal users) only when every sector is modelled.
* ``pv_hours_utility``, ``pv_hours_fleet`` – Σ over 8,760 h of a PV
  profile (utility class; classes weighted by ``existing_gw``), h.
* ``peak_base_year``, ``peak_<year>`` – max(load_city) × that year's city
  electricity (TWh) × 1000, GW.

How base-year sector energy is obtained: a small model is built and solved
(all registered demand sectors whose tables ``<sector>_*.csv`` are in the
data set, power, other; 2 representative days; planning years base+1 and
base+2; no new PV, storage or green-import contracts, no targets). Demand
sectors give ``baseline_use`` (no new measures); the power sector gives the
fuel its existing plants burn at least cost. Each quantity q is carried
back to the base year geometrically, q_base = q₁² / q₂ (exact for a
quantity growing at a constant rate; q₁ when q₂ = 0).

A check of the table that the data set cannot compute (a missing table or
sector output) is returned as *not made* with the reason, never as passed;
a check whose lower bound does not apply is reported as one-sided.

The math never reads files or prints: :func:`run_checks` takes an
:class:`~simulator.inputs.Inputs` and returns :class:`Check` rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.core as pyo

from simulator.errors import DataError, Problem
from simulator.intake.inputs import Inputs, apply_overrides
from simulator.intake.scenario import Accounting, Years

#: statistical group of each demand sector (Chinese whole-society electricity statistics)
GROUPS = {
    "steel": "secondary",
    "petrochemicals": "secondary",
    "buildings": "tertiary_residential",
    "transport": "tertiary_residential",
}
TARGET_COLUMNS = ["check", "quantity", "year", "target", "low", "high", "unit", "source"]
#: why a check of the table may not be computable from a data set
NOT_MADE = {
    "electricity_base_year": "electricity_demand.csv has no row for the base year",
    "share_residential": "the buildings sector reports no use by category (baseline_use_by_category)",
    "gdp_base_year": "macro.csv has no GDP for the base year",
    "population_base_year": "macro.csv has no population for the base year",
    "pv_hours_utility": "pv_classes.csv has no utility class with a profile in profiles_hourly.csv",
    "pv_hours_fleet": "pv_classes.csv profiles or existing_gw missing",
}


@dataclass
class Check:
    """One calibration check: value against [low, high] (a missing bound is None)."""

    check: str
    quantity: str
    year: int
    value: float
    target: float
    low: float | None
    high: float | None
    unit: str
    source: str
    detail: str = ""
    made: bool = True  # False: the data set cannot compute it (``detail`` says why)
    one_sided: bool = False  # a bound of the table was not applied (``detail`` says why)

    @property
    def passed(self) -> bool:
        """Made and inside [low, high] (a check not made never passes)."""
        if not self.made:
            return False
        return (self.low is None or self.value >= self.low - 1e-9) and (self.high is None or self.value <= self.high + 1e-9)

    @property
    def result(self) -> str:
        """``pass``, ``pass (one-sided)``, ``FAIL`` or ``not made``."""
        if not self.made:
            return "not made"
        if not self.passed:
            return "FAIL"
        return "pass (one-sided)" if self.one_sided else "pass"

    @property
    def tolerance(self) -> str:
        """The accepted range in words: ``±5 %`` when symmetric around the target, else the bounds."""
        lo, hi, t = self.low, self.high, self.target
        if lo is not None and hi is not None and t and np.isclose(t - lo, hi - t, rtol=1e-3, atol=1e-3 * abs(t)):
            rel = (hi - t) / abs(t) * 100
            return f"±{rel:.2g} %" if self.unit != "%" else f"±{hi - t:.3g} pp"
        if lo is None and hi is None:
            return "none"
        if hi is None:
            return f"≥ {lo:.4g}"
        if lo is None:
            return f"≤ {hi:.4g}"
        return f"{lo:.4g} – {hi:.4g}"


@dataclass
class BaseYear:
    """Base-year energy of the modelled city, carried back from the calibration model."""

    year: int
    sectors: list[str]
    use: dict[str, dict[str, float]]  # sector → carrier → TWh | Mtce (baseline, no new measures)
    city_electricity_twh: float
    power_fuel_mtce: float
    fossil_generation_twh: float
    residential_twh: float | None = None
    power_coal_mtce: float = 0.0  # coal the power plants burn
    notes: list[str] = field(default_factory=list)

    def electricity(self, sector: str) -> float:
        return self.use.get(sector, {}).get("electricity", 0.0)

    def fuels_mtce(self) -> float:
        return sum(v for s in self.sectors for c, v in self.use[s].items() if c != "electricity")


def modelled_sectors(inputs: Inputs) -> list[str]:
    """Demand sectors with a registered module and tables ``<sector>_*.csv`` in the data set."""
    from simulator.sectors import DEMAND_ORDER, REGISTRY

    return [s for s in DEMAND_ORDER if s in REGISTRY and any(t.startswith(f"{s}_") for t in inputs.tables)]


def _back(q1: float, q2: float) -> float:
    """q_base = q₁²/q₂ (constant growth carried back one year); q₁ when q₂ ≤ 0."""
    return q1 * q1 / q2 if q2 > 1e-12 else q1


def base_year_energy(inputs: Inputs, base: int, days: int = 2) -> BaseYear:
    """Build and solve the small calibration model; base-year energy by sector (see module doc)."""
    from simulator.intake.scenario import scenario_from_dict
    from simulator.model.core import build_model
    from simulator.model.timeslices import make_timeslices
    from simulator.sectors.other import city_demand
    from simulator.solve.highs import solve

    sectors = modelled_sectors(inputs)
    data = {
        "name": "calibration",
        "dataset": str(inputs.root),
        "years": {"base": base, "start": base + 1, "end": base + 2},
        "time": {"days": days},
        "sectors": {**{s: {} for s in sectors}, "power": {}},
        "targets": [],
    }
    scenario = scenario_from_dict(data)
    frozen = apply_overrides(inputs, _no_new_supply(inputs), where=lambda loc: f"calibration override {'.'.join(map(str, loc))}")
    time = make_timeslices(frozen.table("profiles_hourly"), days, None, "hierarchical")
    model = build_model(scenario, frozen, time)
    solve(model, scenario.spec.solver)
    y1, y2 = base + 1, base + 2
    use = {}
    for name in sectors:
        block = getattr(model, name)
        use[name] = {c: _back(pyo.value(block.baseline_use[y1, c]), pyo.value(block.baseline_use[y2, c])) for c in model.C}
    power = model.power
    fuel = _back(*(sum(pyo.value(power.use[y, c]) for c in model.C if c != "electricity") for y in (y1, y2)))
    coal = _back(*(pyo.value(power.use[y, "coal"]) if "coal" in model.C else 0.0 for y in (y1, y2)))
    fossil = _back(*(sum(pyo.value(power.generation_twh[y, g]) for g in power.G) for y in (y1, y2)))
    residential = None
    if "buildings" in sectors and hasattr(model.buildings, "baseline_use_by_category"):
        by_cat = model.buildings.baseline_use_by_category
        if any(k == "residential" for (_, k, _) in by_cat):
            residential = _back(*(pyo.value(by_cat[y, "residential", "electricity"]) for y in (y1, y2)))
    city = float(city_demand(inputs, [base]).iloc[0])
    return BaseYear(base, sectors, use, city, fuel, fossil, residential, power_coal_mtce=coal)


def _no_new_supply(inputs: Inputs) -> dict:
    """Overrides that freeze the power system at its existing assets (no builds, no new contracts)."""
    over: dict = {}
    pv = inputs.tables.get("pv_classes")
    if pv is not None:
        over["pv_classes"] = {str(k): {"max_build_gw_per_yr": 0.0} for k in pv.iloc[:, 0]}
    st = inputs.tables.get("storage")
    if st is not None:
        over["storage"] = {str(k): {"max_build_gw_per_yr": 0.0} for k in st.iloc[:, 0]}
    imp = inputs.tables.get("imports")
    if imp is not None and {"existing_gw", "max_gw"} <= set(imp.columns):
        over["imports"] = {str(r.iloc[0]): {"max_gw": float(r["existing_gw"])} for _, r in imp.iterrows()}
    return over


# --------------------------------------------------------------------------- checks


def targets_table(inputs: Inputs) -> pd.DataFrame:
    """``calibration_targets.csv`` indexed by check id."""
    frame = inputs.table("calibration_targets", TARGET_COLUMNS)
    dup = frame["check"].duplicated()
    inputs.check("calibration_targets", ~dup, "check", "duplicate check id", "each check once")
    return frame.set_index("check")


def _bound(value) -> float | None:
    return None if pd.isna(value) else float(value)


def run_checks(inputs: Inputs, base: int | None = None, accounting: Accounting | None = None, days: int = 2) -> list[Check]:
    """Every check of ``calibration_targets.csv`` that the data set can compute, in table order."""
    base = base or Years().base
    accounting = accounting or Accounting()
    targets = targets_table(inputs)
    values = _values(inputs, targets, base, accounting, days)
    checks = []
    for check_id, row in targets.iterrows():
        if check_id not in values:
            checks.append(
                Check(
                    str(check_id),
                    str(row["quantity"]),
                    int(row["year"]),
                    float("nan"),
                    float(row["target"]),
                    _bound(row["low"]),
                    _bound(row["high"]),
                    str(row["unit"]),
                    str(row["source"]),
                    NOT_MADE.get(str(check_id), "no rule computes this check"),
                    made=False,
                )
            )
            continue
        value, detail, lo, hi = values[check_id]
        low = _bound(row["low"]) if lo else None
        high = _bound(row["high"]) if hi else None
        one_sided = low is None or high is None
        checks.append(
            Check(
                str(check_id),
                str(row["quantity"]),
                int(row["year"]),
                float(value),
                float(row["target"]),
                low,
                high,
                str(row["unit"]),
                str(row["source"]),
                detail,
                one_sided=one_sided,
            )
        )
    return checks


def _values(inputs: Inputs, targets: pd.DataFrame, base: int, accounting: Accounting, days: int) -> dict:
    """check id → (value, detail, use low bound, use high bound)."""
    out: dict = {}
    wanted = set(targets.index)
    if "electricity_demand" in inputs.tables:
        from simulator.sectors.other import city_demand

        demand = inputs.table("electricity_demand", ["year", "demand_twh"])
        if base in set(demand["year"].astype(int)):
            out["electricity_base_year"] = (float(city_demand(inputs, [base]).iloc[0]), "electricity_demand.csv", True, True)
        for check_id in wanted:
            if check_id.startswith("peak_"):
                year = base if check_id == "peak_base_year" else int(targets.at[check_id, "year"])
                twh = float(city_demand(inputs, [year]).iloc[0])
                out[check_id] = _peak(inputs, twh, year)
    macro = inputs.tables.get("macro")
    if macro is not None and base in set(macro["year"].astype(int)):
        row = macro.set_index("year").loc[base]
        if "gdp_100m_cny" in row and pd.notna(row["gdp_100m_cny"]):
            out["gdp_base_year"] = (float(row["gdp_100m_cny"]), "macro.csv gdp_100m_cny", True, True)
        if "population_10k" in row and pd.notna(row["population_10k"]):
            out["population_base_year"] = (float(row["population_10k"]), "macro.csv population_10k", True, True)
    out.update(_pv_hours(inputs))
    if wanted & {"electricity_residual", "share_secondary", "share_tertiary_residential", "share_residential", "total_energy", "coal_use"}:
        out.update(_energy_checks(base_year_energy(inputs, base, days), accounting))
    return out


def _peak(inputs: Inputs, twh: float, year: int) -> tuple:
    """max(load_city) · TWh · 1000 = GW (load_city is a share of annual energy per hour)."""
    shape = inputs.table("profiles_hourly", ["load_city"])["load_city"].astype(float)
    peak = float(shape.max()) * twh * 1000.0
    factor = float(shape.mean() / shape.max())
    return peak, f"{twh:.2f} TWh in {year} × max(load_city); load factor {factor:.3f}", True, True


def _pv_hours(inputs: Inputs) -> dict:
    pv = inputs.tables.get("pv_classes")
    hourly = inputs.tables.get("profiles_hourly")
    if pv is None or hourly is None or "profile" not in pv:
        return {}
    hours = {str(k): float(hourly[p].sum()) for k, p in zip(pv.iloc[:, 0], pv["profile"], strict=True) if p in hourly}
    out = {}
    if "utility" in hours:
        out["pv_hours_utility"] = (hours["utility"], "Σ cf of the utility class profile", True, True)
    weights = pv.set_index(pv.columns[0])["existing_gw"].astype(float) if "existing_gw" in pv else None
    if weights is not None and weights.sum() > 0 and len(hours) == len(pv):
        fleet = float(sum(weights[k] * h for k, h in hours.items()) / weights.sum())
        detail = ", ".join(f"{k} {h:.0f} h" for k, h in hours.items())
        out["pv_hours_fleet"] = (fleet, f"{detail}; weights existing_gw", True, True)
    return out


def _energy_checks(by: BaseYear, accounting: Accounting) -> dict:
    city = by.city_electricity_twh
    covered = sum(by.electricity(s) for s in by.sectors)
    listed = ", ".join(f"{s} {by.electricity(s):.2f}" for s in by.sectors) or "no demand sector modelled"
    out = {"electricity_residual": (city - covered, f"{city:.2f} TWh − ({listed}) TWh", True, False)}
    for group in ("secondary", "tertiary_residential"):
        members = [s for s, g in GROUPS.items() if g == group]
        present = [s for s in members if s in by.sectors]
        share = 100.0 * sum(by.electricity(s) for s in present) / city
        complete = len(present) == len(members)
        names = " + ".join(f"{s} {by.electricity(s):.2f}" for s in present) + " TWh" if present else "no sector of the group modelled"
        names += f" of {city:.2f} TWh"
        note = "" if complete else "; lower bound not applied (not every sector of the group is modelled)"
        out[f"share_{group}"] = (share, f"{names}{note}", complete, True)
    if by.residential_twh is not None:
        out["share_residential"] = (100.0 * by.residential_twh / city, f"buildings residential {by.residential_twh:.2f} TWh", True, True)
    bought = city - by.fossil_generation_twh
    total = by.fuels_mtce() + by.power_fuel_mtce + bought * accounting.renewable_coal_equivalent_kgce_per_kwh
    calorific = by.fuels_mtce() + by.power_fuel_mtce + bought * accounting.electricity_calorific_kgce_per_kwh
    every = set(GROUPS) <= set(by.sectors)
    detail = (
        f"sector fuels {by.fuels_mtce():.2f} + power-plant fuel {by.power_fuel_mtce:.2f} Mtce + "
        f"{bought:.2f} TWh not made from fuel in the city × {accounting.renewable_coal_equivalent_kgce_per_kwh} kgce/kWh; "
        f"at the calorific factor {calorific:.2f} Mtce" + ("" if every else "; lower bound not applied (not every sector is modelled)")
    )
    out["total_energy"] = (total, detail, every, True)
    sector_coal = sum(by.use[s].get("coal", 0.0) + by.use[s].get("coke", 0.0) for s in by.sectors)
    detail = f"sector coal and coke {sector_coal:.2f} + power-plant coal {by.power_coal_mtce:.2f} Mtce" + (
        "" if every else "; lower bound not applied (not every sector is modelled)"
    )
    out["coal_use"] = (sector_coal + by.power_coal_mtce, detail, every, True)
    return out


def failures(checks: list[Check], inputs: Inputs) -> DataError | None:
    """A DataError naming every failed check (None when all pass)."""
    bad = [c for c in checks if c.made and not c.passed]
    if not bad:
        return None
    rows = {str(c): i for i, c in enumerate(inputs.tables["calibration_targets"]["check"])}
    return DataError(
        problems=[
            Problem(
                inputs.where("calibration_targets", rows.get(c.check)),
                c.check,
                f"{c.quantity} {c.year} = {_num(c.value)} {c.unit} is outside the accepted range ({c.detail})",
                f"{c.tolerance} around {_num(c.target)} {c.unit} (sources {c.source})",
            )
            for c in bad
        ]
    )


def _num(v: float) -> str:
    return f"{v:,.1f}" if abs(v) >= 1000 else f"{v:.4g}"


def format_checks(checks: list[Check]) -> str:
    """A plain-text table of the checks: value, target, tolerance, pass/fail, detail."""
    lines = [f"{'check':<28} {'year':>4} {'value':>12} {'target':>12} {'tolerance':<16} result"]
    for c in checks:
        value = _num(c.value) if c.made else "–"
        lines.append(f"{c.check:<28} {c.year:>4} {value:>12} {_num(c.target):>12} {c.tolerance:<16} {c.result}  [{c.unit}]")
        lines.append(f"    {c.quantity}: {c.detail}; sources {c.source}")
    n_fail = sum(c.made and not c.passed for c in checks)
    n_open = sum(not c.made for c in checks)
    n_one = sum(c.made and c.passed and c.one_sided for c in checks)
    lines.append(f"{len(checks)} checks: {len(checks) - n_fail - n_open} passed ({n_one} one-sided), {n_fail} failed, {n_open} not made")
    return "\n".join(lines)
