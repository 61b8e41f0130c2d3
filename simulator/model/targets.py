"""Indicators and targets: target specs → constraints on indicator expressions.

An :class:`Indicator` is a named expression by planning year that sectors and
the core expose. Its value is ``numerator[y]`` or, for a share,
``scale · numerator[y] / denominator[y]``.

A target ``indicator (sense) T`` with ``T = value`` or ``T = base·(1 + change)``
becomes one constraint in the target year:

* plain:  ``numerator[y] (sense) T``
* share:  ``numerator[y] − (T / scale) · denominator[y] (sense) 0`` (linear;
  both parts may be decisions)
* average annual growth from the base year b (``growth_from_base``, T in %):
  ``numerator[y] (sense) base · (1 + T/100)^(y − b)`` (年均增长: linear in the
  numerator, whatever the number of years)

A target that holds in several years (``years:`` or ``path: linear``, see
``intake.scenario.Target``) becomes one row per year: the row of the target
year keeps the target's id, the others are ``<id>@<year>``. On a linear path
the right-hand side of year y is ``T_y = T_0 + (T − T_0)·(y − b)/(year − b)``
with T_0 the base-year value.

A soft target adds a shortfall variable ``shortfall ≥ 0`` in indicator units
(%, Mtce, kgce/t …) on the weak side, entering its row with the factor ``k``
(numerator units per indicator unit: ``denominator_ref/scale`` for a share,
the path's slope for a growth target, 1 otherwise), and ``penalty · shortfall``
to the objective. Keeping the factor in the matrix rather than in the cost
holds every penalty coefficient at the stated M CNY per indicator unit (a
share over a small denominator once gave 2.8e7 M CNY/GW, which stalled HiPO).

The shadow price reported is the cost, in M CNY present value (objective
units), of tightening the target by one indicator unit: ``dual`` for ``>=``,
``−dual`` for ``<=``, times ``denominator/scale`` for shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.core as pyo

from simulator.errors import Problem, ScenarioError
from simulator.model.values import expression_value


@dataclass
class Indicator:
    """A named quantity by year that targets can refer to.

    ``numerator`` and ``denominator`` are Pyomo components or dicts indexed by
    year; ``base_value`` is the base-year value in ``unit`` (None where the
    data give none); ``scale`` is 100 for percentages, 1 otherwise.
    """

    name: str
    unit: str
    description: str
    numerator: object
    denominator: object | None = None
    scale: float = 1.0
    base_value: float | None = None
    #: a typical magnitude of the denominator, to scale soft-target shortfalls
    denominator_ref: float = 1.0
    #: base year b of an average-annual-growth indicator: value = 100·((num/base_level)^(1/(y−b)) − 1) %
    growth_from_base: int | None = None
    #: the numerator's base-year level of a growth indicator (numerator units)
    base_level: float | None = None

    @property
    def is_share(self) -> bool:
        return self.denominator is not None

    @property
    def is_growth(self) -> bool:
        return self.growth_from_base is not None

    def growth_level(self, year: int, growth_pct: float) -> float:
        """Numerator level of ``growth_pct`` %/yr on average from the base: base_level · (1 + g/100)^(y − b)."""
        return float(self.base_level) * (1.0 + growth_pct / 100.0) ** (year - self.growth_from_base)

    def value(self, year: int) -> float:
        num = expression_value(self.numerator[year])
        if self.is_growth:
            ratio = float(num) / float(self.base_level)
            return 100.0 * (ratio ** (1.0 / (year - self.growth_from_base)) - 1.0) if ratio > 0 else float("nan")
        if self.denominator is None:
            return float(num)
        den = expression_value(self.denominator[year])
        return float("nan") if abs(den) < 1e-12 else float(self.scale * num / den)


def collect_indicators(model) -> dict[str, Indicator]:
    """All indicators of the sector blocks and the core, by full name."""
    out: dict[str, Indicator] = {}
    for block in model.component_objects(pyo.Block, descend_into=False):
        out.update(getattr(block, "indicators", {}) or {})
    out.update(getattr(model, "city_indicators", {}) or {})
    return out


@dataclass
class TargetRow:
    """One target constraint as built: its spec, indicator, year, id and right-hand side."""

    spec: object
    indicator: Indicator
    target_value: float
    year: int = 0
    id: str = ""

    def __post_init__(self):
        self.year = self.year or self.spec.year
        self.id = self.id or self.spec.id


def _path_values(target, ind: Indicator, value: float, base_year: int, first_year: int, start: float | None) -> dict[int, float]:
    """{year: right-hand side} of a target: its value in every holding year, or the linear path."""
    years = target.holding_years(first_year)
    if target.path != "linear":
        return dict.fromkeys(years, value)
    span = target.year - base_year
    return {y: start + (value - start) * (y - base_year) / span for y in years}


def resolve_targets(scenario, indicators: dict[str, Indicator]) -> list[TargetRow]:
    """Check every target against the indicators; one row per holding year; all problems together."""
    problems, rows = [], []
    base_year, first_year = scenario.spec.years.base, scenario.spec.years.start
    for i, target in enumerate(scenario.spec.targets):
        loc = ("targets", i)
        ind = indicators.get(target.indicator)
        if ind is None:
            problems.append(
                Problem(
                    scenario.where(loc + ("indicator",)),
                    f"targets[{i}].indicator",
                    f"unknown indicator '{target.indicator}'",
                    "one of: " + ", ".join(sorted(indicators)),
                )
            )
            continue
        if target.unit is not None and target.unit != ind.unit:
            problems.append(
                Problem(
                    scenario.where(loc + ("unit",)),
                    f"targets[{i}].unit",
                    f"unit '{target.unit}' does not match the indicator",
                    f"'{ind.unit}'",
                )
            )
        if target.value is not None:
            value = float(target.value)
        elif ind.base_value is None:
            problems.append(
                Problem(
                    scenario.where(loc + ("change_vs_base",)),
                    f"targets[{i}].change_vs_base",
                    f"indicator '{ind.name}' has no base-year value",
                    "an absolute `value:` with `unit:`",
                )
            )
            continue
        else:
            value = ind.base_value * (1.0 + target.change_vs_base)
        start = target.path_start if target.path_start is not None else ind.base_value
        if target.path == "linear" and start is None:
            problems.append(
                Problem(
                    scenario.where(loc + ("path",)),
                    f"targets[{i}].path",
                    f"indicator '{ind.name}' has no base-year value to start a linear path from",
                    "`path_start:` (the base-year value) or `years: [...]`",
                )
            )
            continue
        for y, rhs in _path_values(target, ind, value, base_year, first_year, start).items():
            rid = target.id if y == target.year else f"{target.id}@{y}"
            rows.append(TargetRow(spec=target, indicator=ind, target_value=rhs, year=y, id=rid))
    if problems:
        raise ScenarioError(problems=problems)
    return rows


def _growth_slope(row: TargetRow) -> float:
    """d(right-hand side)/dT of a growth target: base · n · (1 + T/100)^(n−1) / 100 (numerator units per %)."""
    ind = row.indicator
    n = row.year - ind.growth_from_base
    return float(ind.base_level) * n * (1.0 + row.target_value / 100.0) ** (n - 1) / 100.0


def add_targets(model, rows: list[TargetRow], default_penalty: float, soften: set[str] | None = None) -> None:
    """Add ``model.targets``: one constraint per target row, shortfalls for soft ones.

    ``target_met[t]``: numerator − (T/scale)·denominator (sense) 0 for shares,
    numerator (sense) base·(1 + T/100)^n for average growth from the base,
    numerator (sense) T otherwise (indicator units); soft targets add
    ``k_t·shortfall[t]`` on the weak side, ``shortfall[t] ≥ 0`` in indicator units
    (k_t: :func:`_shortfall_factor`), and ``Σ_t penalty_t·shortfall[t]`` (M CNY) to the objective.
    ``soften`` names targets (by the target's id) to treat as soft regardless of their mode.
    """
    soften = soften or set()
    blk = pyo.Block()
    model.targets = blk
    by_id = {r.id: r for r in rows}
    blk.rows = by_id
    blk.T = pyo.Set(initialize=list(by_id), ordered=True)
    soft = [t for t, r in by_id.items() if r.spec.mode == "soft" or r.spec.id in soften or t in soften]
    blk.T_soft = pyo.Set(initialize=soft, ordered=True)
    blk.shortfall = pyo.Var(blk.T_soft, within=pyo.NonNegativeReals)

    def _met(b, t):
        r = by_id[t]
        ind, y = r.indicator, r.year
        if ind.is_share:
            body = ind.numerator[y] - (r.target_value / ind.scale) * ind.denominator[y]
            rhs = 0.0
        elif ind.is_growth:
            body, rhs = ind.numerator[y], ind.growth_level(y, r.target_value)
        else:
            body, rhs = ind.numerator[y], r.target_value
        slack = _shortfall_factor(r) * b.shortfall[t] if t in soft else 0.0
        if r.spec.sense == ">=":
            return body + slack >= rhs
        if r.spec.sense == "<=":
            return body - slack <= rhs
        return body == rhs

    blk.target_met = pyo.Constraint(blk.T, rule=_met)

    penalty = {t: by_id[t].spec.penalty_mcny_per_unit or default_penalty for t in soft}  # M CNY per indicator unit
    blk.penalty = pyo.Expression(expr=sum(penalty[t] * blk.shortfall[t] for t in soft), doc="M CNY, present value")


def _shortfall_factor(row: TargetRow) -> float:
    """k: numerator units per indicator unit of a soft target's shortfall.

    Share: denominator_ref/scale (e.g. GW of roof per % for a roof-PV share);
    growth: d(base·(1+T/100)^n)/dT at the target; otherwise 1.
    """
    ind = row.indicator
    if ind.is_growth:
        return max(_growth_slope(row), 1e-9)
    if ind.is_share:
        return ind.denominator_ref / ind.scale
    return 1.0


def shadow_price(row: TargetRow, dual: float) -> float:
    """Cost of tightening the target by one indicator unit (M CNY, present value)."""
    sign = 1.0 if row.spec.sense in (">=", "==") else -1.0
    price = sign * dual
    if row.indicator.is_share:
        price *= expression_value(row.indicator.denominator[row.year]) / row.indicator.scale
    elif row.indicator.is_growth:
        price *= _growth_slope(row)
    return 0.0 if abs(price) < 1e-9 else price


def shortfall_in_units(model, row: TargetRow) -> float:
    """The soft shortfall of a target in indicator units (0 for hard targets)."""
    t = row.id
    if t not in model.targets.T_soft:
        return 0.0
    sf = pyo.value(model.targets.shortfall[t]) * _shortfall_factor(row)  # numerator units
    if row.indicator.is_share:
        den = expression_value(row.indicator.denominator[row.year])
        return row.indicator.scale * sf / den if abs(den) > 1e-12 else float("nan")
    if row.indicator.is_growth:
        return max(0.0, row.target_value - row.indicator.value(row.year)) if sf > 1e-12 else 0.0
    return float(sf)
