"""Command line: options blamed on themselves, --version, help texts, --out checked first, SIGTERM, concurrent runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import small_wuhan, write_scenario
from typer.testing import CliRunner

from cli import app

runner = CliRunner()
TRANSIM = [sys.executable, "-c", "from cli import main; main()"]
REPO = Path(__file__).resolve().parents[1]


def test_days_zero_is_blamed_on_the_option_not_the_scenario(scenario_dir):
    path = write_scenario(scenario_dir, "s.yaml", small_wuhan())
    result = runner.invoke(app, ["validate", str(path), "--days", "0"])
    assert result.exit_code == 2, result.output
    assert "command line option --days: time.days:" in result.output
    assert f"{path}:" not in result.output


def test_version():
    from simulator import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"transim {__version__}"


def test_help_texts_show_exit_codes_and_no_bool_placeholder():
    for command in ([], ["run"], ["validate"], ["reproduce"], ["sweep"]):
        result = runner.invoke(app, [*command, "--help"], terminal_width=200)
        assert result.exit_code == 0, result.output
        assert "<bool>" not in result.output.lower() and "BOOLEAN" not in result.output, result.output
        assert "Exit codes" in result.output and "143 terminated" in " ".join(result.output.split())


def test_out_that_is_a_file_is_refused_before_loading(scenario_dir, tmp_path):
    path = write_scenario(scenario_dir, "s.yaml", small_wuhan())
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = runner.invoke(app, ["run", str(path), "--out", str(blocker)])
    assert result.exit_code == 2, result.output
    assert f"command line option --out: out: {blocker} is a file, not a folder" in result.output
    assert "loading scenario" not in result.output


def _spawn(args, **kw):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([*TRANSIM, *args], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_two_concurrent_runs_into_one_out_both_complete(scenario_dir, tmp_path):
    path = write_scenario(scenario_dir, "s.yaml", small_wuhan())
    out = tmp_path / "out"
    procs = [_spawn(["run", str(path), "--out", str(out)]) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (_stdout, stderr) in zip(procs, results, strict=True):
        assert p.returncode == 0, stderr
    folders = sorted(d for d in (out / "small").iterdir())
    assert len(folders) == 2 and all(not d.name.startswith(".") for d in folders), folders
    objectives = {json.loads((d / "manifest.json").read_text())["objective_mcny"] for d in folders}
    assert len(objectives) == 1  # the same scenario: the same optimum, in two complete folders
    for d in folders:
        assert {"scorecard.csv", "dispatch.csv", "capacity.csv", "scenario.yaml"} <= {f.name for f in d.iterdir()}


def test_sigterm_exits_143_and_writes_nothing(scenario_dir, tmp_path):
    path = write_scenario(scenario_dir, "s.yaml", small_wuhan(days=6))
    out = tmp_path / "out"
    proc = _spawn(["run", str(path), "--out", str(out)])
    seen = ""
    deadline = time.monotonic() + 300
    while "time slices" not in seen and time.monotonic() < deadline:  # wait until the run is under way
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
    proc.send_signal(signal.SIGTERM)
    _, rest = proc.communicate(timeout=300)
    assert proc.returncode == 143, seen + rest
    assert "interrupted; nothing was written" in rest
    assert "Traceback" not in rest
    assert not (out / "small").exists() or not any((out / "small").iterdir())
