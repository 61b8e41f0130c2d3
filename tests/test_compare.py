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


def _english_labels_in(text: str) -> list[str]:
    """English texts of the translation table that appear in ``text`` as whole words (the zh report test's check)."""
    import re

    from simulator.results import i18n

    return sorted(en for en in i18n.english_labels() if re.search(rf"(?<![A-Za-z]){re.escape(en)}(?![A-Za-z])", text))


def _drawn_text(fig) -> str:
    """Every text a figure draws: titles, axis labels, tick labels, legends, annotations."""
    from matplotlib.text import Text

    return "\n".join(t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text())


def test_zh_compare_has_no_english_label_and_no_font_warning(two_runs, tmp_path, caplog):
    import io
    import logging
    import warnings

    import matplotlib.pyplot as plt

    from simulator.results import charts
    from simulator.results import compare as compare_mod
    from simulator.results.i18n import Labels

    used, font, _notes = charts.resolve_lang("zh")
    if used != "zh":
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    assert font == "Noto Sans CJK SC" or font.endswith(("SC", "CN"))  # a Simplified Chinese face
    base, ref = two_runs
    out = tmp_path / "cmp"
    result = CliRunner().invoke(cli.app, ["compare", str(base), str(ref), "--out", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    # the printed lines, file names aside (they stay English: compare_energy_use.png, difference.csv)
    printed = result.stdout.replace(str(out), "").replace("difference.csv", "")
    printed = printed.replace(", ".join(sorted(p.stem for p in (out / "charts").glob("*.png"))), "")
    assert not _english_labels_in(printed), _english_labels_in(printed)
    L = Labels("zh")
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{L('reference')} − {L('baseline')}：")  # 参考情景 − 基准情景（无目标）：
    (head,) = compare_mod.headlines(compare_mod.load_runs([base, ref]))
    assert f"总成本现值 {head.d_cost_pv_mcny:+,.0f} 百万元" in first  # the same number as in English
    assert f"{head.year}年CO2 {head.d_co2_mt:+.2f} 百万吨" in first
    # every chart: no English label, a title from the table, drawn without a font warning or a missing glyph
    caplog.set_level(logging.WARNING, logger="matplotlib.font_manager")
    chart_set = compare_mod.compare_charts(compare_mod.load_runs([base, ref]), "zh")
    assert chart_set.lang == "zh" and set(chart_set.figures) >= {"compare_capacity", "compare_costs", "compare_targets"}
    with warnings.catch_warnings(record=True) as caught, plt.rc_context(charts._rc(chart_set.font)):
        warnings.simplefilter("always")
        for name, fig in chart_set.figures.items():
            fig.savefig(io.BytesIO(), format="png")
            text = _drawn_text(fig)
            assert not _english_labels_in(text), (name, _english_labels_in(text))
            assert L("reference") in text and L("baseline") in text, name  # run names from the table
            plt.close(fig)
    assert not [str(w.message) for w in caught], [str(w.message) for w in caught]
    assert not [r.getMessage() for r in caplog.records if "findfont" in r.getMessage()]
    titles = {n: f._suptitle.get_text() for n, f in chart_set.figures.items()}
    y = head.year
    assert titles["compare_capacity"].startswith(L.fill("compare:capacity", year=y))
    assert titles["compare_targets"].startswith(L("compare:targets title"))
    axis = chart_set.figures["compare_costs"].axes[1].get_xlabel()
    assert axis == L.fill("compare:diff axis", unit="百万元", runs=L("reference"))  # the unit in words: 百万元
    labels = [t.get_text() for t in chart_set.figures["compare_targets"].axes[0].get_yticklabels()]
    assert L("steel-intensity") in labels and "steel-intensity" not in labels  # target names, not ids


@pytest.mark.parametrize("command", [["compare", "a", "b"], ["sweep", "s.yaml", "--out", "o"], ["run", "s.yaml"]])
def test_lang_other_than_en_or_zh_is_refused_by_every_command(command):
    result = CliRunner().invoke(cli.app, [*command, "--lang", "fr"])
    assert result.exit_code == 2 and "--lang takes en or zh" in result.output
