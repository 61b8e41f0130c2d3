"""`transim reproduce` and `transim bundle`: an untouched run reproduces; a changed
input is named by file; an edited result is named by table; a bundle carries
its own inputs to another folder.

Each test solves the reference scenario on 4 representative days (about 2 s)
against its own copy of the Wuhan data set, so editing an input never touches
the repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import app
from simulator.intake.scenario import load_scenario
from simulator.runs import pipeline
from simulator.runs import run_folder as runs
from simulator.runs.bundle import make_bundle, unpack
from simulator.runs.reproduce import OBJECTIVE_RTOL, VALUE_ATOL, VALUE_RTOL, check_inputs, compare_frames, reproduce

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _run(tmp: Path) -> tuple[Path, Path]:
    """Copy the data set, write the resolved reference (4 days) pointing at it, solve; return (run folder, data set)."""
    dataset = tmp / "data" / "wuhan"
    shutil.copytree(REPO / "inputs" / "wuhan", dataset)
    resolved = load_scenario(REPO / "scenarios" / "reference.yaml", {"time": {"days": 4, "hours": None}}).resolved
    resolved["dataset"] = str(dataset)
    scen = tmp / "scen" / "reference.yaml"
    scen.parent.mkdir()
    scen.write_text(yaml.safe_dump(resolved, sort_keys=True, allow_unicode=True), encoding="utf-8")
    prepared = pipeline.prepare(scen)
    outcome = pipeline.run(prepared)
    return runs.write_run(outcome, tmp / "out", command=["test"]), dataset


@pytest.fixture
def recorded(tmp_path):
    return _run(tmp_path)


def _bump_value(path: Path, row_id: str | None = None) -> None:
    """Multiply the second field of one data row (the first, or the one whose id is ``row_id``) by 1.01."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = 1 if row_id is None else next(n for n, line in enumerate(lines) if line.startswith(f"{row_id},"))
    fields = lines[i].split(",")
    fields[1] = repr(float(fields[1]) * 1.01)
    lines[i] = ",".join(fields)
    path.write_text("".join(lines), encoding="utf-8")


def test_untouched_run_reproduces(recorded):
    run_dir, _ = recorded
    report = reproduce(run_dir)
    assert report.ok, "\n".join(report.lines())
    assert report.inputs and all(c.status == "unchanged" for c in report.inputs)
    names = {t.name for t in report.tables}
    assert {"capacity", "dispatch", "costs", "scorecard", "indicators"} <= names
    # same process, same inputs, same code: the tables are byte-identical
    assert all(t.status == "identical" for t in report.tables), [(t.name, t.status) for t in report.tables]
    assert report.objective_now == report.objective_recorded
    result = runner.invoke(app, ["reproduce", str(run_dir)])
    assert result.exit_code == 0, result.output
    assert "verdict: REPRODUCED" in result.output


def test_changed_input_is_named(recorded):
    run_dir, dataset = recorded
    _bump_value(dataset / "electricity_demand.csv", "2024")  # city electricity demand +1 % in 2024, a planning year
    report = reproduce(run_dir)
    assert not report.ok
    changed = [c.file for c in report.inputs if not c.ok]
    assert changed == ["electricity_demand.csv"]
    result = runner.invoke(app, ["reproduce", str(run_dir)])
    assert result.exit_code == 4
    assert "CHANGED   electricity_demand.csv" in result.output
    assert "electricity_demand.csv (changed)" in result.output  # in the reasons, too
    # more demand moves the plan: the objective no longer matches
    assert not report.objective_ok


def test_missing_and_added_inputs_are_named(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "c.csv").write_text("x\n3\n")
    import hashlib

    recorded = {"a.csv": hashlib.sha256(b"x\n1\n").hexdigest(), "b.csv": "0" * 64}
    status = {c.file: c.status for c in check_inputs(tmp_path, recorded)}
    assert status == {"a.csv": "unchanged", "b.csv": "MISSING", "c.csv": "ADDED"}


def test_edited_result_is_named(recorded):
    run_dir, _ = recorded
    path = run_dir / "costs.csv"
    lines = path.read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    col = header.index("value_mcny")
    fields = lines[1].rstrip("\n").split(",")
    fields[col] = repr(float(fields[col]) + 1.0)  # 1 M CNY more: far outside 1e-6 + 1e-6·|v|
    lines[1] = ",".join(fields) + "\n"
    path.write_text("".join(lines))
    report = reproduce(run_dir)
    assert not report.ok
    bad = {t.name: t for t in report.tables if not t.ok}
    assert list(bad) == ["costs"]
    assert bad["costs"].status == "DIFFERENT" and bad["costs"].n_outside == 1
    assert bad["costs"].max_abs == pytest.approx(1.0, rel=1e-6)
    assert "edited after the run" in bad["costs"].message
    result = runner.invoke(app, ["reproduce", str(run_dir)])
    assert result.exit_code == 4
    assert "costs (different)" in result.output


def test_edit_within_tolerance_is_still_caught_by_the_manifest_hash(recorded):
    run_dir, _ = recorded
    path = run_dir / "scorecard.csv"
    text = path.read_text()
    path.write_text(text + "\n")  # a blank line: same values, different bytes
    report = reproduce(run_dir)
    verdict = next(t for t in report.tables if t.name == "scorecard")
    assert verdict.status == "EDITED"
    assert not report.ok


def test_bundle_reproduces_in_another_folder(recorded, tmp_path):
    run_dir, dataset = recorded
    archive = make_bundle(run_dir, tmp_path / "bundle" / "reference.tar.gz")
    assert make_bundle(run_dir, tmp_path / "bundle" / "again.tar.gz").read_bytes() == archive.read_bytes()  # deterministic
    shutil.rmtree(dataset)  # the original data set is gone: only the bundle's copy remains
    shutil.rmtree(run_dir)
    folder = unpack(archive, tmp_path / "elsewhere")
    assert (folder / "inputs" / "wuhan" / "electricity_demand.csv").is_file()
    report = reproduce(folder)
    assert report.ok, "\n".join(report.lines())
    assert report.inputs_root == str(folder / "inputs" / "wuhan")
    result = runner.invoke(app, ["reproduce", str(archive)])  # the archive itself, unpacked to a temporary folder
    assert result.exit_code == 0, result.output


def test_bundle_refuses_changed_inputs(recorded, tmp_path):
    run_dir, dataset = recorded
    _bump_value(dataset / "generators.csv")
    result = runner.invoke(app, ["bundle", str(run_dir), "--out", str(tmp_path / "b.tar.gz")])
    assert result.exit_code == 4
    assert "generators.csv (changed)" in result.output
    assert not (tmp_path / "b.tar.gz").exists()


def test_compare_frames_tolerances():
    # tolerance on a value v: 1e-6 + 1e-6·|v|; for v = 1000 that is 1.001e-3
    assert (VALUE_ATOL, VALUE_RTOL, OBJECTIVE_RTOL) == (1e-6, 1e-6, 1e-6)
    rec = b"year,sector,value\n2024,power,1000\n2025,power,0\n"
    same = compare_frames("t", rec, rec)
    assert same.status == "identical"
    inside = compare_frames("t", rec, b"year,sector,value\n2024,power,1000.001\n2025,power,0.0000009\n")
    assert inside.status == "within tolerance"
    assert inside.max_abs == pytest.approx(1e-3)
    outside = compare_frames("t", rec, b"year,sector,value\n2024,power,1000.0011\n2025,power,0\n")
    assert outside.status == "DIFFERENT" and outside.n_outside == 1
    assert outside.worst[0].row == "sector=power year=2024" and outside.worst[0].column == "value"
    zero = compare_frames("t", rec, b"year,sector,value\n2024,power,1000\n2025,power,0.0000011\n")
    assert zero.status == "DIFFERENT"  # 1.1e-6 > 1e-6 + 1e-6·0
    text = compare_frames("t", rec, b"year,sector,value\n2024,grid,1000\n2025,power,0\n")
    assert text.status == "DIFFERENT" and text.worst[0].column == "sector"
    rows = compare_frames("t", rec, b"year,sector,value\n2024,power,1000\n")
    assert rows.status == "DIFFERENT" and "rows differ" in rows.message
