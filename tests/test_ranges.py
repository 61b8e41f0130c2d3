"""Ranges of estimated values (``ranges.csv``): every estimate has one, values lie inside their own.

The expected ranges are worked out by hand from ``ranges.csv`` and the tables.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import WUHAN

from simulator.errors import DataError
from simulator.intake.inputs import load_inputs


@pytest.fixture(scope="module")
def cells() -> pd.DataFrame:
    return load_inputs(WUHAN).estimate_ranges()


def cell(cells: pd.DataFrame, table: str, row_id: str, column: str) -> pd.Series:
    """The one range row of a cell."""
    (i,) = cells.index[(cells["table"] == table) & (cells["row_id"] == row_id) & (cells["column"] == column)]
    return cells.loc[i]


def bounds(cells: pd.DataFrame, table: str, row_id: str, column: str) -> tuple[float, float]:
    r = cell(cells, table, row_id, column)
    return float(r["low"]), float(r["high"])


@pytest.fixture
def wuhan_copy(tmp_path):
    folder = tmp_path / "wuhan"
    shutil.copytree(WUHAN, folder)
    return folder


def test_every_estimated_value_lies_inside_its_range(cells):
    assert len(cells) > 500
    assert ((cells["low"] <= cells["value"]) & (cells["value"] <= cells["high"])).all()


def test_ranges_by_source_column_and_cell(cells):
    # source range est-wuhan-crude-processed 0.79-1.0: 8.0 Mt → 6.32-8.0 (not above the 8 Mt/yr capacity)
    assert bounds(cells, "petrochemicals_activity", "2023", "crude_processed_mt") == pytest.approx((6.32, 8.0))
    # absolute range of one cell: wind 0.18 GW in 0.12-0.18 (the 2025 plan caps it)
    wind = cell(cells, "generators", "wind", "capacity_gw")
    assert (wind["low"], wind["high"], wind["how"]) == (0.12, 0.18, "absolute")
    # column range availability 0.9-1.1: coal 0.85 → 0.765-0.935; wind 1.0 → 0.9-1.1, capped at 1 (a fraction)
    assert bounds(cells, "generators", "coal_chp", "availability") == pytest.approx((0.765, 0.935))
    assert bounds(cells, "generators", "wind", "availability") == pytest.approx((0.9, 1.0))
    # the widest source range of a row: buildings residential cites floor area (0.8-1.2) and energy (0.8-1.2)
    assert bounds(cells, "buildings_stock", "residential", "floor_area_mm2") == pytest.approx((480.0, 720.0))
    # a negative value keeps low ≤ high: −0.0015 TWh per thousand cars × 0.8-1.2 → −0.0018 … −0.0012
    assert bounds(cells, "technologies_transport", "ev_private_car", "saving_electricity") == pytest.approx((-0.0018, -0.0012))
    # years and flags are not ranged; found figures are not in the table (macro 2024 rests on the bulletin)
    assert "first_year" not in set(cells["column"])
    assert not ((cells["table"] == "macro") & (cells["row_id"] == "2024")).any()


def test_an_estimate_without_a_range_is_refused_with_file_and_row(wuhan_copy):
    ranges = pd.read_csv(wuhan_copy / "ranges.csv")
    ranges[ranges["source"] != "est-wisco-output"].to_csv(wuhan_copy / "ranges.csv", index=False)
    with pytest.raises(DataError) as err:
        load_inputs(wuhan_copy)
    problems = err.value.problems
    assert len(problems) == 4  # the four years of steel_activity.csv
    first = problems[0]
    assert first.where == f"{wuhan_copy / 'steel_activity.csv'}:row 1 (line 2)"
    assert first.field == "crude_steel_mt"
    assert "an estimate without a range (source est-wisco-output)" in first.what


def test_a_value_outside_its_own_range_is_refused(wuhan_copy):
    gen = pd.read_csv(wuhan_copy / "generators.csv")
    gen.loc[gen["plant"] == "wind", "capacity_gw"] = 0.25  # above the 2025 plan's 0.18
    gen.to_csv(wuhan_copy / "generators.csv", index=False)
    with pytest.raises(DataError) as err:
        load_inputs(wuhan_copy)
    (problem,) = err.value.problems
    assert problem.where == f"{wuhan_copy / 'generators.csv'}:row 5 (line 6)"
    assert problem.field == "capacity_gw"
    assert "value 0.25 outside its own range 0.12-0.18" in problem.what


def test_a_bad_range_row_is_refused_with_its_line(wuhan_copy):
    path = wuhan_copy / "ranges.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + 'relative,est-wisco-output,,,,1.1,1.3,"does not contain the value"\n', encoding="utf-8")
    n = len(text.splitlines())  # header + rows: the new row is row n, line n + 1
    with pytest.raises(DataError) as err:
        load_inputs(wuhan_copy)
    problems = err.value.problems  # the bad multipliers, and a second range for a source that has one
    assert [p.where for p in problems] == [f"{path}:row {n} (line {n + 1})"] * 2
    assert any("does not contain 1" in p.what for p in problems)
    first = 2 + list(pd.read_csv(WUHAN / "ranges.csv")["source"]).index("est-wisco-output")
    assert any(p.what == f"a second relative range for source est-wisco-output (the first is on line {first})" for p in problems)


def test_a_repeated_cell_range_is_refused_with_both_lines(wuhan_copy):
    """The fuzzer's duplicated ranges.csv row solved as if nothing happened: two ranges for one cell are ambiguous."""
    path = wuhan_copy / "ranges.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    ranges = pd.read_csv(path).fillna("")
    k = next(i for i, r in enumerate(ranges.itertuples()) if r.table and r.row)  # the first range on one cell
    path.write_text("".join(lines) + lines[k + 1], encoding="utf-8")  # that row again, as the last line
    n = len(lines)  # header + rows: the copy is row n, line n + 1
    with pytest.raises(DataError) as err:
        load_inputs(wuhan_copy)
    (problem,) = err.value.problems
    r = ranges.iloc[k]
    assert problem.where == f"{path}:row {n} (line {n + 1})"
    assert problem.what == f"a second {r['kind']} range for {r['table']}.csv {r['row']} {r['column']} (the first is on line {k + 2})"


def test_a_data_set_without_ranges_declares_none(tmp_path):
    (tmp_path / "sources.csv").write_text(
        "id,title,publisher,year,address,confidence,note\nest,Our guess,this project,2026,,estimate,a guess\n"
    )
    (tmp_path / "t.csv").write_text("item,a_gw,source\nx,1,est\n")
    inputs = load_inputs(tmp_path)
    assert inputs.ranges is None and inputs.estimate_ranges().empty


def test_a_row_citing_several_estimates_takes_the_widest_source_range():
    """A hand-made table: row r1 cites est-a (0.9-1.1) and est-b (0.5-1.5) → est-b, 10 → 5-15; r2 cites a found
    source only → not ranged; r3 has no value → no cell; r4 cites est-a with spaces around → 2 → 1.8-2.2."""
    from pathlib import Path

    from simulator.intake.inputs import estimate_ranges

    sources = pd.DataFrame({"id": ["est-a", "est-b", "found-c"], "confidence": ["estimate", "estimate", "high"]})
    ranges = pd.DataFrame(
        {
            "kind": ["relative", "relative"],
            "source": ["est-a", "est-b"],
            "table": ["", ""],
            "row": ["", ""],
            "column": ["", ""],
            "low": [0.9, 0.5],
            "high": [1.1, 1.5],
            "basis": ["a", "b"],
        }
    )
    table = pd.DataFrame(
        {"id": ["r1", "r2", "r3", "r4"], "x": [10.0, 4.0, None, 2.0], "source": ["est-a;est-b", "found-c", "est-a", " est-a "]}
    )
    cells, problems = estimate_ranges(Path("/data"), {"t": table}, sources, ranges)
    assert problems == []
    assert cells[["row_id", "row", "column", "value", "how"]].values.tolist() == [
        ["r1", 0, "x", 10.0, "relative est-b"],
        ["r4", 3, "x", 2.0, "relative est-a"],
    ]
    assert cells["low"].tolist() == pytest.approx([5.0, 1.8]) and cells["high"].tolist() == pytest.approx([15.0, 2.2])
