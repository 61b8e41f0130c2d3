"""``transim inputs DATASET [--check]``: table summary with confidence counts, calibration checks."""

from __future__ import annotations

import shutil

import pandas as pd
from conftest import WUHAN
from typer.testing import CliRunner

from cli import app
from simulator.intake.datacheck import column_unit

runner = CliRunner()


def test_inputs_prints_tables_units_years_and_confidence_counts():
    result = runner.invoke(app, ["inputs", str(WUHAN)])
    assert result.exit_code == 0, result.output
    out = result.output
    # macro.csv: 2022-2026; 2022-2024 rows from the official bulletins (2 values each),
    # 2025 and 2026 GDP only, estimates (1 each)
    assert "macro (5 rows, years 2022–2026): GDP and permanent population by year" in out
    assert "gdp_100m_cny [10^8 CNY], population_10k [10^4 persons]" in out
    assert "8 values: official 6, secondary 0, estimate 2 (25 % estimated)" in out
    assert "pv_classes (4 rows)" in out and "capex_cny_per_w [CNY/W]" in out and "fixed_opex_cny_per_w_yr [CNY/(W·yr)]" in out
    assert "electricity_demand (4 rows, years 2021–2025)" in out
    # ranges: crude processed 8.0 Mt × 0.79-1.0 (ranges.csv, est-wuhan-crude-processed)
    assert "widest ranges: crude_processed_mt of 2023: 8 in 6.32–8 [Mt]" in out
    assert "estimated values with a range (ranges.csv" in out
    assert "total:" in out and "without the hourly profiles:" in out
    for level in ("official", "secondary", "estimate"):
        assert level in out.split("total:")[1]


def test_inputs_takes_a_data_set_name():
    result = runner.invoke(app, ["inputs", "wuhan"])
    assert result.exit_code == 0, result.output
    assert "carriers (10 rows)" in result.output


def test_inputs_check_passes_on_wuhan():
    result = runner.invoke(app, ["inputs", str(WUHAN), "--check"])
    assert result.exit_code == 0, result.output
    assert "calibration checks (base year):" in result.output
    assert " 0 failed" in result.output
    assert "gdp_base_year" in result.output and "±0.1 %" in result.output


def test_inputs_check_exits_2_naming_a_failed_check(tmp_path):
    folder = tmp_path / "wuhan"
    shutil.copytree(WUHAN, folder)
    macro = pd.read_csv(folder / "macro.csv")
    macro.loc[macro["year"] == 2023, "gdp_100m_cny"] = 21000.0  # 4.9 % above the bulletin's 20011.65
    macro.to_csv(folder / "macro.csv", index=False)
    targets = pd.read_csv(folder / "calibration_targets.csv")
    targets[targets["check"] == "gdp_base_year"].to_csv(folder / "calibration_targets.csv", index=False)  # skip the model
    result = runner.invoke(app, ["inputs", str(folder), "--check"])
    assert result.exit_code == 2, result.output
    assert "FAIL" in result.output
    assert "gdp_base_year: GDP 2023 = 21,000.0 10^8 CNY is outside the accepted range" in result.output
    assert "Traceback" not in result.output


def test_inputs_unknown_data_set_exits_2(tmp_path):
    result = runner.invoke(app, ["inputs", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "input folder not found" in result.output


def test_units_from_column_names():
    assert column_unit("capacity_fee_cny_per_kw_yr") == "CNY/(kW·yr)"
    assert column_unit("co2_kg_per_kwh") == "kg CO2/kWh"
    assert column_unit("new_floor_area_mm2_per_yr") == "million m²/yr"
    assert column_unit("heat_rate_kgce_per_kwh") == "kgce/kWh"
    assert column_unit("max_rate_per_yr", ["measure", "unit", "max_rate_per_yr"]) == "see unit column, per yr"
    assert column_unit("cf_pv_utility") == "capacity factor"
    assert column_unit("existing") == ""
