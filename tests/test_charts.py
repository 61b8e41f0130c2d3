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

    out = tmp_path_factory.mktemp("out")
    base = pipeline.prepare(REPO / "scenarios" / "baseline.yaml", {"time": {"days": 2}})
    runs.write_run(pipeline.run(base), out, command=["test"])  # the baseline the report compares with
    prepared = pipeline.prepare(REPO / "scenarios" / "reference.yaml", {"time": {"days": 2}})
    outcome = pipeline.run(prepared)
    notes: list[str] = []
    return runs.write_run(outcome, out, command=["test"], extra_writers=cli._writers("en", notes))


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
        assert any(u in " ".join(labels) for u in ("GW", "TWh", "Mtce", "CNY", "%", "Mt CO2")), name
        plt.close(fig)


def test_lang_zh_uses_a_cjk_font_or_falls_back():
    used, font, notes = charts.resolve_lang("zh")
    if font is None:
        assert used == "en" and notes and "CJK" in notes[0]
    else:
        assert used == "zh" and not notes
    assert charts.Labels("zh")("pv_utility") == "集中式光伏"


def _text(html: str) -> str:
    """The visible text of an HTML page (no style, no tags, no embedded images)."""
    import re

    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


def test_report_is_self_contained_and_cites_its_manifest(run_folder):
    import hashlib

    html = (run_folder / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 6
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert hashlib.sha256((run_folder / "manifest.json").read_bytes()).hexdigest() in html
    text = _text(html)
    assert "光伏发电总装机达到120万千瓦" in text  # the clause's own words
    assert "scenario choice" in text  # the green-power share has no number in the policy
    assert html.count("<h2>1 ") == 1 and "scorecard.png" not in html  # the targets once


def test_report_first_paragraph_is_the_difference_to_the_baseline(run_folder):
    import re

    html = (run_folder / "report.html").read_text(encoding="utf-8")
    lead = _text(re.search(r"<p class='lead'>(.*?)</p>", html, flags=re.S).group(1))
    base = sorted((run_folder.parent.parent / "baseline").glob("[0-9]*"))[-1]
    c0, c1 = (pd.read_csv(f / "costs.csv") for f in (base, run_folder))
    e0, e1 = (pd.read_csv(f / "emissions.csv") for f in (base, run_folder))
    d_pv = (c1["value_mcny"] * c1["discount_factor"]).sum() - (c0["value_mcny"] * c0["discount_factor"]).sum()
    y = e0["year"].max()
    cut = e0.loc[e0["year"] == y, "value_mtco2"].sum() - e1.loc[e1["year"] == y, "value_mtco2"].sum()
    assert f"{d_pv:,.0f} M CNY of present-value cost" in lead, lead
    assert f"cuts {cut:.2f} Mt CO2 in {y}" in lead, lead
    card = pd.read_csv(run_folder / "scorecard.csv")
    assert "Targets that bind:" in lead and "steel energy intensity" in lead  # steel-intensity has a shadow price > 0
    assert card.loc[card["id"] == "steel-intensity", "shadow_price"].iloc[0] > 0
    assert "Limits the plan sits on:" in lead


def test_zh_report_has_no_english_label(run_folder):
    import re

    from simulator.results import i18n, report

    tables = {p.stem: pd.read_csv(p) for p in run_folder.glob("*.csv")}
    html = report.render_report(tables, "reference", "an English description", {}, {"版本": "x"}, lang="zh", caveat="数据")
    text = _text(html)
    found = [en for en in i18n.english_labels() if re.search(rf"(?<![A-Za-z]){re.escape(en)}(?![A-Za-z])", text)]
    assert not found, found
    assert "光伏装机" in text and "参考情景" in text and "<html lang='zh-CN'>" in html


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


#: measured in the page by Chromium (a copy of the report with this script; the report itself has none)
_PROBE = """<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const texts = [...document.querySelectorAll('p,td,th,li,h1,h2,figcaption')];
  const sizes = texts.map(e => parseFloat(getComputedStyle(e).fontSize));
  const r = {
    images: imgs.length,
    broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
    min_font_px: Math.min(...sizes),
    overflow_px: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    min_image_scale: Math.min(...imgs.map(i => i.clientWidth / i.naturalWidth * 150 / 96)),
  };
  document.body.setAttribute('data-probe', JSON.stringify(r));
});
</script>"""


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt-get install -y chromium)")
def test_report_text_size_overflow_and_images_in_chromium(run_folder, tmp_path):
    import html as html_mod
    import json
    import re

    page = tmp_path / "probe.html"
    page.write_text((run_folder / "report.html").read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1440,900",
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ]
    dom = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120).stdout
    probe = json.loads(html_mod.unescape(re.search(r'data-probe="([^"]*)"', dom).group(1)))
    assert probe["images"] >= 6 and probe["broken"] == 0  # every image loads
    assert probe["min_font_px"] >= 12  # body text at least 12 px
    assert probe["overflow_px"] <= 0  # nothing wider than the window
    # charts shown at ≥ 75 % of their drawn size: 8.5 pt chart text stays ≥ 6.4 pt (it was about 4.5 pt)
    assert probe["min_image_scale"] >= 0.75, probe


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


def test_dispatch_chart_days_heaviest_in_season_then_closest_to_mid_season():
    """Representative days: the heaviest summer day (here day 200, 30 days' weight) and winter day (day 20,
    20 days); a full year, every day weighing 24 h, gives mid-July (day 196) and mid-January (day 15)
    instead of the first day of each season; a year without summer days gives the day nearest day 196."""
    days = [20, 100, 160, 200, 340]
    weights = [20, 200, 5, 30, 10]
    clustered = pd.DataFrame({"day_of_year": days, "weight_h": [24.0 * w for w in weights]})
    assert charts.representative_days(clustered) == {"summer day": 200, "winter day": 20}
    full_year = pd.DataFrame({"day_of_year": range(1, 366), "weight_h": 24.0})
    assert charts.representative_days(full_year) == {"summer day": 196, "winter day": 15}
    no_summer = pd.DataFrame({"day_of_year": [10, 100, 300], "weight_h": 24.0})
    assert charts.representative_days(no_summer) == {"summer day": 100, "winter day": 10}
