"""Shared fixtures: the repository, the Wuhan data set, small scenario files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WUHAN = REPO / "inputs" / "wuhan"
SCENARIOS = REPO / "scenarios"


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def scenario_dir(tmp_path) -> Path:
    """An empty ``scenarios`` folder in a temporary directory."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    return folder


def write_scenario(folder: Path, name: str, data: dict | str) -> Path:
    """Write a scenario file (a mapping is dumped as YAML, a string written as is)."""
    path = folder / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def small_wuhan(days: int = 2, **extra) -> dict:
    """A Wuhan power-only scenario mapping on few representative days."""
    data = {
        "name": "small",
        "dataset": str(WUHAN),
        "years": {"base": 2023, "start": 2024, "end": 2026},
        "time": {"days": days},
        "sectors": {"power": {}},
        "targets": [],
    }
    data.update(extra)
    return data


def green_share_power_scenario(name: str) -> str:
    """The head of a power-only Wuhan scenario, 2024–2026 at 2 days, with one target: 10 % green power in 2026
    (the sweep tests append their ``sweep:`` section)."""
    return f"""\
name: {name}
dataset: {WUHAN}
years: {{base: 2023, start: 2024, end: 2026}}
time: {{days: 2}}
sectors:
  power: {{}}
targets:
  - id: green-power-share
    indicator: power.green_share
    year: 2026
    value: 10.0
    unit: "%"
"""


def two_hand_slices(profiles: dict):
    """Two hand-made hourly slices of one representative day, 4,380 h each (noon, midnight), cyclic: ``profiles`` by column."""
    import numpy as np
    import pandas as pd

    from simulator.model.timeslices import TimeSlices

    return TimeSlices(
        weight=np.array([4380.0, 4380.0]),
        period=np.array([0, 0]),
        next_slice=np.array([1, 0]),
        hour_of_day=np.array([12, 0]),
        day_of_year=np.array([1, 1]),
        period_days=np.array([182.5]),
        profiles=pd.DataFrame(profiles),
        label="2 hand-made slices",
    )


def pytest_collection_modifyitems(config, items):
    """Under mutmut (``MUTANT_UNDER_TEST`` names a mutant) run the fastest tests first.

    mutmut runs the tests that reach a mutant's function with ``-x``: a mutant is killed by the first
    test that fails, so ordering by the durations mutmut measured (``mutmut-stats.json`` in the
    ``mutants/`` copy it runs in) kills most mutants with their cheapest test. The set of tests and
    the verdicts are unchanged; outside mutmut nothing is reordered.
    """
    if not os.environ.get("MUTANT_UNDER_TEST", "").startswith("simulator."):
        return
    stats = Path("mutmut-stats.json")
    if not stats.exists():
        return
    duration = json.loads(stats.read_text())["duration_by_test"]
    items.sort(key=lambda item: duration.get(item.nodeid, float("inf")))
