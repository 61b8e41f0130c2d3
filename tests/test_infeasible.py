"""The impossible example: exit 3, the IIS names pv-capacity with its clause and the PV potential, shortfall 0.2 GW."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from simulator.errors import InfeasibleError
from simulator.runs import pipeline

REPO = Path(__file__).resolve().parents[1]
IMPOSSIBLE = REPO / "scenarios" / "examples" / "impossible-pv.yaml"


def test_impossible_pv_explained():
    prepared = pipeline.prepare(IMPOSSIBLE, {"time": {"days": 2}})
    with pytest.raises(InfeasibleError) as info:
        pipeline.run(prepared)
    err = info.value
    text = str(err)
    # potentials entered: 0.15 + 0.65 + 0.10 + 0.10 = 1.0 GW; target 1.2 GW → shortfall 0.2 GW
    assert "pv-capacity (II.5.2): 1.2 GW by 2026 cannot be met: the PV potential entered totals 1 GW" in text
    assert "shortfall 0.2 GW" in text
    assert err.missed == ["pv-capacity"]
    conflict = err.conflicts[0]
    assert conflict.targets == ["pv-capacity"]
    names = {m.name for m in conflict.members}
    assert "targets.target_met[pv-capacity]" in names
    row = err.soft_scorecard.set_index("id").loc["pv-capacity"]
    assert row["shortfall"] == pytest.approx(0.2, abs=1e-6)
    assert row["value"] == pytest.approx(1.0, abs=1e-6)


def test_cli_exit_3_and_soft_targets_solve(tmp_path):
    result = CliRunner().invoke(cli.app, ["run", str(IMPOSSIBLE), "--days", "2", "--out", str(tmp_path)])
    assert result.exit_code == 3
    assert "pv-capacity (II.5.2)" in result.output
    result = CliRunner().invoke(cli.app, ["run", str(IMPOSSIBLE), "--days", "2", "--out", str(tmp_path), "--soft-targets"])
    assert result.exit_code == 0, result.output
    assert "MISSED pv-capacity" in result.output


def test_without_conflicts_the_all_soft_plan_explains_and_no_iis_is_searched(monkeypatch):
    """``conflicts=False`` (sweep variants): no IIS search; the all-soft plan names pv-capacity, 1.2 − 1.0 = 0.2 GW short."""
    from simulator.solve import diagnose

    def no_iis(*args, **kwargs):
        raise AssertionError("the IIS search ran")

    monkeypatch.setattr(diagnose, "explain", no_iis)
    prepared = pipeline.prepare(IMPOSSIBLE, {"time": {"days": 2}})
    with pytest.raises(InfeasibleError) as info:
        pipeline.run(prepared, conflicts=False)
    err = info.value
    assert err.missed == ["pv-capacity"]
    assert not hasattr(err, "conflicts")
    assert "pv-capacity (II.5.2)" in str(err) and "shortfall 0.2 GW" in str(err)
    row = err.soft_scorecard.set_index("id").loc["pv-capacity"]
    assert row["shortfall"] == pytest.approx(0.2, abs=1e-6)
    assert row["value"] == pytest.approx(1.0, abs=1e-6)
