"""Charts, report.html and the run-folder writers on a 2-day reference run; Chromium screenshot when installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from simulator.results import charts
from simulator.runs import pipeline
from simulator.runs import run_folder as runs

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    import cli

    prepared = pipeline.prepare(REPO / "scenarios" / "reference.yaml", {"time": {"days": 2}})
    outcome = pipeline.run(prepared)
    notes: list[str] = []
    return runs.write_run(outcome, tmp_path_factory.mktemp("out"), command=["test"], extra_writers=cli._writers("en", notes))


def test_every_chart_written_as_png_and_svg(run_folder):
    names = {"capacity", "supply_mix", "dispatch", "energy_use", "scorecard", "costs"}
    for name in names:
        assert (run_folder / "charts" / f"{name}.png").stat().st_size > 10_000
        assert (run_folder / "charts" / f"{name}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_colours_fixed_across_calls():
    assert charts.colour("pv_utility") == charts.COLOURS["pv_utility"]
    assert charts.colour("new_technology_x") == charts.colour("new_technology_x")  # hash-based, stable
    assert charts.colour("steel:fuel") != charts.colour("buildings:fuel")


def test_absent_data_is_skipped_with_a_note(run_folder):
    tables = {p.stem: pd.read_csv(p) for p in run_folder.glob("*.csv")}
    tables["measures"] = tables["measures"].iloc[0:0]
    tables.pop("measure_catalogue", None)
    out = charts.make_charts(tables, "t")
    assert "macc" not in out.figures
    assert any("macc" in n for n in out.notes)
    for fig in out.figures.values():
        plt.close(fig)


def test_macc_adopted_part_is_the_saving_of_measures_csv():
    # catalogue: A can save (10 − 2) units × 0.05 Mtce/unit = 0.4 Mtce/yr at 300 CNY/tce;
    # B (40 − 0) × 0.01 = 0.4 Mtce/yr at 900 CNY/tce. measures.csv: in the last year A saves 0.15 Mtce/yr
    # (3 units beyond the existing 2), B saves nothing; an earlier year must not count.
    cat = pd.DataFrame(
        {
            "sector": ["steel", "transport"],
            "measure": ["A", "B"],
            "existing": [2.0, 0.0],
            "potential": [10.0, 40.0],
            "saving_mtce_per_unit_yr": [0.05, 0.01],
            "remaining_potential_saving_mtce_per_yr": [0.4, 0.4],
            "net_cost_cny_per_tce": [300.0, 900.0],
        }
    )
    m = pd.DataFrame(
        {
            "year": [2025, 2025, 2026, 2026],
            "sector": ["steel", "transport"] * 2,
            "measure": ["A", "B"] * 2,
            "saving_total_mtce_per_yr": [0.05, 0.0, 0.15, 0.0],
        }
    )
    frame = charts.macc_frame(m, cat)
    assert list(frame["measure"]) == ["A", "B"]
    assert list(frame["adopted"]) == pytest.approx([0.15, 0.0])
    assert list(frame["potential"]) == pytest.approx([0.4, 0.4])
    fig = charts.plot_macc(m, "t", catalogue=cat)
    ax = fig.axes[0]
    filled = [p for p in ax.patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0) and p.get_width() > 0]
    # the filled bar of A is 0.15 Mtce/yr wide (measures.csv), not A's whole 0.4
    assert [round(p.get_width(), 9) for p in filled] == [0.15]
    assert ax.get_xlim()[1] == pytest.approx(0.8 * 1.02)
    assert "CNY/tce" in ax.get_ylabel() and "cost curve" in fig._suptitle.get_text().lower()
    plt.close(fig)


def test_macc_of_the_run_matches_measures_csv(run_folder):
    tables = {p.stem: pd.read_csv(p) for p in run_folder.glob("*.csv")}
    frame = charts.macc_frame(tables["measures"], tables["measure_catalogue"]).set_index("measure")
    m = tables["measures"]
    last = m[m["year"] == m["year"].max()].groupby("measure")["saving_total_mtce_per_yr"].sum()
    for measure, row in frame.iterrows():
        assert row["adopted"] == pytest.approx(min(last.get(measure, 0.0), row["potential"]), abs=1e-9), measure


def test_year_labels_thinned_by_rule():
    assert charts.year_step(3, 12) == 1
    assert charts.year_step(13, 12) == 2  # 13 labels > 12
    assert charts.year_step(37, 12) == 5  # 8 labels: 2024, 2029, ..., 2059
    assert charts.year_step(37, 6) == 10
    assert list(charts.labelled(5, 3)) == [True, False, True, False, True]  # step 2: 3 labels


def test_existing_and_new_split():
    # PV: 0.5 GW standing in the base year; 0.1 GW built in 2024, 0.2 GW in 2025
    cap = pd.DataFrame(
        {
            "year": [2024, 2025, 2024, 2025],
            "variable": ["capacity", "capacity", "new_build", "new_build"],
            "technology": ["pv_utility"] * 4,
            "unit": ["GW"] * 4,
            "value": [0.6, 0.8, 0.1, 0.2],
        }
    )
    split = charts.existing_and_new(cap).set_index("year")
    assert split.loc[2024, "existing"] == pytest.approx(0.5) and split.loc[2024, "new"] == pytest.approx(0.1)
    assert split.loc[2025, "existing"] == pytest.approx(0.5) and split.loc[2025, "new"] == pytest.approx(0.3)


def test_scorecard_in_clause_order():
    card = pd.DataFrame({"clause": ["II.5.4", "II.5.10", "II.5.2", "", "II.5.2"], "id": list("abcde")})
    assert list(charts.in_clause_order(card)["id"]) == ["c", "e", "a", "b", "d"]


def test_costs_in_at_most_six_named_parts(run_folder):
    costs = pd.read_csv(run_folder / "costs.csv")
    wide = charts.cost_parts(costs)
    assert 1 <= wide.shape[1] <= 6 and set(wide.columns) <= set(charts.COST_PARTS)
    # the parts add up to the whole cost of each year
    assert wide.sum(axis=1).to_numpy() == pytest.approx(costs.groupby("year")["value_mcny"].sum().to_numpy())
    fig = charts.plot_costs(costs, "reference")
    assert len(fig.axes[0].get_legend().get_texts()) == wide.shape[1]
    plt.close(fig)


def test_axes_have_units_and_titles_name_scenario(run_folder):
    tables = {p.stem: pd.read_csv(p) for p in run_folder.glob("*.csv")}
    out = charts.make_charts(tables, "reference")
    for name, fig in out.figures.items():
        title = fig._suptitle.get_text()
        assert "reference" in title, name
        labels = [a.get_ylabel() + a.get_xlabel() for a in fig.axes if a.get_visible()]
        assert any(u in " ".join(labels) for u in ("GW", "TWh", "Mtce", "CNY", "%")), name
        plt.close(fig)


def test_lang_zh_uses_a_cjk_font_or_falls_back():
    used, font, notes = charts.resolve_lang("zh")
    if font is None:
        assert used == "en" and notes and "CJK" in notes[0]
    else:
        assert used == "zh" and not notes
    assert charts.Labels("zh")("pv_utility") == "集中式光伏"


def test_report_is_self_contained(run_folder):
    html = (run_folder / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 6
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert "pv-capacity" in html


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt-get install -y chromium)")
def test_report_renders_in_headless_chromium(run_folder, tmp_path):
    shot = tmp_path / "report.png"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,4000",
        f"--screenshot={shot}",
        (run_folder / "report.html").as_uri(),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 4000)
    colours = img.resize((64, 200)).getcolors(64 * 200)
    assert colours is not None and len(colours) > 20  # charts drawn, not a blank page


def _overlaps(texts) -> list[tuple[str, str]]:
    boxes = [(t.get_text(), t.get_window_extent()) for t in texts if t.get_visible() and t.get_text().strip()]
    hits = []
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1 :]:
            if ba.overlaps(bb) and ba.intersection(ba, bb).width > 1 and ba.intersection(ba, bb).height > 1:
                hits.append((a, b))
    return hits


@pytest.fixture(scope="module")
def tables_2060() -> dict:
    prepared = pipeline.prepare(REPO / "scenarios" / "examples" / "reference-2060.yaml", {"time": {"days": 2}})
    assert len(prepared.scenario.years) == 37
    return pipeline.run(prepared).tables


def test_37_year_charts_have_no_overlapping_labels(tables_2060):
    out = charts.make_charts(tables_2060, "reference-2060", base_year=2023)
    assert {"capacity", "supply_mix", "energy_use", "costs"} <= set(out.figures)
    for name, fig in out.figures.items():
        fig.canvas.draw()
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            assert not _overlaps(ax.get_xticklabels()), (name, ax.get_title(), _overlaps(ax.get_xticklabels())[:3])
            assert not _overlaps(ax.get_yticklabels()), (name, ax.get_title())
            assert not _overlaps(ax.texts), (name, ax.get_title(), _overlaps(ax.texts)[:3])
        plt.close(fig)
