"""Targets (simulator.model.targets) on a tiny LP built by hand, with every number worked out on paper.

Mutation testing (docs/testing.md) found the target rows' senses, soft shortfalls, share and growth
forms, linear paths and shadow prices exercised only by the Wuhan runs, where no hand-worked number
pins them. Here the indicator is one decision per year:

* ``x[y] ≥ 0`` with a cost of 2 M CNY per unit (``level``, base-year value 10);
* ``e[y] = 20 − a[y]``, emissions with abatement ``0 ≤ a[y] ≤ 20`` at 3 M CNY per unit (``emissions``);
* a share ``x[y] / 40`` in % (``share``: scale 100, denominator 40 every year);
* an average-growth indicator of ``v[y] ≥ 100`` (base level 100 in 2023) costing 1 M CNY per unit (``growth``).

Objective: Σ_y (2·x[y] + 3·a[y] + v[y]) + the soft-target penalty (M CNY; no discounting).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo
import pytest

from simulator.errors import ScenarioError
from simulator.intake.scenario import Solver, scenario_from_dict
from simulator.model.targets import Indicator, add_targets, resolve_targets, shadow_price, shortfall_in_units
from simulator.solve.highs import solve

YEARS = [2024, 2025, 2026]


def _model():
    m = pyo.ConcreteModel()
    m.Y = pyo.Set(initialize=YEARS, ordered=True)
    m.x = pyo.Var(m.Y, within=pyo.NonNegativeReals)
    m.a = pyo.Var(m.Y, bounds=(0.0, 20.0))
    m.v = pyo.Var(m.Y, bounds=(100.0, None))
    m.e = pyo.Expression(m.Y, rule=lambda mm, y: 20.0 - mm.a[y])
    indicators = {
        "toy.level": Indicator("toy.level", "u", "level", m.x, base_value=10.0),
        "toy.emissions": Indicator("toy.emissions", "Mt", "emissions", m.e, base_value=20.0),
        "toy.share": Indicator("toy.share", "%", "share", m.x, denominator=dict.fromkeys(YEARS, 40.0), scale=100.0, denominator_ref=40.0),
        "toy.growth": Indicator("toy.growth", "%", "growth", m.v, growth_from_base=2023, base_level=100.0),
        "toy.nobase": Indicator("toy.nobase", "u", "no base value", m.x),
    }
    return m, indicators


def _scenario(targets):
    return scenario_from_dict(
        {"name": "toy", "years": {"base": 2023, "start": 2024, "end": 2026}, "sectors": {"power": {}}, "targets": list(targets)}
    )


def _target(tid, indicator, year=2026, **kw):
    return {"id": tid, "indicator": indicator, "year": year, **kw}


def _solve(targets, default_penalty=1.0, soften=None):
    m, indicators = _model()
    rows = resolve_targets(_scenario(targets), indicators)
    add_targets(m, rows, default_penalty, soften=soften)
    m.total_cost = pyo.Objective(expr=sum(2.0 * m.x[y] + 3.0 * m.a[y] + m.v[y] for y in m.Y) + m.targets.penalty)
    result = solve(m, Solver())
    return m, rows, result


def _rhs_free_objective():
    """With no target: x = a = 0, v = 100 each year → 3 · 100 = 300 M CNY."""
    return 300.0


def test_change_vs_base_at_least_target_and_its_shadow_price():
    """level ≥ 10 · (1 + 0.5) = 15 in 2026: x = 15, objective 300 + 2·15 = 330; tightening by one unit costs 2."""
    m, rows, result = _solve([_target("t", "toy.level", change_vs_base=0.5, sense=">=")])
    (row,) = rows
    assert row.target_value == pytest.approx(15.0)
    assert pyo.value(m.x[2026]) == pytest.approx(15.0)
    assert pyo.value(m.x[2025]) == pytest.approx(0.0)
    assert result.objective == pytest.approx(_rhs_free_objective() + 30.0)
    assert shadow_price(row, result.duals[m.targets.target_met["t"]]) == pytest.approx(2.0)


def test_at_most_target_abates_and_reports_a_positive_price():
    """emissions 20 − a ≤ 8 in 2026: a = 12, objective 300 + 3·12 = 336; one Mt tighter costs 3 (dual −3 on a ≤ row)."""
    m, rows, result = _solve([_target("t", "toy.emissions", value=8.0, sense="<=")])
    assert pyo.value(m.a[2026]) == pytest.approx(12.0)
    assert result.objective == pytest.approx(336.0)
    dual = result.duals[m.targets.target_met["t"]]
    assert dual == pytest.approx(-3.0)
    assert shadow_price(rows[0], dual) == pytest.approx(3.0)


def test_equality_target_holds_exactly_and_its_price_is_the_dual():
    """emissions = 8 in 2026: a = 12 (as for ≤); d objective / d T = −3 (a higher T needs less abatement)."""
    m, rows, result = _solve([_target("t", "toy.emissions", value=8.0, sense="==")])
    assert pyo.value(m.e[2026]) == pytest.approx(8.0)
    assert result.objective == pytest.approx(336.0)
    assert shadow_price(rows[0], result.duals[m.targets.target_met["t"]]) == pytest.approx(-3.0)


def test_soft_at_least_target_pays_the_penalty_when_cheaper():
    """level ≥ 15 soft at 1.5 M CNY per unit short (< 2 to meet it): x = 0, shortfall 15, objective 300 + 22.5."""
    m, rows, result = _solve([_target("t", "toy.level", value=15.0, mode="soft", penalty_mcny_per_unit=1.5)])
    assert pyo.value(m.x[2026]) == pytest.approx(0.0)
    assert pyo.value(m.targets.shortfall["t"]) == pytest.approx(15.0)
    assert shortfall_in_units(m, rows[0]) == pytest.approx(15.0)
    assert result.objective == pytest.approx(322.5)


def test_soft_target_is_met_when_the_penalty_is_dearer_and_the_default_penalty_applies():
    """Penalty 2.5 > 2: x = 15, no shortfall (330). With no own penalty the default (1.0) applies: shortfall 15 → 315."""
    m, rows, result = _solve([_target("t", "toy.level", value=15.0, mode="soft", penalty_mcny_per_unit=2.5)])
    assert pyo.value(m.x[2026]) == pytest.approx(15.0)
    assert shortfall_in_units(m, rows[0]) == pytest.approx(0.0)
    assert result.objective == pytest.approx(330.0)
    m, rows, result = _solve([_target("t", "toy.level", value=15.0, mode="soft")], default_penalty=1.0)
    assert result.objective == pytest.approx(315.0)


def test_soft_at_most_target_and_a_hard_target_softened_by_id():
    """emissions ≤ 8 soft at 2 per Mt (< 3 to abate): a = 0, shortfall 12, objective 300 + 24.

    The same target hard but named in ``soften`` is soft at the default penalty 1.0: 300 + 12.
    A hard target not named in ``soften`` stays hard (336).
    """
    m, rows, result = _solve([_target("t", "toy.emissions", value=8.0, sense="<=", mode="soft", penalty_mcny_per_unit=2.0)])
    assert pyo.value(m.a[2026]) == pytest.approx(0.0)
    assert shortfall_in_units(m, rows[0]) == pytest.approx(12.0)
    assert result.objective == pytest.approx(324.0)
    hard = [_target("t", "toy.emissions", value=8.0, sense="<=")]
    assert _solve(hard, soften={"t"})[2].objective == pytest.approx(312.0)
    assert _solve(hard, soften={"other"})[2].objective == pytest.approx(336.0)
    m, rows, _ = _solve(hard)
    assert shortfall_in_units(m, rows[0]) == 0.0  # a hard target has no shortfall


def test_share_target_and_its_price_per_percentage_point():
    """share = 100·x/40 ≥ 25 % → x ≥ 10: objective 300 + 20; one point more needs 0.4 units: 0.8 M CNY per %."""
    m, rows, result = _solve([_target("t", "toy.share", value=25.0)])
    assert pyo.value(m.x[2026]) == pytest.approx(10.0)
    assert rows[0].indicator.value(2026) == pytest.approx(25.0)
    assert result.objective == pytest.approx(320.0)
    assert shadow_price(rows[0], result.duals[m.targets.target_met["t"]]) == pytest.approx(0.8)


def test_soft_share_penalty_is_per_percentage_point():
    """Soft 25 % at 0.5 M CNY per point: per unit of x that is 0.5·100/40 = 1.25 < 2, so x = 0, shortfall 25 points
    (10 units of x, each point 40/100 = 0.4 units in the row), objective 300 + 0.5·25 = 312.5."""
    m, rows, result = _solve([_target("t", "toy.share", value=25.0, mode="soft", penalty_mcny_per_unit=0.5)])
    assert pyo.value(m.x[2026]) == pytest.approx(0.0)
    assert pyo.value(m.targets.shortfall["t"]) == pytest.approx(25.0)
    assert shortfall_in_units(m, rows[0]) == pytest.approx(25.0)
    assert result.objective == pytest.approx(312.5)


def test_average_growth_target_level_value_and_price():
    """10 %/yr on average from 100 in 2023 to 2025: v ≥ 100·1.1² = 121 (objective 300 + 21).

    Price per % = d(100·(1 + T/100)²)/dT = 100·2·1.1/100 = 2.2 M CNY (finite difference 11 %: 123.21 − 121 = 2.21).
    """
    m, rows, result = _solve([_target("t", "toy.growth", year=2025, value=10.0)])
    assert pyo.value(m.v[2025]) == pytest.approx(121.0)
    assert rows[0].indicator.value(2025) == pytest.approx(10.0)
    assert result.objective == pytest.approx(321.0)
    assert shadow_price(rows[0], result.duals[m.targets.target_met["t"]]) == pytest.approx(2.2)
    up = _solve([_target("t", "toy.growth", year=2025, value=11.0)])[2]
    assert up.objective - result.objective == pytest.approx(2.21)


def test_soft_growth_target_penalty_is_per_percent_of_growth():
    """Soft 10 % at 0.44 M CNY per %: per unit of v that is 0.44 / 2.2 = 0.2 < 1, so v stays 100 (0 % growth):
    21 units short, which the row counts at the slope 2.2 units per %: shortfall 21/2.2 = 9.5454545 (linearised %),
    objective 300 + 0.44·9.5454545 = 300 + 0.2·21 = 304.2; the shortfall reported is 10 − 0 = 10 % of growth."""
    m, rows, result = _solve([_target("t", "toy.growth", year=2025, value=10.0, mode="soft", penalty_mcny_per_unit=0.44)])
    assert pyo.value(m.v[2025]) == pytest.approx(100.0)
    assert pyo.value(m.targets.shortfall["t"]) == pytest.approx(21.0 / 2.2)
    assert result.objective == pytest.approx(304.2)
    assert shortfall_in_units(m, rows[0]) == pytest.approx(10.0)


def test_linear_path_from_the_base_value_and_from_a_stated_start():
    """Level 40 in 2026 on a line from the base value 10 in 2023: 20, 30, 40 (ids t@2024, t@2025, t); objective 300 + 2·90.

    From path_start 16: 16 + 24·(y − 2023)/3 = 24, 32, 40 → 300 + 2·96 = 492.
    """
    m, rows, result = _solve([_target("t", "toy.level", value=40.0, path="linear")])
    assert {r.id: r.target_value for r in rows} == pytest.approx({"t@2024": 20.0, "t@2025": 30.0, "t": 40.0})
    assert [pyo.value(m.x[y]) for y in YEARS] == pytest.approx([20.0, 30.0, 40.0])
    assert result.objective == pytest.approx(480.0)
    rows = _solve([_target("t", "toy.level", value=40.0, path="linear", path_start=16.0)])[1]
    assert {r.id: r.target_value for r in rows} == pytest.approx({"t@2024": 24.0, "t@2025": 32.0, "t": 40.0})


def test_a_standard_in_force_holds_in_each_listed_year():
    """level ≥ 5 in 2025 and 2026 (``years``): x = 5 in both, 0 in 2024; objective 300 + 2·10."""
    m, rows, result = _solve([_target("t", "toy.level", value=5.0, years=[2025, 2026])])
    assert sorted(r.id for r in rows) == ["t", "t@2025"]
    assert [pyo.value(m.x[y]) for y in YEARS] == pytest.approx([0.0, 5.0, 5.0])
    assert result.objective == pytest.approx(320.0)


def test_every_bad_target_is_reported_together():
    """An unknown indicator, a wrong unit, a change on an indicator without base value and a linear path
    without a start: four problems in one error, each on its own field."""
    _, indicators = _model()
    bad = [
        _target("a", "toy.unknown", value=1.0),
        _target("b", "toy.level", value=1.0, unit="GW"),
        _target("c", "toy.nobase", change_vs_base=0.1),
        _target("d", "toy.nobase", value=1.0, path="linear"),
    ]
    with pytest.raises(ScenarioError) as err:
        resolve_targets(_scenario(bad), indicators)
    fields = [p.field for p in err.value.problems]
    assert fields == ["targets[0].indicator", "targets[1].unit", "targets[2].change_vs_base", "targets[3].path"]
    assert "toy.level" in err.value.problems[0].expected  # the known indicators are listed
    assert "'u'" in err.value.problems[1].expected


def test_growth_shortfall_factor_below_one():
    """A growth target on a base level of 10: the row counts a % of growth as d(10·(1 + T/100)²)/dT
    = 10·2·1.1/100 = 0.22 units (below 1: the factor is not clipped at 1)."""
    from simulator.model.targets import TargetRow, _shortfall_factor

    _, indicators = _model()
    ind = Indicator("toy.small", "%", "growth", indicators["toy.growth"].numerator, growth_from_base=2023, base_level=10.0)
    spec = _scenario([_target("t", "toy.growth", year=2025, value=10.0)]).spec.targets[0]
    assert _shortfall_factor(TargetRow(spec=spec, indicator=ind, target_value=10.0, year=2025)) == pytest.approx(0.22)


def test_undefined_values_are_nan_and_small_shortfalls_are_kept():
    """A share over a zero denominator and a growth from a zero level are undefined (nan), not numbers.

    Soft 60 % of x over a denominator of 0.5 at 0.005 M CNY per point (0.005·100/0.5 = 1 per unit of x < 2):
    x = 0, shortfall 60 points = 100·0.3/0.5. Soft growth of 0.5 % at a tiny penalty: v stays 100, 0.5 % short.
    """
    assert math.isnan(Indicator("toy.s", "%", "share", {2024: 1.0}, denominator={2024: 0.0}, scale=100.0).value(2024))
    assert math.isnan(Indicator("toy.g", "%", "growth", {2025: 0.0}, growth_from_base=2023, base_level=100.0).value(2025))
    m, indicators = _model()
    indicators["toy.half"] = Indicator(
        "toy.half", "%", "share", m.x, denominator=dict.fromkeys(YEARS, 0.5), scale=100.0, denominator_ref=0.5
    )
    targets = [
        _target("h", "toy.half", value=60.0, mode="soft", penalty_mcny_per_unit=0.005),
        _target("g", "toy.growth", year=2025, value=0.5, mode="soft", penalty_mcny_per_unit=1e-4),
    ]
    rows = resolve_targets(_scenario(targets), indicators)
    add_targets(m, rows, 1.0)
    m.total_cost = pyo.Objective(expr=sum(2.0 * m.x[y] + 3.0 * m.a[y] + m.v[y] for y in m.Y) + m.targets.penalty)
    solve(m, Solver())
    by_id = {r.id: r for r in rows}
    assert pyo.value(m.x[2026]) == pytest.approx(0.0)
    assert shortfall_in_units(m, by_id["h"]) == pytest.approx(60.0)
    assert shortfall_in_units(m, by_id["g"]) == pytest.approx(0.5)


def test_softening_a_standard_in_force_by_id_softens_every_year_and_one_year_by_its_row_id():
    """level ≥ 5 in 2025 and 2026, hard; meeting it costs 2 per unit and year, falling short 1.0 (the default).

    ``soften={"t"}`` (the target's id) softens both rows: 5 short in each year, 300 + 5 + 5 = 310.
    ``soften={"t@2025"}`` (one row's id) softens 2025 only: 5 short then, x = 5 in 2026: 300 + 5 + 2·5 = 315.
    """
    target = [_target("t", "toy.level", value=5.0, years=[2025, 2026])]
    m, _, result = _solve(target, soften={"t"})
    assert sorted(m.targets.T_soft) == ["t", "t@2025"]
    assert result.objective == pytest.approx(310.0)
    m, _, result = _solve(target, soften={"t@2025"})
    assert list(m.targets.T_soft) == ["t@2025"]
    assert [pyo.value(m.x[y]) for y in YEARS] == pytest.approx([0.0, 0.0, 5.0])
    assert result.objective == pytest.approx(315.0)


def test_growth_value_of_a_decline_and_a_share_over_a_small_denominator():
    """From 100 in 2023 to 81 in 2025: (81/100)^(1/2) = 0.9, −10 %/yr (a decline is a number, not nan); to 133.1
    in 2026: 1.331^(1/3) = 1.1, +10 %/yr. A share of 0.5 over a denominator of 2e-12 (above the 1e-12 guard)
    is 100·0.5/2e-12 = 2.5e13 %."""
    ind = Indicator("toy.g", "%", "growth", {2025: 81.0, 2026: 133.1}, growth_from_base=2023, base_level=100.0)
    assert ind.value(2025) == pytest.approx(-10.0)
    assert ind.value(2026) == pytest.approx(10.0)
    share = Indicator("toy.s", "%", "share", {2024: 0.5}, denominator={2024: 2e-12}, scale=100.0)
    assert share.value(2024) == pytest.approx(2.5e13)


def test_a_soft_share_over_a_zero_denominator_has_an_undefined_shortfall():
    """A soft 60 % share of x over a denominator that is 0 in 2026 (denominator_ref 0.5 for the factor k).

    The row reads x − 0.6·0 + k·shortfall ≥ 0: met by x = 0 with no shortfall (penalty 1 M CNY per point),
    objective 300 as with no target. The shortfall in points, 100·shortfall·k/denominator = 0/0, is
    undefined: nan, not a division error (round 3 of docs/testing.md: ``shortfall_in_units`` 11).
    """
    m, indicators = _model()
    indicators["toy.none"] = Indicator(
        "toy.none", "%", "share", m.x, denominator=dict.fromkeys(YEARS, 0.0), scale=100.0, denominator_ref=0.5
    )
    rows = resolve_targets(_scenario([_target("z", "toy.none", value=60.0, mode="soft")]), indicators)
    add_targets(m, rows, 1.0)
    m.total_cost = pyo.Objective(expr=sum(2.0 * m.x[y] + 3.0 * m.a[y] + m.v[y] for y in m.Y) + m.targets.penalty)
    result = solve(m, Solver())
    assert result.objective == pytest.approx(_rhs_free_objective())
    assert pyo.value(m.targets.shortfall["z"]) == pytest.approx(0.0)
    assert math.isnan(shortfall_in_units(m, rows[0]))


def test_a_partly_met_soft_growth_target_and_a_met_one_report_their_shortfalls_in_percent():
    """2025 (n = 2 years from the 2023 base of 100): a hard growth ≥ 1 % holds v at 100·1.01² = 102.01; a soft
    growth ≥ 1.2 % at 1e-4 M CNY per % (far below v's 1 M CNY per unit) stays short. Value 1 %/yr, shortfall
    1.2 − 1 = 0.2 points (in numerator units 100·1.012² − 102.01 = 0.4044 < 1). A soft growth ≤ 5 % (level
    110.25) is met with room to spare: shortfall 0, not 5 − 1 = 4. Objective 2·100 + 102.01 plus a penalty of
    1e-4·0.4044/2.024 (k = 100·2·1.012/100 = 2.024 per %).
    """
    targets = [
        _target("hard", "toy.growth", year=2025, value=1.0),
        _target("soft", "toy.growth", year=2025, value=1.2, mode="soft", penalty_mcny_per_unit=1e-4),
        _target("cap", "toy.growth", year=2025, value=5.0, sense="<=", mode="soft", penalty_mcny_per_unit=1.0),
    ]
    m, rows, result = _solve(targets)
    by_id = {r.id: r for r in rows}
    assert pyo.value(m.v[2025]) == pytest.approx(102.01)
    assert pyo.value(m.targets.shortfall["soft"]) == pytest.approx(0.4044 / 2.024)
    assert shortfall_in_units(m, by_id["soft"]) == pytest.approx(0.2)
    assert shortfall_in_units(m, by_id["cap"]) == 0.0
    assert result.objective == pytest.approx(302.01 + 1e-4 * 0.4044 / 2.024)


def test_a_target_that_does_not_bind_has_a_price_of_zero():
    """A dual of 0 (the target does not bind) or of solver noise (1e-12 M CNY) is a price of 0, for every sense."""
    targets = [_target("lo", "toy.emissions", value=10.0), _target("hi", "toy.level", value=50.0, sense="<=")]
    m, rows, result = _solve(targets)
    for row in rows:  # e = 20 ≥ 10 and x = 0 ≤ 50: neither binds
        assert shadow_price(row, result.duals[m.targets.target_met[row.id]]) == 0.0
        assert shadow_price(row, 0.0) == 0.0
        assert shadow_price(row, 1e-12) == 0.0
        assert shadow_price(row, -1e-12) == 0.0
