"""The generic measure (simulator.measures) on tiny hand-built LPs solved by HiGHS.

Every expected number is worked out by hand in the comments. Discount rate 0,
so the capital recovery factor is 1/lifetime.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo
import pytest

from simulator.intake.scenario import Solver
from simulator.model.measures import add_measures, crf
from simulator.solve.highs import solve

CARRIERS = ["coal", "electricity"]


def _catalogue(rows: list[dict]) -> pd.DataFrame:
    base = {
        "product": "p",
        "unit": "Mt/yr covered",
        "existing": 0.0,
        "first_year": 2024,
        "fixed_opex_mcny_per_unit_yr": 0.0,
        "saving_coal": 0.0,
        "saving_electricity": 0.0,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def _model(years: list[int], catalogue: pd.DataFrame) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.Y = pyo.Set(initialize=years, ordered=True)
    m.C = pyo.Set(initialize=CARRIERS, ordered=True)
    m.b = pyo.Block()
    add_measures(m.b, m, catalogue, CARRIERS, discount_rate=0.0)
    return m


def _solve(m):
    return solve(m, Solver())


#: capex 100 and 300 M CNY per unit → 10 and 30 M CNY/yr (r = 0, 10 yr); both save 0.01 Mtce of coal per unit
TWO_MEASURES = [
    {"measure": "a", "potential": 10.0, "max_rate_per_yr": 20.0, "lifetime_yr": 10, "capex_mcny_per_unit": 100.0, "saving_coal": 0.01},
    {"measure": "b", "potential": 10.0, "max_rate_per_yr": 20.0, "lifetime_yr": 10, "capex_mcny_per_unit": 300.0, "saving_coal": 0.01},
]


def test_crf_by_hand():
    # r = 0: 1/n; r = 6 %, n = 20: 0.06 / (1 − 1.06^−20) = 0.06 / (1 − 0.311805) = 0.0871846
    assert crf(0.0, 10) == pytest.approx(0.1)
    assert crf(0.06, 20) == pytest.approx(0.0871846, rel=1e-6)


def test_cheaper_measure_adopted_first_and_cost_by_hand():
    """Two measures, a saving target between their potentials.

    A: capex 100 M CNY per unit, life 10 yr → 10 M CNY/yr per unit; saves
       0.01 Mtce coal per unit → 10 / 0.01 = 1,000 CNY per tce; potential 10.
    B: capex 300, life 10 → 30 M CNY/yr per unit; 0.01 Mtce → 3,000 CNY/tce;
       potential 10.
    Target: coal saving ≥ 0.15 Mtce in 2024 (A alone gives at most 0.10).

    By hand: A = 10 units (0.10 Mtce), B = (0.15 − 0.10)/0.01 = 5 units;
    cost = 10·10 + 30·5 = 250 M CNY/yr; the target's dual is B's cost per
    Mtce: 30 / 0.01 = 3,000 M CNY per Mtce.
    """
    cat = _catalogue(TWO_MEASURES)
    m = _model([2024], cat)
    m.target = pyo.Constraint(expr=m.b.saving[2024, "coal"] >= 0.15)
    m.total_cost = pyo.Objective(expr=m.b.measure_cost[2024])
    result = _solve(m)
    assert pyo.value(m.b.adopted[2024, "a"]) == pytest.approx(10.0)
    assert pyo.value(m.b.adopted[2024, "b"]) == pytest.approx(5.0)
    assert result.objective == pytest.approx(250.0)
    assert result.duals[m.target] == pytest.approx(3000.0)
    assert pyo.value(m.b.saving[2024, "electricity"]) == 0.0


def test_target_below_cheap_potential_leaves_dear_measure_out():
    """Target 0.06 Mtce: A alone (6 units, 60 M CNY/yr); B stays at 0."""
    cat = _catalogue(TWO_MEASURES)
    m = _model([2024], cat)
    m.target = pyo.Constraint(expr=m.b.saving[2024, "coal"] >= 0.06)
    m.total_cost = pyo.Objective(expr=m.b.measure_cost[2024])
    result = _solve(m)
    assert pyo.value(m.b.adopted[2024, "a"]) == pytest.approx(6.0)
    assert pyo.value(m.b.adopted[2024, "b"]) == pytest.approx(0.0, abs=1e-9)
    assert result.objective == pytest.approx(60.0)


def _limits_catalogue():
    # existing 0.5, potential 3, at most 1 new unit a year; a second measure only from 2025
    return _catalogue(
        [
            {"measure": "x", "existing": 0.5, "potential": 3.0, "max_rate_per_yr": 1.0, "lifetime_yr": 10, "capex_mcny_per_unit": 10.0},
            {
                "measure": "late",
                "existing": 0.0,
                "potential": 3.0,
                "max_rate_per_yr": 5.0,
                "first_year": 2025,
                "lifetime_yr": 10,
                "capex_mcny_per_unit": 10.0,
            },
        ]
    )


def test_potential_and_rate_limits_hold():
    """Maximise adoption: x climbs by the yearly rate until the potential.

    x: 0.5 existing → 1.5 (2024) → 2.5 (2025) → 3.0 (2026, potential);
    late: 0 in 2024 (not before its first year) → 3.0 (2025, potential) → 3.0.
    """
    m = _model([2024, 2025, 2026], _limits_catalogue())
    m.total_cost = pyo.Objective(expr=-sum(m.b.adopted[y, k] for y in m.Y for k in m.b.M))
    _solve(m)
    x = [pyo.value(m.b.adopted[y, "x"]) for y in m.Y]
    late = [pyo.value(m.b.adopted[y, "late"]) for y in m.Y]
    assert x == pytest.approx([1.5, 2.5, 3.0])
    assert late == pytest.approx([0.0, 3.0, 3.0])
    # measure_cost counts adoption since the base year only: 2026: 1.0·(3.0 − 0.5) + 1.0·3.0 = 5.5 M CNY/yr
    assert pyo.value(m.b.measure_cost[2026]) == pytest.approx(5.5)


def test_rate_limit_forces_early_adoption():
    """x must reach 3.0 by 2026 at ≤ 1 unit/yr, so 2024 ≥ 1.0 and 2025 ≥ 2.0.

    Minimising Σ_y cost[y] = Σ_y (adopted[y] − 0.5) defers what it can: 1.0, 2.0, 3.0.
    """
    m = _model([2024, 2025, 2026], _limits_catalogue())
    m.target = pyo.Constraint(expr=m.b.adopted[2026, "x"] >= 3.0)
    m.total_cost = pyo.Objective(expr=sum(m.b.measure_cost[y] for y in m.Y))
    _solve(m)
    assert [pyo.value(m.b.adopted[y, "x"]) for y in m.Y] == pytest.approx([1.0, 2.0, 3.0])


def test_never_unadopted():
    """Adoption pays in 2024 but costs afterwards: it stays at its 2024 level, never drops.

    min −10·x[2024] + x[2025] + x[2026] → x[2024] = 1.5 (rate from 0.5), and
    x[2025] = x[2026] = 1.5 (the cheapest the never-decreasing rule allows).
    """
    m = _model([2024, 2025, 2026], _limits_catalogue())
    a = m.b.adopted
    m.total_cost = pyo.Objective(expr=-10.0 * a[2024, "x"] + a[2025, "x"] + a[2026, "x"])
    _solve(m)
    assert [pyo.value(a[y, "x"]) for y in m.Y] == pytest.approx([1.5, 1.5, 1.5])
