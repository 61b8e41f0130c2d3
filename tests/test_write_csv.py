"""The result tables' CSV writer writes the bytes pandas' ``to_csv`` writes (the published tables' hashes rest on them)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.results import tables
from simulator.results.tables import FLOAT_FORMAT, write_csv


def _pandas_bytes(frame: pd.DataFrame, path) -> bytes:
    frame.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return path.read_bytes()


def _edge_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": np.array([2024, 2025, 2026, -1, 0], dtype=np.int64),
            "flow": pd.array(["pv", "a,b", 'say "hi"', None, "光伏"], dtype="str"),
            "note": np.array(["line\nbreak", "", "cr\rhere", " space ", None], dtype=object),
            "value_gw": [1 / 3, -0.0, np.nan, np.inf, 1.23456789012e-300],
            "met": [True, False, True, True, False],
            "small": np.array([0.5, 2, 3, 4, 5], dtype=np.float32),
        }
    )


def test_edge_values_written_as_pandas_writes_them(tmp_path):
    frame = _edge_frame()
    write_csv(frame, tmp_path / "mine.csv")
    assert (tmp_path / "mine.csv").read_bytes() == _pandas_bytes(frame, tmp_path / "theirs.csv")
    text = (tmp_path / "mine.csv").read_bytes().decode("utf-8").split("\n")
    # by hand: 1/3 at 9 significant digits, -0.0 as "-0", NaN empty, quotes doubled inside quotes
    assert text[1] == '2024,pv,"line' and text[2] == 'break",0.333333333,True,0.5'
    assert text[3] == '2025,"a,b",,-0,False,2'
    assert text[4] == '2026,"say ""hi""",cr\rhere,,True,3'  # a lone carriage return is not quoted (csv module, lineterminator \n)


def test_chunks_and_repeated_values(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "CSV_CHUNK_ROWS", 3)  # 5 rows: chunks of 3 and 2
    frame = pd.concat([_edge_frame()] * 2, ignore_index=True)
    write_csv(frame, tmp_path / "mine.csv")
    assert (tmp_path / "mine.csv").read_bytes() == _pandas_bytes(frame, tmp_path / "theirs.csv")


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"only": [1.5, np.nan]}),  # one column: pandas quotes a lone empty field
        pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": [0.1, 0.2]}),  # nullable integers
        pd.DataFrame({"a": np.array([1.5, "x"], dtype=object), "b": [1, 2]}),  # mixed objects
        pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype="str")}),  # no rows
    ],
)
def test_other_kinds_left_to_pandas_give_the_same_bytes(tmp_path, frame):
    write_csv(frame, tmp_path / "mine.csv")
    assert (tmp_path / "mine.csv").read_bytes() == _pandas_bytes(frame, tmp_path / "theirs.csv")
