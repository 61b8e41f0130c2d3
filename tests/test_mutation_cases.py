"""Hand-worked cases added where mutation testing (docs/testing.md) found a factor no other test exercised.

Discount rate 0, so the annuity of a measure is capex / lifetime.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from test_measures import _catalogue, _model, _solve


def test_fixed_opex_adds_to_the_annuity():
    """A measure with capex 100 M CNY per unit (10-yr life → 10 M CNY/yr) and fixed opex 4 M CNY/yr per unit.

    Forced to 3 units above 1 existing (adopted = 4): cost = (10 + 4) · (4 − 1) = 42 M CNY/yr.
    (With the opex subtracted it would be (10 − 4) · 3 = 18; without it 30.)
    """
    cat = _catalogue(
        [
            {
                "measure": "m",
                "existing": 1.0,
                "potential": 10.0,
                "max_rate_per_yr": 10.0,
                "lifetime_yr": 10,
                "capex_mcny_per_unit": 100.0,
                "fixed_opex_mcny_per_unit_yr": 4.0,
                "saving_coal": 0.5,
            }
        ]
    )
    m = _model([2024], cat)
    m.target = pyo.Constraint(expr=m.b.saving[2024, "coal"] >= 2.0)  # 2.0 / 0.5 = 4 units
    m.total_cost = pyo.Objective(expr=m.b.measure_cost[2024])
    result = _solve(m)
    assert pyo.value(m.b.adopted[2024, "m"]) == pytest.approx(4.0)
    assert result.objective == pytest.approx(42.0)
    assert result.duals[m.target] == pytest.approx(14.0 / 0.5)  # 28 M CNY per Mtce


def test_a_saving_of_exactly_one_unit_per_unit_counts():
    """saving_coal = 1.0 Mtce per unit, target 3 Mtce: 3 units adopted, saving 3.0 (a saving of 1 is not special)."""
    cat = _catalogue(
        [{"measure": "one", "potential": 10.0, "max_rate_per_yr": 10.0, "lifetime_yr": 10, "capex_mcny_per_unit": 10.0, "saving_coal": 1.0}]
    )
    m = _model([2024], cat)
    m.target = pyo.Constraint(expr=m.b.saving[2024, "coal"] >= 3.0)
    m.total_cost = pyo.Objective(expr=m.b.measure_cost[2024])
    result = _solve(m)
    assert pyo.value(m.b.adopted[2024, "one"]) == pytest.approx(3.0)
    assert pyo.value(m.b.saving[2024, "coal"]) == pytest.approx(3.0)
    assert result.objective == pytest.approx(3.0)  # 3 units · 10 / 10 yr


def test_discount_factors_by_hand():
    """δ_y = (1 + r)^−(y − base): r = 5 %, base 2023 → 2024: 1/1.05 = 0.952381, 2026: 1/1.05³ = 0.863838; base year: 1."""
    from simulator.model.core import discount_factors

    d = discount_factors([2023, 2024, 2026], 2023, 0.05)
    assert d[2023] == pytest.approx(1.0)
    assert d[2024] == pytest.approx(0.952381, rel=1e-6)
    assert d[2026] == pytest.approx(0.863838, rel=1e-6)


def test_crf_of_a_one_year_life_and_a_refused_zero_life():
    """n = 1: the whole capex is paid back in the year, with interest: CRF(0, 1) = 1, CRF(5 %, 1) = 0.05 / (1 − 1/1.05) = 1.05."""
    from simulator.model.measures import crf

    assert crf(0.0, 1) == pytest.approx(1.0)
    assert crf(0.05, 1) == pytest.approx(1.05)
    with pytest.raises(ValueError, match="lifetime must be positive"):
        crf(0.05, 0)
