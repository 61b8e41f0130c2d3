"""A two-slice PV + storage + grid case solved on paper, and a binding target's dual.

Setup (one planning year 2024, base 2023, discount rate 0 so δ = 1 and
CRF(0, 10 yr) = 0.1):

* two slices of one cyclic period, each standing for 4,380 h a year:
  slice 0 "day" (PV capacity factor 1, grid 0.05 CNY/kWh),
  slice 1 "night" (capacity factor 0, grid 0.10 CNY/kWh);
* demand 8.76 TWh/yr, flat → 1 GW in each slice;
* PV capex 1 CNY/W → annuity 1000·1·0.1 = 100 M CNY/GW/yr;
* storage power capex 0.5 CNY/W → 50 M CNY/GW/yr, energy capex 1 CNY/Wh →
  100 M CNY/GWh/yr, charge and discharge efficiency 0.9.

On paper: the first GW of PV costs 100 and saves 4380·0.05 = 219 → cover
the day load. A further GW of PV charged into storage delivers 0.9·0.9 =
0.81 GW at night, worth 4380·0.10·0.81 = 354.78, and costs 100 (PV) +
50 (1 GW of storage power) + 100·0.9 (0.9 GWh of storage energy) = 240 → cover
the whole night: charge c = 1/0.81 GW, discharge 1 GW.

    PV = 1 + 1/0.81 = 2.2345679 GW, storage power = 1/0.81 = 1.2345679 GW,
    storage energy = 0.9·c = 1/0.9 = 1.1111111 GWh, grid import = 0,
    objective = 100·2.2345679 + 50·1.2345679 + 100·1.1111111 = 396.2962963 M CNY.

A target PV ≥ 3 GW then binds: the extra 0.7654 GW is curtailed and costs
100 M CNY per GW, so its dual is exactly 100 M CNY per GW, and the objective
rises to 396.2963 + 100·(3 − 2.2345679) = 472.8395.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import two_hand_slices

from simulator.intake.inputs import load_inputs
from simulator.intake.scenario import scenario_from_dict
from simulator.model.core import build_model
from simulator.model.targets import collect_indicators
from simulator.results.tables import result_tables
from simulator.solve.highs import solve

SRC = "tiny"


def _write(folder, name, rows):
    pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)


@pytest.fixture
def tiny_inputs(tmp_path):
    d = tmp_path / "tiny"
    d.mkdir()
    _write(
        d,
        "sources",
        [
            {
                "id": SRC,
                "title": "hand-made test data",
                "publisher": "tests",
                "year": 2026,
                "address": "",
                "confidence": "estimate",
                "note": "test",
            }
        ],
    )
    _write(
        d,
        "carriers",
        [
            {
                "carrier": "electricity",
                "unit": "TWh",
                "mtce_per_unit": 0.1229,
                "co2_mt_per_unit": 0.0,
                "price_mcny_per_unit": 0.0,
                "source": SRC,
            }
        ],
    )
    _write(d, "electricity_demand", [{"year": 2023, "demand_twh": 8.76, "source": SRC}, {"year": 2024, "demand_twh": 8.76, "source": SRC}])
    _write(d, "electricity_demand_growth", [{"until_year": 2060, "growth_per_yr": 0.0, "source": SRC}])
    _write(
        d,
        "pv_classes",
        [
            {
                "pv_class": "utility",
                "existing_gw": 0.0,
                "potential_gw": 10.0,
                "max_build_gw_per_yr": 10.0,
                "capex_cny_per_w": 1.0,
                "fixed_opex_cny_per_w_yr": 0.0,
                "lifetime_yr": 10,
                "profile": "cf_pv",
                "source": SRC,
            }
        ],
    )
    _write(
        d,
        "storage",
        [
            {
                "technology": "battery",
                "existing_power_gw": 0.0,
                "existing_energy_gwh": 0.0,
                "capex_power_cny_per_w": 0.5,
                "capex_energy_cny_per_wh": 1.0,
                "fixed_opex_cny_per_w_yr": 0.0,
                "lifetime_yr": 10,
                "charge_efficiency": 0.9,
                "discharge_efficiency": 0.9,
                "min_duration_h": 0.0,
                "max_duration_h": 100.0,
                "max_build_gw_per_yr": 10.0,
                "source": SRC,
            }
        ],
    )
    pd.DataFrame(
        columns=[
            "plant",
            "capacity_gw",
            "availability",
            "dispatch",
            "profile",
            "fuel",
            "heat_rate_kgce_per_kwh",
            "variable_opex_cny_per_kwh",
            "renewable",
            "source",
        ]
    ).to_csv(d / "generators.csv", index=False)
    _write(
        d,
        "imports",
        [
            {
                "channel": "grid",
                "price_cny_per_kwh": 0.1,
                "time_of_use": 1,
                "capacity_fee_cny_per_kw_yr": 0.0,
                "existing_gw": 10.0,
                "max_gw": 10.0,
                "annual_limit_twh": np.nan,
                "co2_kg_per_kwh": 0.5,
                "availability_profile": "",
                "green": 0,
                "source": SRC,
            }
        ],
    )
    return load_inputs(d)


def _slices():
    return two_hand_slices({"cf_pv": [1.0, 0.0], "load_city": [1.0, 1.0], "tou_multiplier": [0.5, 1.0]})


def _scenario(targets=()):
    return scenario_from_dict(
        {
            "name": "tiny",
            "years": {"base": 2023, "start": 2024, "end": 2024},
            "economics": {"discount_rate": 0.0},
            "sectors": {"power": {}},
            "targets": list(targets),
        }
    )


def _solve(inputs, targets=()):
    scenario = _scenario(targets)
    model = build_model(scenario, inputs, _slices())
    res = solve(model, scenario.spec.solver)
    return model, res


C = 1 / 0.81  # charge in the day slice, GW


def test_two_slice_storage_case_matches_hand_solution(tiny_inputs):
    m, res = _solve(tiny_inputs)
    p = m.power
    assert res.status == "optimal"
    assert p.pv_capacity[2024, "utility"]() == pytest.approx(1 + C, abs=1e-6)
    assert p.storage_power[2024, "battery"]() == pytest.approx(C, abs=1e-6)
    assert p.storage_energy[2024, "battery"]() == pytest.approx(0.9 * C, abs=1e-6)
    assert p.charge[2024, 0, "battery"].value == pytest.approx(C, abs=1e-6)
    assert p.discharge[2024, 1, "battery"].value == pytest.approx(1.0, abs=1e-6)
    assert p.imported[2024, 0, "grid"].value == pytest.approx(0.0, abs=1e-6)
    assert p.imported[2024, 1, "grid"].value == pytest.approx(0.0, abs=1e-6)
    assert res.objective == pytest.approx(100 * (1 + C) + 50 * C + 100 * 0.9 * C, abs=1e-6)
    assert res.objective == pytest.approx(396.2962963, abs=1e-6)
    assert not res.warnings


def test_binding_target_dual_equals_hand_value_and_finite_difference(tiny_inputs):
    target = {
        "id": "pv-capacity",
        "clause": "II.5.2",
        "indicator": "power.pv_capacity",
        "year": 2024,
        "value": 3.0,
        "unit": "GW",
        "sense": ">=",
    }
    m, res = _solve(tiny_inputs, [target])
    card = result_tables(m, res.duals, collect_indicators(m))["scorecard"].set_index("id")
    assert res.objective == pytest.approx(396.2962963 + 100 * (3 - (1 + C)), abs=1e-6)
    assert card.at["pv-capacity", "met"]
    assert card.at["pv-capacity", "shadow_price"] == pytest.approx(100.0, abs=1e-6)
    # one planning year at a discount rate of 0: the annual form is the same 100 M CNY/yr per GW (= 100 CNY per kW per year)
    assert card.at["pv-capacity", "shadow_price_annual"] == pytest.approx(100.0, abs=1e-6)
    step = 0.01
    _, res2 = _solve(tiny_inputs, [{**target, "value": 3.0 + step}])
    assert (res2.objective - res.objective) / step == pytest.approx(card.at["pv-capacity", "shadow_price"], rel=1e-6)


def test_at_most_target_reports_positive_cost_of_tightening(tiny_inputs):
    """PV ≤ 2 GW binds from above: 0.2346 GW less PV loses 1 GW·(354.78 − 240)/GW... measured by re-solve."""
    target = {"id": "pv-cap", "indicator": "power.pv_capacity", "year": 2024, "value": 2.0, "sense": "<="}
    m, res = _solve(tiny_inputs, [target])
    card = result_tables(m, res.duals, collect_indicators(m))["scorecard"].set_index("id")
    price = card.at["pv-cap", "shadow_price"]
    assert price > 0
    step = 0.01
    _, tighter = _solve(tiny_inputs, [{**target, "value": 2.0 - step}])
    assert (tighter.objective - res.objective) / step == pytest.approx(price, rel=1e-6)
    # on paper: with PV < 1 + c, each GW less PV means 1/0.81... per GW of PV removed
    # the night loses 0.81 GW of discharge bought from the grid at 438 M CNY/GW-yr and
    # saves 100 (PV) + 50 + 90 (storage): 0.81·438 − 240 = 114.78 M CNY per GW
    assert price == pytest.approx(0.81 * 438 - 240, abs=1e-6)


def _with_throughput_cost(tmp_path, cost_cny_per_kwh):
    """The tiny data set with a throughput (wear) cost on the battery, CNY per kWh discharged."""
    path = tmp_path / "tiny" / "storage.csv"
    table = pd.read_csv(path)
    table["throughput_cost_cny_per_kwh"] = cost_cny_per_kwh
    table.to_csv(path, index=False)
    return load_inputs(tmp_path / "tiny")


# Per GW discharged at night the battery saves 4380·0.10 = 438 M CNY of grid purchases and costs
# 1/0.81 GW of PV (123.457) + 1/0.81 GW of power (61.728) + 1/0.9 GWh of energy (111.111) = 296.296,
# a margin of 141.704 M CNY per GW, i.e. 141.704 / 4380 = 0.0323524 CNY per kWh discharged.
CYCLING_MARGIN_CNY_PER_KWH = (438 - 100 * C - 50 * C - 100 * 0.9 * C) / 4380


def test_throughput_cost_below_the_margin_keeps_cycling(tiny_inputs, tmp_path):
    assert abs(CYCLING_MARGIN_CNY_PER_KWH - 0.0323524) < 1e-7
    inputs = _with_throughput_cost(tmp_path, 0.03)
    m, res = _solve(inputs)
    assert m.power.discharge[2024, 1, "battery"].value == pytest.approx(1.0, abs=1e-6)
    # the same plan, plus 1 GW · 4380 h · 0.03 M CNY/GWh of wear
    assert res.objective == pytest.approx(396.2962963 + 4380 * 0.03, abs=1e-6)


def test_throughput_cost_above_the_margin_stops_cycling(tiny_inputs, tmp_path):
    inputs = _with_throughput_cost(tmp_path, 0.05)
    m, res = _solve(inputs)
    p = m.power
    assert p.storage_power[2024, "battery"]() == pytest.approx(0.0, abs=1e-6)
    assert p.storage_energy[2024, "battery"]() == pytest.approx(0.0, abs=1e-6)
    assert p.discharge[2024, 1, "battery"].value == pytest.approx(0.0, abs=1e-6)
    # PV covers the day (100 < 4380·0.05 = 219 per GW), the grid the night: 100 + 438
    assert p.pv_capacity[2024, "utility"]() == pytest.approx(1.0, abs=1e-6)
    assert p.imported[2024, 1, "grid"].value == pytest.approx(1.0, abs=1e-6)
    assert res.objective == pytest.approx(538.0, abs=1e-6)


def test_marginal_price_per_slice_equals_hand_value(tiny_inputs, tmp_path):
    """Day: one more GW of day load needs one more GW of PV, 100 M CNY/yr over 4,380 h → 0.0228311 CNY/kWh.
    Night: one more GW at night comes through the battery at 296.296 M CNY/yr (see above) → 0.0676475 CNY/kWh.
    With a wear cost of 0.05 CNY/kWh the night is bought from the grid at 0.10 CNY/kWh.
    """
    from simulator.results.tables import load_weighted_price

    m, res = _solve(tiny_inputs)
    prices = result_tables(m, res.duals, collect_indicators(m))["prices"].set_index("slice")
    night = (100 * C + 50 * C + 100 * 0.9 * C) / 4380
    assert prices.at[0, "price_cny_per_kwh"] == pytest.approx(100 / 4380, abs=1e-9)
    assert prices.at[1, "price_cny_per_kwh"] == pytest.approx(night, abs=1e-9)
    assert night == pytest.approx(0.0676475, abs=1e-7)
    assert prices["weight_h"].tolist() == [4380.0, 4380.0]
    assert prices["load_gw"].tolist() == pytest.approx([1.0, 1.0], abs=1e-12)
    weighted = load_weighted_price(prices.reset_index())
    assert weighted.at[2024] == pytest.approx((100 / 4380 + night) / 2, abs=1e-9)

    m, res = _solve(_with_throughput_cost(tmp_path, 0.05))
    prices = result_tables(m, res.duals, collect_indicators(m))["prices"].set_index("slice")
    assert prices.at[0, "price_cny_per_kwh"] == pytest.approx(100 / 4380, abs=1e-9)
    assert prices.at[1, "price_cny_per_kwh"] == pytest.approx(0.10, abs=1e-9)


def _with_pv_build_cap(tmp_path, cap_gw_per_yr):
    path = tmp_path / "tiny" / "pv_classes.csv"
    table = pd.read_csv(path)
    table["max_build_gw_per_yr"] = cap_gw_per_yr
    table.to_csv(path, index=False)
    return load_inputs(tmp_path / "tiny")


def test_binding_build_rate_cap_dual_in_limits_matches_hand_value_and_resolve(tiny_inputs, tmp_path):
    """PV capped at 1.5 GW/yr (< 2.2346 GW wanted): the 0.5 GW beyond the day load charges the battery.
    One more GW of PV charged delivers 0.81 GW at night, saving 0.81·438 = 354.78 M CNY of grid purchases,
    and costs 100 (PV) + 50 (power) + 90 (0.9 GWh) = 240: the cap is worth 114.78 M CNY per GW/yr.
    """
    cap = 1.5
    scenario = _scenario()
    inputs = _with_pv_build_cap(tmp_path, cap)
    m = build_model(scenario, inputs, _slices())
    res = solve(m, scenario.spec.solver)
    limits = result_tables(m, res.duals, collect_indicators(m), res.reduced_costs)["limits"]
    row = limits[(limits["table"] == "pv_classes") & (limits["column"] == "max_build_gw_per_yr")].iloc[0]
    assert row["row"] == "utility" and row["value"] == cap and row["years_binding"] == 1
    assert row["dual_pv_mcny_per_unit"] == pytest.approx(0.81 * 438 - 240, abs=1e-6)
    assert row["dual_mcny_per_unit_yr"] == pytest.approx(0.81 * 438 - 240, abs=1e-6)  # one year, δ = 1
    assert row["relax_10pct_saving_mcny"] == pytest.approx(0.1 * cap * (0.81 * 438 - 240), abs=1e-6)
    assert row["rank"] == 1
    step = 0.01
    _, res2 = _solve(_with_pv_build_cap(tmp_path, cap + step))
    assert (res.objective - res2.objective) / step == pytest.approx(row["dual_pv_mcny_per_unit"], rel=1e-6)
    # the potential (10 GW) is not binding and is not listed
    assert not ((limits["table"] == "pv_classes") & (limits["column"] == "potential_gw")).any()


def test_investment_outlasting_the_horizon_is_reported_beside_its_annuities(tiny_inputs):
    """PV (1 CNY/W, 10 yr) and the battery are built in 2024, the only planning year (r = 0, δ = 1).

    Overnight investment: PV 1000 M CNY/GW · 2.2345679 GW = 2234.5679; battery 500 · 1.2345679 + 1000 · 1.1111111
    = 1728.3951 M CNY. The horizon carries one annuity, 1/10 of it (PV 223.45679, battery 172.83951): the
    other 9/10 are the salvage value left after the horizon (docs/economics.md).
    """
    m, res = _solve(tiny_inputs)
    tables = result_tables(m, res.duals, collect_indicators(m))
    inv = tables["investment"].set_index("item")
    assert inv.at["pv_utility", "investment_mcny"] == pytest.approx(1000 * (1 + C), abs=1e-6)
    assert inv.at["storage_battery_power", "investment_mcny"] == pytest.approx(500 * C, abs=1e-6)
    assert inv.at["storage_battery_energy", "investment_mcny"] == pytest.approx(1000 * 0.9 * C, abs=1e-6)
    costs = tables["costs"].set_index("component")
    power = tables["costs"][tables["costs"]["sector"] == "power"].set_index("component")
    assert power.at["pv", "investment_mcny"] == pytest.approx(2234.5679, abs=1e-4)
    assert power.at["pv", "value_mcny"] == pytest.approx(0.1 * 2234.5679, abs=1e-4)
    assert power.at["storage", "investment_mcny"] == pytest.approx(1728.3951, abs=1e-4)
    assert power.at["storage", "present_value_mcny"] == pytest.approx(172.83951, abs=1e-5)
    assert costs["present_value_mcny"].sum() == pytest.approx(res.objective, abs=1e-6)


def _three_years():
    return scenario_from_dict(
        {
            "name": "tiny",
            "years": {"base": 2023, "start": 2024, "end": 2026},
            "economics": {"discount_rate": 0.0},
            "sectors": {"power": {}},
            "targets": [],
        }
    )


def test_plant_retiring_inside_the_horizon_is_replaced_by_pv_and_storage(tiny_inputs, tmp_path):
    """An old plant (1 GW, availability 1, 0.01 CNY/kWh, retire_year 2025) covers the flat 1 GW load in 2024
    for 8760 h · 0.01 = 87.6 M CNY (cheaper than PV at 100 per GW-yr and the battery path). It is gone from 2025,
    when the hand-worked PV + battery plan (396.2963 M CNY/yr) is built; its annuities run in 2025 and 2026.
    Total (r = 0): 87.6 + 2 · 396.2963 = 880.1926 M CNY.
    """
    gens = pd.read_csv(tmp_path / "tiny" / "generators.csv")
    old = {"plant": "old", "capacity_gw": 1.0, "availability": 1.0, "dispatch": "flexible", "profile": "", "fuel": ""}
    old |= {"heat_rate_kgce_per_kwh": 0.0, "variable_opex_cny_per_kwh": 0.01, "renewable": 0.0, "retire_year": 2025, "source": SRC}
    assert gens.empty  # the tiny data set has no plant of its own
    pd.DataFrame([old]).to_csv(tmp_path / "tiny" / "generators.csv", index=False)
    inputs = load_inputs(tmp_path / "tiny")
    scenario = _three_years()
    m = build_model(scenario, inputs, _slices())
    res = solve(m, scenario.spec.solver)
    p = m.power
    assert p.generation[2024, 0, "old"].value == pytest.approx(1.0, abs=1e-6)
    assert p.generation[2024, 1, "old"].value == pytest.approx(1.0, abs=1e-6)
    assert p.generation[2025, 1, "old"].ub == 0.0 and p.generation[2026, 0, "old"].ub == 0.0
    assert p.pv_new[2024, "utility"].value == pytest.approx(0.0, abs=1e-6)
    assert p.pv_new[2025, "utility"].value == pytest.approx(1 + C, abs=1e-6)
    assert p.pv_capacity[2026, "utility"].value == pytest.approx(1 + C, abs=1e-6)
    assert res.objective == pytest.approx(87.6 + 2 * 396.2962963, abs=1e-6)


def test_new_capacity_ends_after_its_lifetime_and_is_rebuilt(tiny_inputs, tmp_path):
    """PV at 0.2 CNY/W with a 2-year life has the same annuity (200 · 0.5 = 100 M CNY/GW-yr) as before, so each
    year repeats the hand-worked plan; PV built in 2024 runs 2024-2025 and retires in 2026, when it is rebuilt:
    pv_new = 2.2345679 GW in 2024 and again in 2026, overnight investment 200 · 2.2345679 = 446.9136 M CNY each
    time; the objective is 3 · 396.2963 = 1188.8889 M CNY (annuities stop with the lifetime: no double count).
    """
    path = tmp_path / "tiny" / "pv_classes.csv"
    table = pd.read_csv(path)
    table["capex_cny_per_w"], table["lifetime_yr"] = 0.2, 2
    table.to_csv(path, index=False)
    inputs = load_inputs(tmp_path / "tiny")
    scenario = _three_years()
    m = build_model(scenario, inputs, _slices())
    res = solve(m, scenario.spec.solver)
    p = m.power
    assert p.pv_new[2024, "utility"].value == pytest.approx(1 + C, abs=1e-6)
    assert p.pv_new[2025, "utility"].value == pytest.approx(0.0, abs=1e-6)
    assert p.pv_new[2026, "utility"].value == pytest.approx(1 + C, abs=1e-6)
    assert [p.pv_capacity[y, "utility"].value for y in (2024, 2025, 2026)] == pytest.approx([1 + C] * 3, abs=1e-6)
    assert res.objective == pytest.approx(3 * 396.2962963, abs=1e-6)
    inv = result_tables(m, res.duals, collect_indicators(m))["investment"]
    pv = inv[inv["item"] == "pv_utility"].set_index("year")["investment_mcny"]
    assert pv.tolist() == pytest.approx([200 * (1 + C), 0.0, 200 * (1 + C)], abs=1e-6)


def _grid_only_with_flat_part(tmp_path, flat_cny_per_kwh):
    """The tiny data set without PV (potential 0) and with a flat part on the grid price."""
    pv_path = tmp_path / "tiny" / "pv_classes.csv"
    pv = pd.read_csv(pv_path)
    pv["potential_gw"] = 0.0
    pv.to_csv(pv_path, index=False)
    imp_path = tmp_path / "tiny" / "imports.csv"
    imp = pd.read_csv(imp_path)
    imp["flat_price_cny_per_kwh"] = flat_cny_per_kwh
    imp.to_csv(imp_path, index=False)
    return load_inputs(tmp_path / "tiny")


def test_time_of_use_moves_the_base_price_only(tiny_inputs, tmp_path):
    """Grid base 0.10 CNY/kWh with time-of-use ratios 0.5 (day) and 1.0 (night), flat part 0.02 CNY/kWh
    (transmission, system operation, funds: the part the Hubei notice leaves flat), no PV.

    On paper, price_s = base · ratio_s + flat: day 0.10·0.5 + 0.02 = 0.07, night 0.10 + 0.02 = 0.12 CNY/kWh
    (a ratio applied to the whole price would give 0.06 by day). The battery is not worth building:
    per GW discharged at night it buys 1/0.81 GW by day (4380·0.07/0.81 = 378.52) and costs 50/0.81 of
    power and 100·0.9/0.81 of energy (61.73 + 111.11), 551.36 > 4380·0.12 = 525.6 M CNY bought at night.
    The grid serves 1 GW in both slices: objective 4380·(0.07 + 0.12) = 832.2 M CNY, and the marginal price
    of each slice is its own tariff.
    """
    m, res = _solve(_grid_only_with_flat_part(tmp_path, 0.02))
    assert res.status == "optimal"
    assert m.power.storage_power[2024, "battery"]() == pytest.approx(0.0, abs=1e-6)
    assert m.power.imported[2024, 0, "grid"].value == pytest.approx(1.0, abs=1e-6)
    assert res.objective == pytest.approx(4380 * (0.07 + 0.12), abs=1e-6)
    assert res.objective == pytest.approx(832.2, abs=1e-6)
    prices = result_tables(m, res.duals, collect_indicators(m))["prices"].set_index("slice")
    assert prices.at[0, "price_cny_per_kwh"] == pytest.approx(0.07, abs=1e-9)
    assert prices.at[1, "price_cny_per_kwh"] == pytest.approx(0.12, abs=1e-9)
    storage_per_gw_discharged = 50 / 0.81 + 100 * 0.9 / 0.81 + 4380 * 0.07 / 0.81
    assert storage_per_gw_discharged == pytest.approx(551.358, abs=1e-3)


def test_slice_price_applies_the_ratios_to_the_base_only():
    """The Hubei notice's January ratios on the January 2026 agency-purchase table (hubei-tou-2024), two-part
    1-10 kV: base 0.398113 (purchase 0.384470 + line losses 0.013643), flat part 0.253773 (T&D 0.1263 +
    system operation 0.082273 + funds 0.0452) → the table's critical 1.049999, flat 0.651886 and valley
    0.432924 CNY/kWh to 1e-6 (2.0 · 0.398113 + 0.253773, 0.398113 + 0.253773, 0.45 · 0.398113 + 0.253773).
    """
    from simulator.sectors.power import slice_price

    channel = pd.Series({"price_cny_per_kwh": 0.398113, "flat_price_cny_per_kwh": 0.253773, "time_of_use": 1})
    got = slice_price(channel, np.array([2.0, 1.0, 0.45]))
    assert got == pytest.approx([1.049999, 0.651886, 0.432924], abs=1e-6)
    flat_channel = pd.Series({"price_cny_per_kwh": 0.398113, "flat_price_cny_per_kwh": 0.253773, "time_of_use": 0})
    assert slice_price(flat_channel, np.array([2.0, 0.45])) == pytest.approx([0.651886, 0.651886], abs=1e-9)
