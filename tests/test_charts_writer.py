"""The run folder's charts rendered by two processes: the same files as one process, a dead renderer's charts made again."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from simulator.results.charts import CHART_NAMES
from simulator.runs import charts_writer, pipeline

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="needs fork")


@pytest.fixture(scope="module")
def outcome():
    return pipeline.run(pipeline.prepare(REPO / "scenarios" / "reference.yaml", {"time": {"days": 2}}))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "charts").iterdir())}


@pytest.fixture(scope="module")
def alone(outcome, tmp_path_factory) -> tuple[dict[str, bytes], list[str]]:
    folder = tmp_path_factory.mktemp("alone")
    notes = charts_writer.start_run_charts(outcome, folder, fork=False)()
    return _files(folder), notes


def test_one_process_writes_every_chart_once(alone):
    files, notes = alone
    # 9 charts × (PNG, SVG); the 2-day reference run has data for all of them
    assert sorted(files) == sorted(f"{n}.{ext}" for n in CHART_NAMES for ext in ("png", "svg"))
    assert notes == []


def test_two_renderers_write_the_same_files(outcome, tmp_path, alone):
    finish = charts_writer.start_run_charts(outcome, tmp_path, fork=True)
    assert finish() == []
    assert _files(tmp_path) == alone[0]


def test_a_dead_renderer_s_charts_are_made_by_this_process(outcome, tmp_path, alone, monkeypatch):
    def die(job, counter, order):  # takes two charts, writes a broken file for the first, and dies
        claim = charts_writer._counter_claim(counter, order)
        first, _ = claim(), claim()
        (job[4]).mkdir(parents=True, exist_ok=True)
        (job[4] / f"{first}.png").write_bytes(b"half")
        os._exit(3)

    monkeypatch.setattr(charts_writer, "_child", die)
    finish = charts_writer.start_run_charts(outcome, tmp_path, fork=True)
    assert finish() == []
    assert _files(tmp_path) == alone[0]


def test_cancel_stops_the_renderer(outcome, tmp_path, monkeypatch):
    def wait_forever(job, counter, order):
        import time

        time.sleep(600)

    monkeypatch.setattr(charts_writer, "_child", wait_forever)
    finish = charts_writer.start_run_charts(outcome, tmp_path, fork=True)
    finish.cancel()  # returns only once the renderer has ended
    assert not (tmp_path / "charts").exists() or not any((tmp_path / "charts").iterdir())


def test_every_chart_rendered_slowest_first_and_a_new_one_first_of_all(monkeypatch):
    assert sorted(charts_writer.render_order()) == sorted(CHART_NAMES)
    assert charts_writer.render_order()[:2] == ("scorecard", "capacity")  # 1.10 and 0.94 CPU-s, the two slowest
    monkeypatch.setattr("simulator.results.charts.CHART_NAMES", (*CHART_NAMES, "new_chart"))
    assert charts_writer.render_order()[0] == "new_chart"  # not timed yet: taken first, never left out


def test_absent_data_noted_once(outcome, tmp_path):
    tables = {**outcome.tables, "measures": outcome.tables["measures"].iloc[0:0]}
    tables.pop("measure_catalogue")
    fake = SimpleNamespace(tables=tables, prepared=outcome.prepared)
    notes = charts_writer.start_run_charts(fake, tmp_path, fork=True)()
    assert notes == ["chart 'macc' skipped: its data is absent from this run"]
    assert not (tmp_path / "charts" / "macc.png").exists() and (tmp_path / "charts" / "scorecard.png").exists()
