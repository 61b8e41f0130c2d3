"""The core's objective, city indicators and roof-PV link on tiny cases worked out on paper.

Mutation testing (docs/testing.md) found fuel purchases, the carbon price, discounting of the
whole objective, the diagnostic value of lost load, the city indicators and the roof-PV link
pinned by no hand-worked number. The cases reuse the two-slice data of ``test_tiny_storage``
(two slices of 4,380 h, flat load 1 GW = 8.76 TWh/yr, grid 0.05 CNY/kWh by day and 0.10 by
night, 0.5 kg CO2/kWh) with the changes each test states.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo
import pytest
from test_tiny_storage import SRC, _slices, tiny_inputs  # noqa: F401 (tiny_inputs is a fixture)

from simulator.intake.inputs import load_inputs
from simulator.intake.scenario import Solver, scenario_from_dict
from simulator.model.core import _roof_pv_built, build_model
from simulator.model.targets import collect_indicators
from simulator.solve.highs import solve


def _edit(inputs, table: str, rows: list[dict] | None = None, **columns):
    """Rewrite ``table`` of the tiny data set (whole rows, or columns of its rows) and reload it."""
    path = inputs.root / f"{table}.csv"
    frame = pd.DataFrame(rows) if rows is not None else pd.read_csv(path)
    for column, value in columns.items():
        frame[column] = value
    frame.to_csv(path, index=False)
    return load_inputs(inputs.root)


def _scenario(discount_rate=0.0, carbon=0.0, accounting=None, end=2024, power=None):
    return scenario_from_dict(
        {
            "name": "tiny",
            "years": {"base": 2023, "start": 2024, "end": end},
            "economics": {"discount_rate": discount_rate, "carbon_price_cny_per_t": carbon},
            "accounting": accounting or {},
            "sectors": {"power": power or {}},
            "targets": [],
        }
    )


COAL = {"carrier": "coal", "unit": "Mtce", "mtce_per_unit": 1.0, "co2_mt_per_unit": 2.66, "price_mcny_per_unit": 1000.0, "source": SRC}
ELECTRICITY = {"carrier": "electricity", "unit": "TWh", "mtce_per_unit": 0.1229, "co2_mt_per_unit": 0.0, "price_mcny_per_unit": 0.0}


@pytest.fixture
def coal_case(tiny_inputs):  # noqa: F811 (the fixture imported above)
    """No PV; grid capped at 0.5 GW; a 1 GW coal plant (0.3 kgce/kWh, 0.02 CNY/kWh) covers the rest."""
    # electricity listed at a price: it is paid for in the power sector, never again as a fuel
    inputs = _edit(tiny_inputs, "carriers", [{**ELECTRICITY, "price_mcny_per_unit": 999.0, "source": SRC}, COAL])
    inputs = _edit(inputs, "pv_classes", potential_gw=0.0, max_build_gw_per_yr=0.0)
    inputs = _edit(inputs, "imports", existing_gw=0.5, max_gw=0.5)
    plant = {
        "plant": "coal",
        "capacity_gw": 1.0,
        "availability": 1.0,
        "dispatch": "flexible",
        "profile": "",
        "fuel": "coal",
        "heat_rate_kgce_per_kwh": 0.3,
        "variable_opex_cny_per_kwh": 0.02,
        "renewable": 0,
        "source": SRC,
    }
    return _edit(inputs, "generators", [plant])


def test_fuel_carbon_and_discounting_of_the_objective(coal_case):
    """Grid 0.5 GW in both slices, the coal plant 0.5 GW (a dearer plant than the grid at any carbon price here).

    grid: 0.5·4380·(0.05 + 0.10) = 328.5 M CNY, 4.38 TWh · 0.5 = 2.19 Mt CO2;
    coal: 4.38 TWh · 0.3 = 1.314 Mtce → fuel 1,314 M CNY, variable opex 0.02·4,380 GWh = 87.6 M CNY,
    1.314 · 2.66 = 3.49524 Mt CO2; CO2 5.68524 Mt · 100 CNY/t = 568.524 M CNY.
    Annual 2,298.624 M CNY; at 5 % from 2023 to 2024: 2,298.624 / 1.05 = 2,189.165714 M CNY.
    Final energy of the city: 8.76 TWh at 0.2 kgce/kWh (the scenario's calorific factor) = 1.752 Mtce.
    Electricity's price in carriers.csv (999) is not charged as a fuel: the power sector pays for it.
    """
    scenario = _scenario(discount_rate=0.05, carbon=100.0, accounting={"electricity_calorific_kgce_per_kwh": 0.2})
    m = build_model(scenario, coal_case, _slices())
    result = solve(m, Solver())
    assert pyo.value(m.power.generation[2024, 0, "coal"]) == pytest.approx(0.5)
    assert pyo.value(m.power.generation[2024, 1, "coal"]) == pytest.approx(0.5)
    assert pyo.value(m.power.use[2024, "coal"]) == pytest.approx(1.314)
    assert pyo.value(m.fuel_cost[2024]) == pytest.approx(1314.0)
    assert pyo.value(m.power.cost_plants[2024]) == pytest.approx(87.6)
    assert pyo.value(m.city_co2[2024]) == pytest.approx(5.68524)
    assert pyo.value(m.carbon_cost[2024]) == pytest.approx(568.524)
    assert pyo.value(m.annual_cost[2024]) == pytest.approx(2298.624)
    assert result.objective == pytest.approx(2298.624 / 1.05)
    ind = collect_indicators(m)
    assert ind["city.final_energy"].value(2024) == pytest.approx(1.752)
    assert ind["city.electricity_use"].value(2024) == pytest.approx(8.76)
    assert ind["city.co2"].value(2024) == pytest.approx(5.68524)


def test_unserved_load_is_priced_at_the_diagnostic_value(coal_case):
    """The coal plant at 0 GW: the grid's 0.5 GW leaves 0.5 GW unserved in each slice.

    Lost load 30 CNY/kWh · 0.5 GW · 8,760 h = 131,400 M CNY; grid 328.5; CO2 2.19 Mt · 100 = 219;
    at 5 %: (131,400 + 328.5 + 219) / 1.05 = 125,664.285714 M CNY.
    """
    inputs = _edit(coal_case, "generators", capacity_gw=0.0)
    m = build_model(_scenario(discount_rate=0.05, carbon=100.0), inputs, _slices(), unserved=True)
    result = solve(m, Solver())
    assert [pyo.value(m.unserved[2024, s]) for s in m.S] == pytest.approx([0.5, 0.5])
    assert result.objective == pytest.approx(131947.5 / 1.05)


def test_unserved_load_of_two_years_is_kept_apart_by_year(coal_case):
    """The case above over 2024-2025, city demand growing 10 % a year: 8.76 TWh in 2024 (1 GW flat),
    8.76·1.1 = 9.636 TWh in 2025 (1.1 GW flat); the grid's 0.5 GW leaves 0.5 GW unserved in each slice of
    2024 and 0.6 GW in each slice of 2025 (one unserved variable per year and slice).

    2024: lost load 30·0.5·8,760 = 131,400 M CNY, grid 328.5, CO2 219 → 131,947.5 / 1.05 = 125,664.285714;
    2025: lost load 30·0.6·8,760 = 157,680 M CNY, grid 328.5, CO2 219 → 158,227.5 / 1.05² = 143,517.006803;
    objective 269,181.292517 M CNY.
    """
    inputs = _edit(_edit(coal_case, "generators", capacity_gw=0.0), "electricity_demand_growth", growth_per_yr=0.1)
    m = build_model(_scenario(discount_rate=0.05, carbon=100.0, end=2025), inputs, _slices(), unserved=True)
    result = solve(m, Solver())
    assert [pyo.value(m.unserved[y, s]) for y in m.Y for s in m.S] == pytest.approx([0.5, 0.5, 0.6, 0.6])
    assert result.objective == pytest.approx(131947.5 / 1.05 + 158227.5 / 1.05**2)
    assert result.objective == pytest.approx(269181.292517)


def test_city_renewable_production_on_both_bases(tiny_inputs):  # noqa: F811
    """The two-slice PV case of test_tiny_storage with 0.5 GW of PV already standing.

    The optimum keeps 1 + 1/0.81 = 2.2345679 GW of PV (0.5 existing + 1.7345679 new).
    capacity basis: 0.3 kgce/kWh · 1,000 h · 2.2345679 GW · 1e-3 = 0.67037037 Mtce; base year 0.3 · 1,000 · 0.5e-3 = 0.15.
    output basis: 0.3 · 4,380 h (cf 1 by day) · 2.2345679 GW · 1e-3 = 2.93622222 Mtce (nothing curtailed).
    """
    inputs = _edit(tiny_inputs, "pv_classes", existing_gw=0.5)
    pv = 1 + 1 / 0.81
    for basis, expected in [("capacity", 0.3 * 1000 * pv * 1e-3), ("output", 0.3 * 4380 * pv * 1e-3)]:
        acct = {"renewable_coal_equivalent_kgce_per_kwh": 0.3, "pv_full_load_hours": 1000.0, "renewable_production_basis": basis}
        m = build_model(_scenario(accounting=acct), inputs, _slices())
        solve(m, Solver())
        assert pyo.value(m.power.pv_capacity[2024, "utility"]) == pytest.approx(pv)
        ind = collect_indicators(m)["city.renewable_production"]
        assert ind.value(2024) == pytest.approx(expected)
        assert ind.base_value == pytest.approx(0.15 if basis == "capacity" else 0.3 * 4380 * 0.5e-3)


def test_roof_pv_is_built_cumulatively_in_its_own_class():
    """roof_pv_built[y,k]: Σ_{y'≤y} pv_new[y',k] ≥ Σ_{y'≤y} roof_pv[y',k].

    A sector puts 0.3 GW on new roofs in 2024 and 0.2 GW in 2025 (class ``roof``); new PV costs 2 in
    2024 and 1 in 2025 (class ``field`` costs 0.5 and is asked for nothing). On paper: 0.3 GW in 2024,
    0.2 GW in 2025 (building it all in 2025 would leave 2024 short), cost 0.6 + 0.2 = 0.8; the rows'
    duals are 1 (2024: one more GW then costs 2 − 1 saved later) and 1 (2025).
    """
    m = pyo.ConcreteModel()
    m.Y = pyo.Set(initialize=[2024, 2025], ordered=True)
    m.power = pyo.Block()
    m.power.K = pyo.Set(initialize=["roof", "field"], ordered=True)
    m.power.pv_new = pyo.Var(m.Y, m.power.K, within=pyo.NonNegativeReals)
    m.homes = pyo.Block()
    m.homes.roof_pv = pyo.Param(m.Y, ["roof", "nowhere"], initialize={(2024, "roof"): 0.3, (2025, "roof"): 0.2}, default=5.0)
    m.sector_names = ["homes", "power"]
    _roof_pv_built(m)
    price = {(2024, "roof"): 2.0, (2025, "roof"): 1.0, (2024, "field"): 0.5, (2025, "field"): 0.5}
    m.total_cost = pyo.Objective(expr=sum(price[y, k] * m.power.pv_new[y, k] for y in m.Y for k in m.power.K))
    result = solve(m, Solver())
    assert sorted(m.roof_pv_built) == [(2024, "roof"), (2025, "roof")]  # a class the power sector lacks is not linked
    assert pyo.value(m.power.pv_new[2024, "roof"]) == pytest.approx(0.3)
    assert pyo.value(m.power.pv_new[2025, "roof"]) == pytest.approx(0.2)
    assert result.objective == pytest.approx(0.8)
    assert result.duals[m.roof_pv_built[2024, "roof"]] == pytest.approx(1.0)
    assert result.duals[m.roof_pv_built[2025, "roof"]] == pytest.approx(1.0)


def test_a_diagnostic_build_with_supply_to_spare_leaves_nothing_unserved(tiny_inputs):  # noqa: F811
    """The two-slice PV + storage case of test_tiny_storage (the grid could deliver 10 GW against a 1 GW load),
    built with the diagnostic unserved load: unserved[y,s] ≥ 0 is 0 in both slices and the optimum is the
    hand-worked 396.2962963 M CNY. (Unserved load below zero would pay 30 CNY/kWh for every kWh supplied
    beyond the load: 9 GW of surplus grid imports.)
    """
    m = build_model(_scenario(), tiny_inputs, _slices(), unserved=True)
    result = solve(m, Solver())
    assert [pyo.value(m.unserved[2024, s]) for s in m.S] == pytest.approx([0.0, 0.0], abs=1e-9)
    assert result.objective == pytest.approx(396.2962963)
