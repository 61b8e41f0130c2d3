"""transim compare: difference table, charts, and refusal of runs on other data or horizons."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import cli
from simulator.runs import pipeline
from simulator.runs import run_folder as runs

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("out")
    folders = []
    for name in ("baseline", "reference"):
        prepared = pipeline.prepare(REPO / "scenarios" / f"{name}.yaml", {"time": {"days": 2}})
        folders.append(runs.write_run(pipeline.run(prepared), out, command=["test"]))
    return folders[0], folders[1]


def test_compare_writes_table_and_charts(two_runs, tmp_path):
    base, ref = two_runs
    result = CliRunner().invoke(cli.app, ["compare", str(base), str(ref), "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "cmp" / "difference.csv")
    assert {"capacity", "cost", "cost (present value)", "emissions", "target value", "target shadow price"} <= set(table["category"])
    # the difference column is reference − baseline, row by row
    ok = table[["baseline", "reference"]].notna().all(axis=1)
    err = (table.loc[ok, "diff_reference"] - (table.loc[ok, "reference"] - table.loc[ok, "baseline"])).abs()
    scale = table.loc[ok, ["reference", "baseline"]].abs().max(axis=1).clip(lower=1.0)
    assert (err / scale).max() < 1e-7  # the CSV keeps 9 significant digits
    # present-value total = Σ value × discount factor of costs.csv
    costs = pd.read_csv(ref / "costs.csv")
    total = table[(table["category"] == "cost (present value)") & (table["item"] == "total")]["reference"].iloc[0]
    assert total == pytest.approx((costs["value_mcny"] * costs["discount_factor"]).sum(), rel=1e-7)
    for name in ("compare_capacity", "compare_costs", "compare_emissions", "compare_targets"):
        assert (tmp_path / "cmp" / "charts" / f"{name}.png").is_file()
        assert (tmp_path / "cmp" / "charts" / f"{name}.svg").is_file()


def _copy_with(folder: Path, tmp: Path, **changes) -> Path:
    dest = tmp / f"copy-{len(list(tmp.iterdir()))}"
    shutil.copytree(folder, dest)
    man = json.loads((dest / "manifest.json").read_text())
    for key, value in changes.items():
        if key == "input_sha256":
            man[key].update(value)
        else:
            man[key] = value
    (dest / "manifest.json").write_text(json.dumps(man))
    return dest


def test_other_horizon_or_data_refused(two_runs, tmp_path):
    base, ref = two_runs
    other_years = _copy_with(ref, tmp_path, years=[2024, 2025, 2026, 2027])
    result = CliRunner().invoke(cli.app, ["compare", str(base), str(other_years), "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "horizon" in result.output
    other_data = _copy_with(ref, tmp_path, input_sha256={"pv_classes.csv": "0" * 64})
    result = CliRunner().invoke(cli.app, ["compare", str(base), str(other_data), "--out", str(tmp_path / "y")])
    assert result.exit_code == 2 and "pv_classes.csv" in result.output
    other_set = _copy_with(ref, tmp_path, dataset="shanghai")
    result = CliRunner().invoke(cli.app, ["compare", str(base), str(other_set), "--out", str(tmp_path / "z")])
    assert result.exit_code == 2 and "data set" in result.output


def test_target_view_gives_a_run_without_targets_its_indicator_value(tmp_path):
    from simulator.results.compare import Run, target_view

    card = pd.DataFrame(
        [
            {
                "id": "steel-intensity",
                "clause": "II.5.1",
                "indicator": "steel.energy_intensity",
                "year": 2026,
                "sense": "<=",
                "target": 528.8,
                "value": 528.8,
                "unit": "kgce/t",
                "met": True,
                "margin": 0.0,
                "shadow_price": 7.4,
                "shadow_price_unit": "M CNY per kgce/t",
                "mode": "hard",
                "shortfall": 0.0,
            }
        ]
    )
    ind = pd.DataFrame([{"year": 2026, "indicator": "steel.energy_intensity", "unit": "kgce/t", "value": 531.6}])
    ref = Run("reference", tmp_path, {}, {"scorecard": card})
    base = Run("baseline", tmp_path, {}, {"scorecard": card.iloc[0:0], "indicators": ind})
    view = target_view([ref, base])
    assert view["reference"].loc["steel-intensity", "has_target"]
    row = view["baseline"].loc["steel-intensity"]
    assert not row["has_target"] and row["value"] == 531.6 and row["target"] == 528.8
    assert not row["met"]  # 531.6 > 528.8 for a "<=" target
    assert np.isnan(row["shadow_price"])


def test_headline_is_the_difference_of_the_two_runs_tables(two_runs, tmp_path):
    base, ref = two_runs
    result = CliRunner().invoke(cli.app, ["compare", str(base), str(ref), "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]  # the first line on stdout (progress goes to stderr)
    assert first.startswith("reference − baseline: ")
    c0, c1 = (pd.read_csv(f / "costs.csv") for f in (base, ref))
    e0, e1 = (pd.read_csv(f / "emissions.csv") for f in (base, ref))
    i0, i1 = (pd.read_csv(f / "indicators.csv") for f in (base, ref))
    d_pv = (c1["value_mcny"] * c1["discount_factor"]).sum() - (c0["value_mcny"] * c0["discount_factor"]).sum()
    y = e0["year"].max()
    d_co2 = e1.loc[e1["year"] == y, "value_mtco2"].sum() - e0.loc[e0["year"] == y, "value_mtco2"].sum()
    fe = lambda i: i.loc[(i["indicator"] == "city.final_energy") & (i["year"] == y), "value"].sum()  # noqa: E731
    from simulator.results import compare as compare_mod

    (head,) = compare_mod.headlines(compare_mod.load_runs([base, ref]))
    assert head.d_cost_pv_mcny == pytest.approx(d_pv, rel=1e-9)
    assert head.d_co2_mt == pytest.approx(d_co2, rel=1e-9)
    assert head.d_final_energy_mtce == pytest.approx(fe(i1) - fe(i0), rel=1e-9)
    card = pd.read_csv(ref / "scorecard.csv")
    assert head.n_targets == len(card) and head.targets_met == int(card["met"].sum())
    avoided = e0["value_mtco2"].sum() - e1["value_mtco2"].sum()
    assert head.cny_per_t_co2_avoided == pytest.approx(d_pv / avoided, rel=1e-9)  # M CNY / Mt = CNY/t
    # the printed line carries the same numbers, with the sign that reads naturally (a cut is negative)
    assert f"present-value cost {d_pv:+,.0f} M CNY" in first
    assert f"CO2 in {y} {d_co2:+.2f} Mt" in first
    table = pd.read_csv(tmp_path / "cmp" / "difference.csv")
    assert {"energy use", "measure saving", "measure adopted", "cost per t CO2 avoided"} <= set(table["category"])
    row = table[table["category"] == "cost per t CO2 avoided"].iloc[0]
    assert row["diff_reference"] == pytest.approx(d_pv / avoided, rel=1e-6)
    assert (tmp_path / "cmp" / "charts" / "compare_headline.png").is_file()
