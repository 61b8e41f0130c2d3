"""Inputs.derived: a sector's checked data kept between builds (sweep variants) and made again when a table it read changes.

Numbers by hand from inputs/wuhan/steel_intensity.csv: crude steel uses 425.0 kgce/t of coal and
55.0 kgce/t of coke, i.e. 0.425 and 0.055 Mtce per Mt of steel (× 1e-3).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import WUHAN

from simulator.intake.inputs import apply_overrides, load_inputs
from simulator.sectors import industry


def _coal(inputs) -> float:
    return float(industry.read_intensity(inputs, "steel_intensity", ["crude_steel"]).at["crude_steel", "coal"])


def test_a_table_edited_in_place_or_replaced_is_seen():
    """0.425 Mtce/Mt as read; 0.5 after the coal row is edited in place to 500 kgce/t; 0.45 from a scenario
    override of 450 kgce/t (a new table); 0.5 again on the edited inputs."""
    inputs = load_inputs(WUHAN)
    assert _coal(inputs) == pytest.approx(0.425, rel=1e-15)
    assert _coal(inputs) == pytest.approx(0.425, rel=1e-15)  # kept
    frame = inputs.tables["steel_intensity"]
    frame.loc[frame["id"] == "crude_steel.coal", "value"] = 500.0
    assert _coal(inputs) == pytest.approx(0.5, rel=1e-15)
    raised = apply_overrides(inputs, {"steel_intensity": {"crude_steel.coal": {"value": 450.0}}}, lambda loc: str(loc))
    assert _coal(raised) == pytest.approx(0.45, rel=1e-15)
    assert _coal(inputs) == pytest.approx(0.5, rel=1e-15)


def test_a_table_the_carriers_come_from_is_seen_too():
    """The intensity's carriers come from carriers.csv + carrier_prices.csv: a carrier renamed there ('coal' →
    'hard_coal', in both files) leaves steel's coal row unknown, a problem the kept result must not hide."""
    from simulator.errors import DataError

    inputs = load_inputs(WUHAN)
    assert _coal(inputs) == pytest.approx(0.425, rel=1e-15)
    for name in ("carriers", "carrier_prices"):
        table = inputs.tables[name].copy()
        table["carrier"] = table["carrier"].replace("coal", "hard_coal")
        inputs.tables[name] = table
    with pytest.raises(DataError, match="unknown carrier"):
        _coal(inputs)


def test_a_callers_edit_does_not_reach_the_kept_result_and_an_absent_table_counts():
    """Each call gets its own copy; a table looked for and absent is part of what is compared: 1 row without
    'extra', 2 once an 'extra' table with one row is added."""
    inputs = load_inputs(WUHAN)
    first = industry.read_intensity(inputs, "steel_intensity", ["crude_steel"])
    first.loc["crude_steel", "coal"] = -1.0
    assert _coal(inputs) == pytest.approx(0.425, rel=1e-15)

    def rows(inputs_) -> pd.DataFrame:
        extra = inputs_.tables.get("extra")
        return pd.concat([inputs_.tables["macro"].head(1), extra]) if extra is not None else inputs_.tables["macro"].head(1)

    assert len(inputs.derived(rows)) == 1
    inputs.tables["extra"] = inputs.tables["macro"].head(1)
    assert len(inputs.derived(rows)) == 2


def test_tables_hold_text_as_python_strings_with_missing_values_kept(tmp_path):
    """Text is read as pandas 2 reads it (``object``, Python ``str``), whatever the pandas version. A hand-made
    table: names 'a' and 'b', an empty note read as NaN, numbers 1.5 and 2 as floats; storage.csv likewise."""
    from simulator.intake.inputs import _read_csv

    path = tmp_path / "t.csv"
    path.write_text("name,note,value\na,first,1.5\nb,,2\n", encoding="utf-8")
    problems = []
    frame = _read_csv(path, problems)
    assert problems == []
    assert frame["name"].dtype == object and frame["name"].tolist() == ["a", "b"]
    assert type(frame["name"].iloc[0]) is str and type(frame.columns[0]) is str and frame.columns.dtype == object
    assert frame["note"].iloc[0] == "first" and pd.isna(frame["note"].iloc[1])
    assert frame["value"].dtype == float and frame["value"].tolist() == [1.5, 2.0]
    storage = load_inputs(WUHAN).tables["storage"]
    assert storage["technology"].tolist() == ["battery_lfp"] and storage["technology"].dtype == object
    assert not any(isinstance(storage[c].dtype, pd.StringDtype) for c in storage.columns)


def test_derived_values_compare_by_value_and_a_failing_remake_counts_as_changed():
    """_same_value, worked by hand: NaN equals NaN (floats and float arrays), 1 (int) is not 1.0 (float), an int64
    array is not its float64 copy, frames compare with their dtypes, containers item by item. A reading view that
    read steel's intensity through ``derived`` sees it unchanged under an unrelated override (the grid price), changed
    under a coal override (0.45 Mtce/Mt), and changed where remaking it fails (a coal row with an unknown unit)."""
    import numpy as np

    from simulator.intake.inputs import _same_value

    nan = float("nan")
    assert _same_value(nan, nan) and _same_value((1.0, nan), (1.0, nan))
    assert not _same_value(1, 1.0) and not _same_value(1.0, 1.0 + 1e-15)
    assert _same_value(np.array([1.0, nan]), np.array([1.0, nan]))
    assert not _same_value(np.array([1, 2]), np.array([1.0, 2.0]))
    frame = pd.DataFrame({"a": [1.0, nan], "b": ["x", None]})
    assert _same_value({"f": frame, "n": [1, 2]}, {"f": frame.copy(), "n": [1, 2]})
    assert not _same_value({"f": frame}, {"f": frame.astype({"a": "float32"})})
    assert not _same_value({"f": frame, "n": [1, 2]}, {"n": [1, 2], "f": frame})  # key order is part of the value

    inputs = load_inputs(WUHAN)
    view, read = inputs.reading()
    assert _coal(view) == pytest.approx(0.425, rel=1e-15)
    noted = read()
    assert "steel_intensity" not in noted and len(noted) == 1  # noted by value only

    def override(changes: dict):
        return apply_overrides(inputs, changes, lambda loc: str(loc))

    assert override({"imports": {"grid": {"price_cny_per_kwh": 0.6}}}).reads_unchanged(noted)
    assert not override({"steel_intensity": {"crude_steel.coal": {"value": 450.0}}}).reads_unchanged(noted)
    frames = dict(inputs.tables)
    frames["steel_intensity"] = frames["steel_intensity"].copy()
    frames["steel_intensity"].loc[frames["steel_intensity"]["id"] == "crude_steel.coal", "unit"] = "kWh/t"
    from dataclasses import replace

    assert not replace(inputs, tables=frames).reads_unchanged(noted)
