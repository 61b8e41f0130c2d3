"""Power-sector cost terms that the two-slice case of ``test_tiny_storage`` leaves at zero, worked on paper.

Mutation testing (docs/testing.md) found fixed opex of PV and storage, the import capacity fee and the
annuity of grid reinforcement pinned by no hand-worked number (the tiny case sets them to 0 and has no
infrastructure channel). Same two slices of 4,380 h, flat 1 GW load, discount rate 0, year 2024.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from conftest import two_hand_slices
from test_core_by_hand import COAL, ELECTRICITY, _edit, _scenario
from test_tiny_storage import SRC, _slices, _three_years, tiny_inputs  # noqa: F401 (tiny_inputs is a fixture)

from simulator.errors import DataError
from simulator.intake.scenario import Solver, scenario_from_dict
from simulator.model.core import build_model
from simulator.results.tables import investment_table
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
    # overnight investment (results): 200 CNY/kW = 200 M CNY/GW, times the 0.5 GW built = 100 M CNY
    inv = investment_table(m).set_index("item")
    assert inv.at["grid_expansion_grid", "capex_mcny_per_unit"] == pytest.approx(200.0)
    assert inv.at["grid_expansion_grid", "investment_mcny"] == pytest.approx(100.0)


def _plant(name, dispatch, capacity, heat_rate=0.0, vopex=0.0, fuel="", profile="", renewable=0):
    return {
        "plant": name,
        "capacity_gw": capacity,
        "availability": 1.0,
        "dispatch": dispatch,
        "profile": profile,
        "fuel": fuel,
        "heat_rate_kgce_per_kwh": heat_rate,
        "variable_opex_cny_per_kwh": vopex,
        "renewable": renewable,
        "source": SRC,
    }


def test_two_plants_on_one_fuel_fixed_plants_opex_and_a_grid_factor_of_one(tiny_inputs):  # noqa: F811
    """No PV; the grid is held at 0.1 GW (0.05 CNY/kWh by day, 0.10 by night) at exactly 1.0 kg CO2/kWh.
    Fixed plants: a must-run plant of 0.2 GW (0.03 CNY/kWh) and a 0.4 GW wind farm at a capacity factor of
    0.5 (0.2 GW, 0.01 CNY/kWh). Two coal plants (coal 1,000 M CNY/Mtce = 1,000 CNY/tce): A 0.4 GW at
    0.3 kgce/kWh (0.30 CNY/kWh), B 1 GW at 0.35 kgce/kWh (0.35 CNY/kWh). Flat load 1 GW in both slices.

    Merit order in each slice: must-run and wind 0.4 GW, grid 0.1 (cheapest), A 0.4, B 0.1
    (storage cannot arbitrage equal marginal costs). Over 8,760 h:
    coal A 3.504 TWh · 0.3 = 1.0512 Mtce, B 0.876 TWh · 0.35 = 0.3066 → 1.3578 Mtce of coal (both plants
    add to one use), fuel 1,357.8 M CNY; fixed plants 1,752 GWh · 0.03 + 1,752 GWh · 0.01 = 52.56 + 17.52
    = 70.08 M CNY; grid 0.1 · 4,380 · (0.05 + 0.10) = 65.7 M CNY. Objective 1,493.58 M CNY.
    CO2: coal 1.3578 · 2.66 = 3.611748 Mt + grid 0.876 TWh · 1.0 = 0.876 Mt → 4.487748 Mt.
    """
    inputs = _edit(tiny_inputs, "carriers", [{**ELECTRICITY, "source": SRC}, COAL])
    inputs = _edit(inputs, "pv_classes", potential_gw=0.0, max_build_gw_per_yr=0.0)
    inputs = _edit(inputs, "imports", existing_gw=0.1, max_gw=0.1, co2_kg_per_kwh=1.0)
    plants = [
        _plant("must", "must_run", 0.2, vopex=0.03),
        _plant("wind", "profile", 0.4, vopex=0.01, profile="cf_wind", renewable=1),
        _plant("coal_a", "flexible", 0.4, heat_rate=0.3, fuel="coal"),
        _plant("coal_b", "flexible", 1.0, heat_rate=0.35, fuel="coal"),
    ]
    inputs = _edit(inputs, "generators", plants)
    time = two_hand_slices({"cf_pv": [1.0, 0.0], "cf_wind": [0.5, 0.5], "load_city": [1.0, 1.0], "tou_multiplier": [0.5, 1.0]})
    m = build_model(_scenario(), inputs, time)
    result = solve(m, Solver())
    p = m.power
    assert [pyo.value(p.generation[2024, s, "coal_a"]) for s in m.S] == pytest.approx([0.4, 0.4])
    assert [pyo.value(p.generation[2024, s, "coal_b"]) for s in m.S] == pytest.approx([0.1, 0.1])
    assert pyo.value(p.use[2024, "coal"]) == pytest.approx(1.3578)
    assert pyo.value(m.fuel_cost[2024]) == pytest.approx(1357.8)
    assert pyo.value(m.fuel_price["coal"]) == 1000.0
    assert pyo.value(m.fuel_price["electricity"]) == 0.0  # paid for in the power sector
    assert pyo.value(p.cost_plants[2024]) == pytest.approx(70.08)
    assert pyo.value(p.imported_twh[2024, "grid"]) == pytest.approx(0.876)
    assert pyo.value(p.emissions[2024]) == pytest.approx(4.487748)
    assert result.objective == pytest.approx(1493.58)


def test_a_fuel_priced_at_exactly_one_is_charged(tiny_inputs):  # noqa: F811
    """Coal at 1.0 M CNY/Mtce (a toy price: 1 CNY/tce): a 1 GW coal plant at 0.3 kgce/kWh and 0.02 CNY/kWh
    (0.0203 CNY/kWh in all) undercuts the grid (0.05 by day): it serves the flat 1 GW alone.
    Fuel 8.76 TWh · 0.3 = 2.628 Mtce · 1.0 = 2.628 M CNY; opex 8,760 GWh · 0.02 = 175.2 → 177.828 M CNY.
    """
    inputs = _edit(tiny_inputs, "carriers", [{**ELECTRICITY, "source": SRC}, {**COAL, "price_mcny_per_unit": 1.0}])
    inputs = _edit(inputs, "pv_classes", potential_gw=0.0, max_build_gw_per_yr=0.0)
    inputs = _edit(inputs, "generators", [_plant("coal", "flexible", 1.0, heat_rate=0.3, vopex=0.02, fuel="coal")])
    m = build_model(_scenario(), inputs, _slices())
    result = solve(m, Solver())
    assert pyo.value(m.fuel_cost[2024]) == pytest.approx(2.628)
    assert result.objective == pytest.approx(177.828)


def test_without_time_of_use_ratios_the_grid_is_flat(tiny_inputs):  # noqa: F811
    """Slices without a ``tou_multiplier`` column: every channel pays base + flat in every slice. No PV; the
    grid at 0.1 CNY/kWh (time_of_use 0) serves the flat 1 GW: 8,760 GWh · 0.1 = 876 M CNY (the battery has
    nothing to shift)."""
    inputs = _edit(tiny_inputs, "pv_classes", potential_gw=0.0, max_build_gw_per_yr=0.0)
    inputs = _edit(inputs, "imports", time_of_use=0)
    time = two_hand_slices({"cf_pv": [1.0, 0.0], "load_city": [1.0, 1.0]})
    m = build_model(_scenario(), inputs, time)
    result = solve(m, Solver())
    assert pyo.value(m.power.cost_imports[2024, "grid"]) == pytest.approx(876.0)
    assert result.objective == pytest.approx(876.0)


def test_a_plant_burning_an_unknown_carrier_is_refused(tiny_inputs):  # noqa: F811
    """A flexible plant whose fuel is not a row of carriers.csv: a DataError located at generators.csv."""
    inputs = _edit(tiny_inputs, "generators", [_plant("oil", "flexible", 1.0, heat_rate=0.3, fuel="oil")])
    with pytest.raises(DataError) as err:
        build_model(_scenario(), inputs, _slices())
    (problem,) = err.value.problems
    assert "generators.csv" in str(problem.where) and problem.field == "fuel"
    assert problem.what.startswith("not a carrier of carriers.csv") and problem.expected == "a carrier id"


def test_storage_energy_capex_other_than_one(tiny_inputs):  # noqa: F811
    """Storage energy at 0.8 CNY/Wh (the tiny case's 1.0 could not tell ·capex from /capex): 800 M CNY/GWh overnight,
    annuity 80 M CNY/GWh/yr at CRF(0, 10) = 0.1. The night route per GW charged costs 100 + 50 + 0.9·80 = 222
    < 354.78, so the plan stays: PV 1 + 1/0.81, storage 1/0.81 GW and 1/0.9 GWh.
    Objective 100·2.2345679 + 50·1.2345679 + 80·1.1111111 = 223.45679 + 61.72840 + 88.88889 = 374.0740741 M CNY;
    overnight investment in storage energy 800·1.1111111 = 888.8888889 M CNY.
    """
    inputs = _edit(tiny_inputs, "storage", capex_energy_cny_per_wh=0.8)
    m = build_model(_scenario(), inputs, _slices())
    result = solve(m, Solver())
    assert pyo.value(m.power.storage_energy[2024, "battery"]) == pytest.approx(1 / 0.9)
    assert pyo.value(m.power.cost_storage[2024]) == pytest.approx(50 / 0.81 + 80 / 0.9)
    assert result.objective == pytest.approx(374.0740741)
    inv = investment_table(m).set_index("item")
    assert inv.at["storage_battery_energy", "investment_mcny"] == pytest.approx(800 / 0.9)


def test_a_soft_target_penalty_enters_the_objective(tiny_inputs):  # noqa: F811
    """PV ≥ 3 GW, soft at 50 M CNY per GW short (< 100, the annuity of a GW of PV beyond 2.2345679 that only
    curtails): the plan stays, 3 − 2.2345679 = 0.7654321 GW short, objective 396.2962963 + 50·0.7654321
    = 434.5679012 M CNY."""
    target = {"id": "pv", "indicator": "power.pv_capacity", "year": 2024, "value": 3.0, "mode": "soft", "penalty_mcny_per_unit": 50.0}
    scenario = scenario_from_dict(
        {
            "name": "tiny",
            "years": {"base": 2023, "start": 2024, "end": 2024},
            "economics": {"discount_rate": 0.0},
            "sectors": {"power": {}},
            "targets": [target],
        }
    )
    m = build_model(scenario, tiny_inputs, _slices())
    result = solve(m, Solver())
    assert pyo.value(m.targets.shortfall["pv"]) == pytest.approx(3 - (1 + 1 / 0.81))
    assert result.objective == pytest.approx(434.5679012)


@pytest.mark.parametrize(
    ("retire", "built", "objective"),
    [(2026, [1 / 0.81, 0.0, 1.0], 988.8888889), (2025, [1 / 0.81, 1.0, 0.0], 1088.8888889)],
)
def test_existing_pv_retiring_inside_the_horizon_is_replaced_in_its_retirement_year(tiny_inputs, retire, built, objective):  # noqa: F811
    """1 GW of PV already standing (no cost: sunk), retiring in 2026 or in 2025 (``existing_retire_year``); years 2024-2026.

    pv_capacity[y] = pv_capacity[y−1] + pv_new[y] − (E[y−1] − E[y]) with E = 1, 1, 0 GW (or 1, 0, 0). Each
    year the hand-worked plan of test_tiny_storage wants 1 + 1/0.81 = 2.2345679 GW of PV: in 2024 the standing
    GW covers the day, new PV 1/0.81 = 1.2345679 GW feeds the battery; while the standing GW runs nothing new is
    built (E[y−1] − E[y] = 0); in its retirement year 1 GW is rebuilt (100 < 219 saved), and not again after it.
    Retiring 2026: pv_new = 1.2345679, 0, 1 GW; retiring 2025: 1.2345679, 1, 0 GW; pv_capacity 2.2345679 GW
    every year. Cost: storage 50/0.81 + 100/0.9 = 172.839506 M CNY/yr × 3; PV annuities 100 M CNY/GW-yr on the
    new PV → 988.8888889 M CNY = 3 · 396.2962963 − 2 · 100 (the standing GW's two years), or 1,088.8888889
    (one year).
    """
    inputs = _edit(tiny_inputs, "pv_classes", existing_gw=1.0, existing_retire_year=retire)
    m = build_model(_three_years(), inputs, _slices())
    result = solve(m, Solver())
    p = m.power
    assert [pyo.value(p.pv_new[y, "utility"]) for y in m.Y] == pytest.approx(built, abs=1e-6)
    assert [pyo.value(p.pv_capacity[y, "utility"]) for y in m.Y] == pytest.approx([1 + 1 / 0.81] * 3, abs=1e-6)
    new_pv = [sum(built[: j + 1]) for j in range(3)]
    assert [pyo.value(p.cost_pv[y]) for y in m.Y] == pytest.approx([100 * v for v in new_pv])
    assert result.objective == pytest.approx(objective)


def test_a_binding_annual_import_limit_and_its_finite_difference(tiny_inputs):  # noqa: F811
    """No PV, no storage; the grid (0.05 CNY/kWh by day, 0.10 by night) may deliver 6 TWh a year; a 1 GW
    plant at 0.20 CNY/kWh (no fuel) covers the rest of the flat 1 GW load (8.76 TWh).

    The grid takes the day first (4,380 GWh at 0.05 = 219 M CNY), then 1,620 GWh of the night (0.369863 GW,
    162 M CNY); the plant the other 2,760 GWh (552 M CNY). Objective 933 M CNY. One TWh more of the limit
    moves a TWh of the night from the plant to the grid: −(0.20 − 0.10)·1,000 = −100 M CNY per TWh
    (limit 6.1 TWh → 923 M CNY: the grid 1,720 GWh of the night, the plant 2,660 GWh).
    """
    inputs = _edit(tiny_inputs, "pv_classes", potential_gw=0.0, max_build_gw_per_yr=0.0)
    inputs = _edit(inputs, "storage", max_build_gw_per_yr=0.0)
    inputs = _edit(inputs, "generators", [_plant("peaker", "flexible", 1.0, vopex=0.2)])
    for limit, objective in [(6.0, 933.0), (6.1, 923.0)]:
        m = build_model(_scenario(), _edit(inputs, "imports", annual_limit_twh=limit), _slices())
        result = solve(m, Solver())
        assert pyo.value(m.power.imported_twh[2024, "grid"]) == pytest.approx(limit)
        assert result.objective == pytest.approx(objective)
    assert [pyo.value(m.power.imported[2024, s, "grid"]) for s in m.S] == pytest.approx([1.0, 1.72 / 4.38])
    assert [pyo.value(m.power.generation[2024, s, "peaker"]) for s in m.S] == pytest.approx([0.0, 2.66 / 4.38], abs=1e-9)


def test_renewable_production_of_a_wind_farm_on_the_capacity_basis(tiny_inputs):  # noqa: F811
    """No PV; a 0.4 GW wind farm at a capacity factor of 0.5 (renewable) runs 0.2 GW · 8,760 h = 1.752 TWh.
    Capacity basis: f_ce · (H_pv · 0 GW of PV + 1.752 TWh) = 0.3 · 1.752 = 0.5256 Mtce; output basis: the 1.752 TWh
    used (never curtailed under the 1 GW load) at the same factor, 0.5256 Mtce.
    """
    inputs = _edit(tiny_inputs, "pv_classes", potential_gw=0.0, max_build_gw_per_yr=0.0)
    inputs = _edit(inputs, "generators", [_plant("wind", "profile", 0.4, profile="cf_wind", renewable=1)])
    time = two_hand_slices({"cf_pv": [1.0, 0.0], "cf_wind": [0.5, 0.5], "load_city": [1.0, 1.0], "tou_multiplier": [0.5, 1.0]})
    for basis in ("capacity", "output"):
        acct = {"renewable_coal_equivalent_kgce_per_kwh": 0.3, "pv_full_load_hours": 1000.0, "renewable_production_basis": basis}
        m = build_model(_scenario(accounting=acct), inputs, time)
        solve(m, Solver())
        assert pyo.value(m.power.renewable_production[2024]) == pytest.approx(0.5256)


def test_curtailment_forbidden_is_fixed_at_zero(tiny_inputs):  # noqa: F811
    """``allow_curtailment: false`` on the two-slice case of test_tiny_storage, whose optimum curtails nothing (PV
    1 + 1/0.81 = 2.2345679 GW: 1 GW for the day load, 1.2345679 GW charged for the night): curtailment[y,s] is fixed
    at 0 GW in both slices and the optimum stays 396.2962963 M CNY. (Curtailment fixed at any c > 0 GW would have
    to come out of PV at night, capacity factor 0, where nothing is available: infeasible.)
    """
    m = build_model(_scenario(power={"allow_curtailment": False}), tiny_inputs, _slices())
    result = solve(m, Solver())
    curtailment = [m.power.curtailment[2024, s] for s in m.S]
    assert all(v.fixed for v in curtailment) and [v.value for v in curtailment] == [0.0, 0.0]
    assert pyo.value(m.power.pv_capacity[2024, "utility"]) == pytest.approx(1 + 1 / 0.81)
    assert result.objective == pytest.approx(396.2962963)
