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


def test_macc_from_cost_and_saving_columns():
    # two measures: A saves 0.2 Mtce/yr at 300 CNY/tce (adopted), B 0.1 Mtce/yr at 900 CNY/tce (not adopted)
    m = pd.DataFrame(
        {
            "year": [2026, 2026],
            "sector": ["steel", "steel"],
            "measure": ["A", "B"],
            "unit": ["Mt", "Mt"],
            "adopted": [1.0, 0.0],
            "new": [1.0, 0.0],
            "saving_mtce": [0.2, 0.1],
            "cost_cny_per_tce": [300.0, 900.0],
        }
    )
    frame = charts._macc_frame(m, None)
    assert list(frame["measure"]) == ["A", "B"] and list(frame["adopted"]) == [True, False]
    fig = charts.plot_macc(m, "t")
    ax = fig.axes[0]
    assert ax.get_xlim()[1] == pytest.approx(0.3 * 1.02)  # widths add to 0.3 Mtce/yr
    assert "CNY per tce" in ax.get_ylabel()
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
