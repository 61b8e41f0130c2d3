"""CLI exit codes through typer's CliRunner: 0 solved, 2 bad input, 3 infeasible."""

from __future__ import annotations

import json

from conftest import SCENARIOS, small_wuhan, write_scenario
from typer.testing import CliRunner

from cli import app

runner = CliRunner()


def test_no_arguments_prints_help():
    result = runner.invoke(app, [])
    assert "Usage" in result.output and "run" in result.output
    assert runner.invoke(app, ["-h"]).exit_code == 0


def test_run_reference_on_two_days_writes_a_complete_run(tmp_path):
    result = runner.invoke(app, ["run", str(SCENARIOS / "reference.yaml"), "--days", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "status: optimal" in result.output and "pv-capacity" in result.output
    # the three targets whose number the scenario chose say so; the policy's own do not
    lines = {line.split()[1]: line for line in result.output.splitlines() if line.startswith(("  met", "  MISSED"))}
    marked = {t for t, line in lines.items() if "[scenario's number" in line}
    assert marked == {"green-power-share", "new-energy-storage", "public-electrification"}
    (run,) = (tmp_path / "reference").iterdir()
    for name in ["manifest.json", "scenario.yaml", "scorecard.csv", "capacity.csv", "dispatch.csv", "costs.csv"]:
        assert (run / name).is_file(), name
    assert not list((tmp_path / "reference").glob(".*partial"))
    # the time slices are recorded as the scenario's defaults chose them: 2 days × 24 h
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["n_slices"] == 48
    assert (manifest["time_clustering"], manifest["time_representation"]) == ("hierarchical", "distribution")
    assert manifest["time_extreme_days"] == ["peak_load"]


def test_bad_field_exits_2_with_location(scenario_dir, tmp_path):
    path = write_scenario(
        scenario_dir, "bad.yaml", "name: bad\nyears: {base: 2023, start: 2024, end: 2026}\neconomics: {discount_rat: 0.05}\n"
    )
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{path}:3:13: economics.discount_rat: unknown key" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "bad").exists()


def test_validate_builds_without_solving(scenario_dir):
    path = write_scenario(scenario_dir, "ok.yaml", small_wuhan())
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_infeasible_target_exits_3_and_names_it(scenario_dir, tmp_path):
    target = {
        "id": "pv-capacity",
        "clause": "II.5.2",
        "indicator": "power.pv_capacity",
        "year": 2026,
        "value": 50.0,
        "unit": "GW",
        "sense": ">=",
    }
    path = write_scenario(scenario_dir, "impossible.yaml", small_wuhan(targets=[target]))
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 3, result.output
    assert "pv-capacity (II.5.2)" in result.output and "cannot be met" in result.output
    assert not (tmp_path / "small").exists()
    soft = runner.invoke(app, ["run", str(path), "--out", str(tmp_path), "--soft-targets"])
    assert soft.exit_code == 0, soft.output
    assert "MISSED" in soft.output


def test_bad_hours_option_is_a_usage_error(scenario_dir):
    path = write_scenario(scenario_dir, "ok.yaml", small_wuhan())
    result = runner.invoke(app, ["run", str(path), "--hours", "100"])
    assert result.exit_code == 2
