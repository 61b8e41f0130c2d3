"""Physically impossible inputs: exit 2 at file:line before any clustering or build, no traceback.

Each case copies the Wuhan data set, breaks one thing by hand, and runs
``transim validate`` on a small scenario that points at the copy.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import WUHAN, small_wuhan, write_scenario
from typer.testing import CliRunner

from cli import app
from simulator.errors import DataError
from simulator.intake.inputs import load_inputs

runner = CliRunner()


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "inputs" / "wuhan"
    shutil.copytree(WUHAN, folder)
    return folder


def edit_line(path, line: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on line ``line`` (1 = header) of a text file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], (old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def set_cell(path, line: int, column: str, value: str) -> None:
    """Set ``column`` on line ``line`` (1 = header) of a CSV file without quoted commas."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = lines[0].split(",").index(column)
    cells = lines[line - 1].split(",")
    cells[index] = value
    lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


def validate(scenario_dir, data, *options):
    path = write_scenario(scenario_dir, "s.yaml", {**small_wuhan(), "dataset": str(data)})
    result = runner.invoke(app, ["validate", str(path), *options])
    assert "Traceback" not in result.output
    return result


def test_infinite_capacity_impossible_availability_and_duplicate_id_reported_together(scenario_dir, data):
    gen = data / "generators.csv"
    edit_line(gen, 2, "coal_chp,4.0,0.85", "coal_chp,inf,1.85")
    text = gen.read_text(encoding="utf-8").rstrip("\n").split("\n")
    gen.write_text("\n".join([*text, text[2]]) + "\n", encoding="utf-8")  # gas_ccgt again, as the last row
    result = validate(scenario_dir, data)
    assert result.exit_code == 2, result.output
    out = result.output
    assert f"{gen}:row 1 (line 2): capacity_gw: is not a finite number (got inf)" in out
    assert f"{gen}:row 1 (line 2): availability: outside the physical range [0, 1] (got 1.85)" in out
    last = len(text) + 1
    assert f"{gen}:row {last - 1} (line {last}): plant: duplicate id 'gas_ccgt' (first at line 3)" in out
    assert "3 problems found" in out


def test_heat_rate_above_full_efficiency_and_efficiency_above_one(data):
    edit_line(data / "generators.csv", 3, "0.220", "0.100")  # gas_ccgt: 0.100 kgce/kWh would be 123 % efficient
    set_cell(data / "storage.csv", 2, "charge_efficiency", "1.2")
    with pytest.raises(DataError) as err:
        load_inputs(data)
    text = str(err.value)
    assert "generators.csv:row 2 (line 3): heat_rate_kgce_per_kwh" in text and "more than 100 % efficient" in text
    assert "storage.csv:row 1 (line 2): charge_efficiency: outside the physical range [0, 1] (got 1.2)" in text


def test_capacity_beyond_plausibility_names_the_bound(data):
    edit_line(data / "pv_classes.csv", 2, "utility,0.15,0.45", "utility,0.15,4500")  # 4,500 GW: MW typed as GW
    with pytest.raises(DataError) as err:
        load_inputs(data)
    assert "pv_classes.csv:row 1 (line 2): potential_gw: outside the physical range [0, 500] (got 4500.0)" in str(err.value)


@pytest.mark.parametrize("days", [None, "8760"])
def test_profile_nan_and_out_of_range_values_located_before_clustering(scenario_dir, data, days):
    prof = data / "profiles_hourly.csv"
    lines = prof.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    col_pv, col_load = header.index("cf_pv_utility"), header.index("load_city")
    cells = lines[13].split(",")  # hour 12
    cells[col_pv] = ""  # a gap
    lines[13] = ",".join(cells)
    cells = lines[14].split(",")  # hour 13
    cells[col_pv] = "-0.5"
    cells[col_load] = "-1"
    lines[14] = ",".join(cells)
    cells = lines[15].split(",")
    cells[col_pv] = "50"
    lines[15] = ",".join(cells)
    prof.write_text("\n".join(lines), encoding="utf-8")
    result = validate(scenario_dir, data, *(["--hours", days] if days else []))
    assert result.exit_code == 2, result.output
    out = result.output
    assert f"{prof}:row 13 (line 14): cf_pv_utility: empty or not a number (got nan)" in out
    assert f"{prof}:row 14 (line 15): cf_pv_utility: outside the physical range (got -0.5)" in out
    assert f"{prof}:row 15 (line 16): cf_pv_utility: outside the physical range (got 50.0)" in out
    assert f"{prof}:row 14 (line 15): load_city: outside the physical range (got -1.0)" in out
    assert "clustering" not in out and "8760 hours" not in out  # found before the time slices


def test_truncated_profile_is_located(scenario_dir, data):
    prof = data / "profiles_hourly.csv"
    lines = prof.read_text(encoding="utf-8").rstrip("\n").split("\n")
    prof.write_text("\n".join(lines[:-24]) + "\n", encoding="utf-8")  # the last day missing
    result = validate(scenario_dir, data)
    assert result.exit_code == 2, result.output
    assert f"{prof}: 8736 rows of hours (8760 rows, one per hour of the year" in result.output


def test_empty_table_is_located_in_its_own_file(scenario_dir, data):
    pv = data / "pv_classes.csv"
    pv.write_text(pv.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")
    result = validate(scenario_dir, data)
    assert result.exit_code == 2, result.output
    assert f"{pv}: the table has a header but no rows (at least one row" in result.output
    assert "buildings_stock.csv" not in result.output


def test_one_extra_field_is_reported_once_on_its_line(scenario_dir, data):
    gen = data / "generators.csv"
    edit_line(gen, 4, ",est-wuhan-plants", ",extra,est-wuhan-plants")
    result = validate(scenario_dir, data)
    assert result.exit_code == 2, result.output
    assert "1 problem found" in result.output
    n = len(gen.read_text(encoding="utf-8").split("\n")[0].split(","))
    assert f"{gen}:4: {n + 1} fields, more than the header's {n}" in result.output
    assert "source id" not in result.output


def test_non_utf8_file_is_located_by_line(scenario_dir, data):
    gen = data / "generators.csv"
    raw = gen.read_bytes().split(b"\n")
    raw[2] = raw[2].replace(b"gas_ccgt", "燃气".encode("gbk"), 1)  # GBK C8 BC C6 F8: C8 BC happens to be UTF-8, C6 F8 is not
    gen.write_bytes(b"\n".join(raw))
    result = validate(scenario_dir, data)
    assert result.exit_code == 2, result.output
    assert f"{gen}:3:3: byte 0xc6 is not UTF-8 text" in result.output


def test_override_outside_physical_range_names_the_scenario_line(scenario_dir):
    text = (
        f"name: o\ndataset: {WUHAN}\nyears: {{base: 2023, start: 2024, end: 2026}}\ntime: {{days: 2}}\nsectors: {{power: {{}}}}\n"
        "overrides:\n  generators:\n    coal_chp: {availability: 1.5}\n"
    )
    path = write_scenario(scenario_dir, "o.yaml", text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:8:" in result.output and "1.5 is outside [0, 1]" in result.output


def test_reference_data_passes_every_physical_check():
    assert load_inputs(WUHAN).tables["profiles_hourly"].shape[0] == 8760


def test_parameter_table_value_is_bounded_by_the_unit_in_its_name(data):
    edit_line(data / "buildings_parameters.csv", 2, "new_roof_pv_extra_capex_cny_per_w,0.15,", "new_roof_pv_extra_capex_cny_per_w,-1,")
    with pytest.raises(DataError) as err:
        load_inputs(data)
    assert "buildings_parameters.csv:row 1 (line 2): value: new_roof_pv_extra_capex_cny_per_w outside [0, 100] (got -1)" in str(err.value)


def test_negative_energy_content_and_implausible_magnitude_found_by_fuzzing(data):
    set_cell(data / "carriers.csv", 2, "mtce_per_unit", "-1")  # electricity
    set_cell(data / "transport_activity.csv", 2, "activity", "1e308")
    with pytest.raises(DataError) as err:
        load_inputs(data)
    text = str(err.value)
    assert "carriers.csv:row 1 (line 2): mtce_per_unit: outside the physical range [0, 2] (got -1.0)" in text
    assert "transport_activity.csv:row 1 (line 2): activity: implausibly large (got 1e+308) (a magnitude below 1e+09)" in text


@pytest.mark.parametrize(
    ("table", "line", "column", "found_by"),
    [
        ("pv_classes", 4, "lifetime_yr", "the long fuzz: a ValueError in the build"),
        ("measures_buildings", 2, "first_year", "CI's input fuzz: an IntCastingNaNError"),
        ("steel_activity", 2, "year", "the long input fuzz: an IntCastingNaNError"),
        ("electricity_demand", 5, "demand_twh", "the random long fuzz: NaN reached the LP and HiGHS stopped ('Not Set')"),
    ],
)
def test_empty_required_number_is_located_not_a_crash(data, table, line, column, found_by):
    """Each case was found by a fuzz run (``found_by``) before the column was required; now an input error at file:row."""
    set_cell(data / f"{table}.csv", line, column, "")
    with pytest.raises(DataError) as err:
        load_inputs(data)
    expected = f"{table}.csv:row {line - 1} (line {line}): {column}: is empty (got nan) (a number in every row)"
    assert expected in str(err.value)
