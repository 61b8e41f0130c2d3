"""Base-year calibration of the Wuhan data set, and provenance checks of input tables.

Every expected number is worked out here from the CSV files (by hand in the
comments, with pandas where a table has many rows), independently of the
model that ``simulator.calibration`` builds; the test then asserts both that
the calibration reports that number and that the number is inside the
accepted range stated in ``calibration_targets.csv``.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import WUHAN

from simulator.errors import DataError
from simulator.intake.inputs import load_inputs
from simulator.results import calibration


def csv(name: str) -> pd.DataFrame:
    return pd.read_csv(WUHAN / f"{name}.csv", skipinitialspace=True)


@pytest.fixture(scope="module")
def checks() -> dict[str, calibration.Check]:
    return {c.check: c for c in calibration.run_checks(load_inputs(WUHAN))}


CITY_2023 = 75.545  # electricity_demand.csv 2023 = 81.891 / 1.084 (2024 total over its reported growth), TWh


def sector_electricity_2023() -> dict[str, float]:
    """Base-year electricity by sector from the sector tables (TWh)."""
    out = {}
    steel = csv("steel_intensity").set_index("id")
    # 15.0 Mt × 330 kWh/t = 4,950 GWh = 4.95 TWh
    out["steel"] = csv("steel_activity").set_index("year").at[2023, "crude_steel_mt"] * steel.at["crude_steel.electricity", "value"] / 1000
    petro = csv("petrochemicals_intensity").set_index("id")["value"]
    act = csv("petrochemicals_activity").set_index("year").loc[2023]
    # 8.0 Mt × 60 kWh/t + 1.05 Mt × 250 kWh/t = 480 + 262.5 GWh = 0.7425 TWh
    out["petrochemicals"] = (
        act["crude_processed_mt"] * petro["refining.electricity"] + act["ethylene_mt"] * petro["ethylene.electricity"]
    ) / 1000
    stock = csv("buildings_stock").set_index("category")
    # 600 × 23.7 + 80 × 80 + 120 × 100 = 14,220 + 6,400 + 12,000 GWh = 32.62 TWh (residential 14.22)
    out["buildings"] = float((stock["floor_area_mm2"] * stock["electricity_kwh_per_m2"]).sum()) / 1000
    out["residential"] = float(stock.at["residential", "floor_area_mm2"] * stock.at["residential", "electricity_kwh_per_m2"]) / 1000
    m = csv("measures_transport").merge(csv("technologies_transport").drop(columns=["unit", "source"]), on="measure")
    # electricity of the EVs, rail-water intermodal, shore and ground power already in use in 2023:
    # Σ existing × (−saving_electricity) = 1.82866 TWh (intermodal 160 thousand TEU × 0.063 GWh = 0.01008 TWh;
    # shore power 104 berths × 0.02 GWh = 0.00208 TWh)
    out["transport"] = float((m["existing"] * (-m["saving_electricity"]).clip(lower=0)).sum())
    return out


def test_whole_society_electricity_2023_near_published_2021_and_2024(checks):
    demand = csv("electricity_demand").set_index("year")["demand_twh"]
    assert demand[2023] == pytest.approx(CITY_2023)
    # geometric interpolation of the published totals: 68.442 × (81.891/68.442)^(2/3) = 77.137 TWh
    interpolated = 68.442 * (81.891 / 68.442) ** (2 / 3)
    assert interpolated == pytest.approx(77.137, abs=1e-3)
    assert abs(CITY_2023 / interpolated - 1) == pytest.approx(0.0206, abs=1e-3)  # 2.1 % below, inside ±5 %
    c = checks["electricity_base_year"]
    assert c.value == pytest.approx(CITY_2023) and c.passed
    assert (c.low, c.high) == pytest.approx((interpolated * 0.95, interpolated * 1.05), abs=1e-3)


def test_sector_electricity_leaves_a_positive_residual_and_fits_the_published_shares(checks):
    e = sector_electricity_2023()
    assert e["steel"] == pytest.approx(4.95)
    assert e["petrochemicals"] == pytest.approx(0.7425)
    assert e["buildings"] == pytest.approx(32.62)
    assert e["transport"] == pytest.approx(1.82866)
    covered = e["steel"] + e["petrochemicals"] + e["buildings"] + e["transport"]  # 40.141 TWh
    residual = CITY_2023 - covered  # 35.404 TWh for the rest of industry, services and agriculture
    assert residual == pytest.approx(35.404, abs=1e-3)
    # the model carries 2024-2025 values back one year (q1²/q2): equal for flat series,
    # 0.0125 TWh more for petrochemicals (ethylene 1.05 Mt in 2023, 1.10 from 2024) and
    # 0.04 TWh more for buildings (linear floor-area growth read as geometric)
    assert checks["electricity_residual"].value == pytest.approx(residual, abs=0.1)
    assert checks["electricity_residual"].passed
    secondary = 100 * (e["steel"] + e["petrochemicals"]) / CITY_2023  # 7.54 % of the city, published secondary 48.92 %
    tertiary_residential = 100 * (e["buildings"] + e["transport"]) / CITY_2023  # 45.600 %, published 31.78 + 18.82 = 50.60 %
    residential = 100 * e["residential"] / CITY_2023  # 18.82 %, published 18.82 %
    assert secondary == pytest.approx(7.535, abs=1e-3)
    assert tertiary_residential == pytest.approx(45.600, abs=1e-3)
    assert residential == pytest.approx(18.824, abs=1e-3)
    assert checks["share_secondary"].value == pytest.approx(secondary, abs=0.1)
    assert checks["share_tertiary_residential"].value == pytest.approx(tertiary_residential, abs=0.1)
    assert checks["share_residential"].value == pytest.approx(residential, abs=0.1)
    # accepted: industry ≤ 48.92 + 5; buildings + transport within 50.60 − 10 … + 5; residential ± 5 pp
    assert secondary <= 53.92 and 40.60 <= tertiary_residential <= 55.60 and 13.82 <= residential <= 23.82
    for name in ("share_secondary", "share_tertiary_residential", "share_residential"):
        assert checks[name].passed, checks[name]


def test_gdp_and_population_equal_the_2023_bulletin(checks):
    macro = csv("macro").set_index("year")
    assert macro.at[2023, "gdp_100m_cny"] == 20011.65  # 2023 bulletin: 20011.65 亿元
    assert macro.at[2023, "population_10k"] == 1377.40  # 1377.40 万人
    assert checks["gdp_base_year"].value == pytest.approx(20011.65) and checks["gdp_base_year"].passed
    assert checks["population_base_year"].value == pytest.approx(1377.40) and checks["population_base_year"].passed
    assert checks["gdp_base_year"].tolerance == "±0.1 %"


def test_total_energy_inside_the_estimate_range(checks):
    steel = csv("steel_intensity").set_index("id")["value"]
    # 15 Mt × (425 + 55 + 16 + 3) kgce/t = 7.485 Mtce
    steel_fuel = (
        15.0 * (steel["crude_steel.coal"] + steel["crude_steel.coke"] + steel["crude_steel.gas"] + steel["crude_steel.heat"]) / 1000
    )
    assert steel_fuel == pytest.approx(7.485)
    petro = csv("petrochemicals_intensity").set_index("id")["value"]
    # 8.0 × (45 + 16 + 8) + 1.05 × (690 + 60 + 60) kgce/t = 552 + 850.5 kt = 1.4025 Mtce
    petro_fuel = (
        8.0 * petro[[f"refining.{c}" for c in ("gas", "oil", "heat")]].sum()
        + 1.05 * petro[[f"ethylene.{c}" for c in ("gas", "oil", "heat")]].sum()
    ) / 1000
    assert petro_fuel == pytest.approx(1.4025)
    stock = csv("buildings_stock")
    # gas 600 × 2.4 + 80 × 4 + 120 × 4 = 2,240 kt; heat 80 × 0.5 + 120 × 0.5 = 100 kt → 2.34 Mtce
    buildings_fuel = float((stock["floor_area_mm2"] * (stock["gas_kgce_per_m2"] + stock["heat_kgce_per_m2"])).sum()) / 1000
    assert buildings_fuel == pytest.approx(2.34)
    act = csv("transport_activity")
    m = csv("measures_transport").merge(csv("technologies_transport").drop(columns=["unit", "source"]), on="measure")
    # gross fleet fuel minus what the vehicles already electrified in 2023 no longer burn:
    # gasoline 3.7986 − 0.5506 = 3.2480, diesel 2.8547 − 0.3403 = 2.5144, jet fuel 200 × 0.000228 − 150 × 0.000228 = 0.0456 − 0.0342 = 0.0114 Mtce
    # (intermodal: 160 thousand TEU × 0.059 kt diesel saved; shore power: 104 berths × 0.0064 kt)
    transport_fuel = sum(
        float((act["activity"] * act["use_per_unit"])[act["carrier"] == c].sum() - (m["existing"] * m[f"saving_{c}"]).sum())
        for c in ("gasoline", "diesel", "jet_fuel")
    )
    assert transport_fuel == pytest.approx(3.2480 + 2.5144 + 0.0114, abs=1e-3)  # 5.7738
    # Coal CHP (4 GW × 0.85) runs when the grid price beats its 1,100 CNY/tce × 0.300 kgce/kWh + 0.02 = 0.35 CNY/kWh:
    # every hour except the 8 valley hours (0.5 × 0.4161 = 0.208): 3.4 GW × 16 h × 365 = 19.856 TWh, fuel 5.957 Mtce.
    # The gas CCGT (0.22 × 2,880 + 0.02 = 0.654 CNY/kWh) only beats critical-peak hours (≤ 0.05 Mtce, ignored).
    coal_twh = 3.4 * 16 * 365 / 1000
    power_fuel = coal_twh * 0.300
    assert power_fuel == pytest.approx(5.957, abs=1e-3)
    # electricity not made from fuel in the city: 75.545 − 19.856 = 55.689 TWh at 0.30 kgce/kWh = 16.71 Mtce
    total = steel_fuel + petro_fuel + buildings_fuel + transport_fuel + power_fuel + (CITY_2023 - coal_twh) * 0.30
    assert total == pytest.approx(39.66, abs=0.01)
    c = checks["total_energy"]
    assert c.value == pytest.approx(total, abs=0.15)  # the model's 2-day dispatch and carried-back sector values
    assert (c.low, c.high) == (27.5, 60.0) and c.passed  # half of ~55 Mtce … top of the 45-60 range


def test_pv_full_load_hours_of_the_profiles(checks):
    hourly = csv("profiles_hourly")
    utility = hourly["cf_pv_utility"].sum()
    assert utility == pytest.approx(1000.0, abs=0.5)  # calibrated to the Hubei ~1,000 h
    pv = csv("pv_classes").set_index("pv_class")
    hours = {k: hourly[pv.at[k, "profile"]].sum() for k in pv.index}
    # (0.15 × 1000 + 0.40 × 983.1 + 0.05 × 965.8 + 0.10 × 923.3) / 0.70 = 976.9 h (rooftop hours of the pvlib profiles)
    fleet = sum(pv.at[k, "existing_gw"] * h for k, h in hours.items()) / pv["existing_gw"].sum()
    assert fleet == pytest.approx(976.9, abs=0.5)
    assert checks["pv_hours_utility"].value == pytest.approx(utility) and checks["pv_hours_utility"].passed
    assert checks["pv_hours_fleet"].value == pytest.approx(fleet) and checks["pv_hours_fleet"].passed
    assert 950 <= fleet <= 1050


def test_peak_load_of_the_city_profile_against_the_peak_data(checks):
    shape = csv("profiles_hourly")["load_city"]
    assert shape.mean() / shape.max() == pytest.approx(0.585, abs=1e-3)  # load factor
    # 2023: 75.545 TWh / 8,760 h / 0.585 = 14.74 GW, between the 2021 forecast (14.6) and the 2024 estimate (≤ 18)
    peak_2023 = CITY_2023 * 1000 * shape.max()
    assert peak_2023 == pytest.approx(CITY_2023 * 1000 / 8760 / 0.585, rel=1e-3)
    assert 14.6 <= peak_2023 <= 18.0
    # 2024: 81.891 TWh → 15.98 GW, inside the 2024 estimate range 15.5-18 (central 17)
    peak_2024 = 81.891 * 1000 * shape.max()
    assert peak_2024 == pytest.approx(15.98, abs=0.01)
    assert checks["peak_base_year"].value == pytest.approx(peak_2023) and checks["peak_base_year"].passed
    assert checks["peak_2024"].value == pytest.approx(peak_2024) and checks["peak_2024"].passed


def test_every_check_of_the_table_ran_and_passed(checks):
    table = csv("calibration_targets")
    assert set(checks) == set(table["check"])
    assert all(c.passed for c in checks.values()), [c for c in checks.values() if not c.passed]


# --------------------------------------------------------------------------- provenance


@pytest.fixture
def wuhan_copy(tmp_path):
    folder = tmp_path / "wuhan"
    shutil.copytree(WUHAN, folder)
    return folder


def test_validation_refuses_an_unresolved_source_id(wuhan_copy):
    path = wuhan_copy / "steel_activity.csv"
    frame = pd.read_csv(path)
    frame.loc[1, "source"] = "est-wisco-output;no-such-source"  # row 2 (line 3): the 2024 row
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        load_inputs(wuhan_copy)
    text = str(err.value)
    assert f"{path}:row 2 (line 3)" in text
    assert "unknown source id 'no-such-source'" in text
    assert len(err.value.problems) == 1


def test_validation_refuses_a_missing_source(wuhan_copy):
    path = wuhan_copy / "macro.csv"
    frame = pd.read_csv(path)
    frame.loc[0, "source"] = None
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"macro.csv:row 1 \(line 2\): source: missing source id"):
        load_inputs(wuhan_copy)


def test_confidence_counts_use_the_weakest_source_of_a_row(tmp_path):
    (tmp_path / "sources.csv").write_text(
        "id,title,publisher,year,address,confidence,note\n"
        "off,An official table,Bureau,2024,,official,\n"
        "sec,A press report,Paper,2024,,secondary,\n"
        "est,Our guess,this project,2026,,estimate,scaled from off\n"
    )
    (tmp_path / "t.csv").write_text(
        "item,year,a_gw,b_twh,source\n"
        "x,2023,1,2,off\n"  # 2 official values (the key columns item and year are not values)
        "y,2023,1,2,off;est\n"  # weakest: estimate (the first id would say official)
        "z,2023,1,,sec;off\n"  # 1 value, weakest: secondary
    )
    inputs = load_inputs(tmp_path)
    assert inputs.confidence_counts("t") == {"official": 2, "secondary": 1, "estimate": 2}


def test_wuhan_macro_counts_bulletin_rows_as_official():
    # 2022-2024: GDP + population from the official bulletins (6); 2025, 2026: GDP only, estimate (2)
    assert load_inputs(WUHAN).confidence_counts("macro") == {"official": 6, "secondary": 0, "estimate": 2}


def test_coal_use_inside_the_coal_cap(checks):
    steel = csv("steel_intensity").set_index("id")["value"]
    # steel: 15 Mt × (425 coal + 55 coke) kgce/t = 7.2 Mtce; power: coal CHP 3.4 GW × 16 h × 365 d × 0.300 kgce/kWh = 5.957 Mtce
    sector = 15.0 * (steel["crude_steel.coal"] + steel["crude_steel.coke"]) / 1000
    power = 3.4 * 16 * 365 / 1000 * 0.300
    assert sector == pytest.approx(7.2) and power == pytest.approx(5.957, abs=1e-3)
    c = checks["coal_use"]
    assert c.value == pytest.approx(sector + power, abs=0.15)  # 13.16 Mtce
    assert (c.low, c.high) == (9.75, 19.5) and c.passed and c.result == "pass"


def test_one_sided_checks_say_so(checks):
    # the modelled industry is a part of the secondary group of unpublished size: no lower bound
    assert checks["share_secondary"].low is None and checks["share_secondary"].result == "pass (one-sided)"
    assert checks["electricity_residual"].result == "pass (one-sided)"  # ≥ 0 only
    assert checks["gdp_base_year"].result == "pass"


def test_a_calibration_check_fails_when_steel_output_is_doubled(wuhan_copy):
    path = wuhan_copy / "steel_activity.csv"
    steel = pd.read_csv(path)
    steel["crude_steel_mt"] *= 2  # 30 Mt instead of 15
    steel.to_csv(path, index=False)
    inputs = load_inputs(wuhan_copy)
    checks = {c.check: c for c in calibration.run_checks(inputs)}
    # coal and coke: 30 Mt × 480 kgce/t = 14.4 Mtce + power 5.957 = 20.36 Mtce > the 19.5 Mtce coal cap
    coal = checks["coal_use"]
    assert coal.value == pytest.approx(14.4 + 5.957, abs=0.15)
    assert coal.result == "FAIL"
    # the electricity shares cannot see it: 2 × 4.95 + 0.74 TWh = 14.1 % of the city, below the 53.9 % ceiling
    assert checks["share_secondary"].passed
    error = calibration.failures(list(checks.values()), inputs)
    assert error is not None
    (problem,) = error.problems
    assert problem.field == "coal_use"
    assert problem.where == f"{wuhan_copy / 'calibration_targets.csv'}:row 13 (line 14)"


def test_a_check_that_cannot_be_made_says_so(wuhan_copy):
    targets = pd.read_csv(wuhan_copy / "calibration_targets.csv")
    keep = targets[targets["check"] == "gdp_base_year"]
    extra = keep.assign(check="no_such_check", quantity="a quantity nothing computes")
    pd.concat([keep, extra]).to_csv(wuhan_copy / "calibration_targets.csv", index=False)
    inputs = load_inputs(wuhan_copy)
    checks = {c.check: c for c in calibration.run_checks(inputs)}
    assert checks["gdp_base_year"].passed
    missing = checks["no_such_check"]
    assert not missing.made and not missing.passed and missing.result == "not made"
    assert calibration.failures(list(checks.values()), inputs) is None  # not made is not a failure, but not a pass either
    text = calibration.format_checks(list(checks.values()))
    assert "not made" in text and "2 checks: 1 passed (0 one-sided), 0 failed, 1 not made" in text
