"""Power-sector cost terms that the two-slice case of ``test_tiny_storage`` leaves at zero, worked on paper.

Mutation testing (docs/testing.md) found fixed opex of PV and storage, the import capacity fee and the
annuity of grid reinforcement pinned by no hand-worked number (the tiny case sets them to 0 and has no
infrastructure channel). Same two slices of 4,380 h, flat 1 GW load, discount rate 0, year 2024.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from test_core_by_hand import _edit, _scenario
from test_tiny_storage import _slices, tiny_inputs  # noqa: F401 (tiny_inputs is a fixture)

from simulator.intake.scenario import Solver
from simulator.model.core import build_model
from simulator.solve.highs import solve


def test_fixed_opex_of_pv_and_storage_adds_to_their_annuities(tiny_inputs):  # noqa: F811
    """PV fixed opex 0.02 CNY/W/yr = 20 M CNY/GW/yr, storage 0.01 CNY/W/yr = 10 M CNY/GW/yr.

    The plan of test_tiny_storage stays (a GW of PV by day costs 120 < 219 saved; the night route costs
    120 + 60 + 90 = 270 < 354.78 per GW charged): PV 2.2345679 GW, storage 1.2345679 GW.
    Objective 396.2962963 + 20·2.2345679 + 10·1.2345679 = 453.3333333 M CNY.
    """
    inputs = _edit(tiny_inputs, "pv_classes", fixed_opex_cny_per_w_yr=0.02)
    inputs = _edit(inputs, "storage", fixed_opex_cny_per_w_yr=0.01)
    m = build_model(_scenario(), inputs, _slices())
    result = solve(m, Solver())
    assert pyo.value(m.power.pv_capacity[2024, "utility"]) == pytest.approx(1 + 1 / 0.81)
    assert pyo.value(m.power.storage_power[2024, "battery"]) == pytest.approx(1 / 0.81)
    assert pyo.value(m.power.cost_pv[2024]) == pytest.approx(120.0 * (1 + 1 / 0.81))
    assert pyo.value(m.power.cost_storage[2024]) == pytest.approx(60.0 / 0.81 + 100.0 / 0.9)
    assert result.objective == pytest.approx(453.3333333)


def test_grid_reinforcement_annuity_and_capacity_fee(tiny_inputs):  # noqa: F811
    """No PV; the grid (0.5 GW standing, up to 2 GW) is infrastructure: 200 CNY/kW over 20 years
    → 200·CRF(0, 20) = 10 M CNY/GW/yr, plus a capacity fee of 30 CNY/kW/yr = 30 M CNY/GW/yr.

    The flat 1 GW load needs 0.5 GW of reinforcement: energy 4380·(0.05 + 0.10) = 657, fee 30·1 = 30,
    annuity 10·0.5 = 5 → 692 M CNY. (Storage does not pay: a GW delivered at night saves
    4380·(0.10 − 0.05/0.81) = 167.6 but costs 50/0.81 + 100/0.9 = 172.8 before any extra grid capacity.)
    """
    inputs = _edit(tiny_inputs, "pv_classes", potential_gw=0.0, max_build_gw_per_yr=0.0)
    inputs = _edit(
        inputs,
        "imports",
        existing_gw=0.5,
        max_gw=2.0,
        capacity_fee_cny_per_kw_yr=30.0,
        expansion_capex_cny_per_kw=200.0,
        expansion_lifetime_yr=20,
        max_expansion_gw_per_yr=1.0,
    )
    m = build_model(_scenario(), inputs, _slices())
    result = solve(m, Solver())
    assert list(m.power.IX) == ["grid"]
    assert pyo.value(m.power.import_expansion[2024, "grid"]) == pytest.approx(0.5)
    assert pyo.value(m.power.import_capacity[2024, "grid"]) == pytest.approx(1.0)
    assert pyo.value(m.power.cost_grid_expansion[2024]) == pytest.approx(5.0)
    assert pyo.value(m.power.cost_imports[2024, "grid"]) == pytest.approx(657.0 + 30.0)
    assert result.objective == pytest.approx(692.0)
