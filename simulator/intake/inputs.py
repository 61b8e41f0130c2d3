"""Read the CSV tables of ``inputs/<dataset>/``, check provenance → :class:`Inputs`.

Rules every data set follows:

* ``sources.csv`` (and any ``sources_<topic>.csv`` beside it, read as one
  table) has columns ``id, title, publisher, year, address, confidence,
  note``; confidence is ``official``, ``secondary`` or
  ``estimate`` (an estimate says in ``note`` how it was made).
* Every other table with a numeric column has a ``source`` column; each row
  names one or more source ids (separated by ``;``) that resolve to a row of
  ``sources.csv``. A missing or unknown id is an input error naming the file
  and the row.
* Units live in column names (``capacity_gw``, ``capex_cny_per_w``); the
  first column of a table is its row id (used by scenario ``overrides``).

Every problem of a data set is collected and reported together.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import DataError, Problem
from simulator.intake import physical

SOURCE_COLUMNS = ["id", "title", "publisher", "year", "address", "confidence", "note"]
CONFIDENCE = ("official", "secondary", "estimate")  # strongest first
KEY_COLUMNS = ("year", "hour", "month", "day_of_year", "hour_of_day")  # keys, not sourced values


@dataclass
class Inputs:
    """All tables of one data set, with the SHA-256 of every file read."""

    dataset: str
    root: Path
    tables: dict[str, pd.DataFrame]
    sources: pd.DataFrame
    file_hashes: dict[str, str] = field(default_factory=dict)
    overridden: list[str] = field(default_factory=list)

    def table(self, name: str, required: list[str] | None = None) -> pd.DataFrame:
        """Table ``name`` (file stem); refuses a missing table or columns."""
        if name not in self.tables:
            raise DataError(
                problems=[Problem(str(self.root / f"{name}.csv"), "", "table not found", f"a CSV file {name}.csv in {self.root}")]
            )
        frame = self.tables[name]
        missing = [c for c in required or [] if c not in frame.columns]
        if missing:
            raise DataError(
                problems=[
                    Problem(
                        str(self.root / f"{name}.csv"),
                        ", ".join(missing),
                        "missing column" + ("s" if len(missing) > 1 else ""),
                        "columns " + ", ".join(required),
                    )
                ]
            )
        return frame

    def where(self, name: str, row: int | None = None) -> str:
        """``file:row N (line L)`` of a table row (row numbers start at 1)."""
        path = self.root / f"{name}.csv"
        return str(path) if row is None else f"{path}:row {row + 1} (line {row + 2})"

    def check(self, name: str, condition: pd.Series, column: str, what: str, expected: str) -> None:
        """Raise a DataError naming every row where ``condition`` is False."""
        bad = np.flatnonzero(~condition.to_numpy(dtype=bool))
        if len(bad):
            frame = self.tables[name]
            raise DataError(
                problems=[Problem(self.where(name, i), column, f"{what} (got {_plain(frame[column].iloc[i])!r})", expected) for i in bad]
            )

    def check_nonnegative(self, name: str, columns: list[str], allow_empty: bool = False) -> None:
        """Raise one DataError naming every row of every column that is not a number ≥ 0.

        Text that is not a number is refused too; ``allow_empty`` accepts empty cells.
        """
        frame = self.tables[name]
        problems = []
        expected = "a non-negative number" + (", or empty" if allow_empty else "")
        for column in columns:
            values = pd.to_numeric(frame[column], errors="coerce")
            ok = (values >= 0) | (frame[column].isna() if allow_empty else False)
            for i in np.flatnonzero(~ok.to_numpy(dtype=bool)):
                problems.append(
                    Problem(self.where(name, i), column, f"must be a number ≥ 0 (got {_plain(frame[column].iloc[i])!r})", expected)
                )
        if problems:
            raise DataError(problems=problems)

    def confidence_counts(self, name: str) -> dict[str, int]:
        """How many numeric values of a table rest on each confidence level.

        Key columns (the first column, ``year`` and the calendar columns of the
        hourly profiles) are not values. A row naming several sources (``a;b``)
        counts at the weakest confidence among them (an unknown id as estimate).
        """
        frame = self.tables[name]
        numeric = frame.drop(columns=[frame.columns[0], *KEY_COLUMNS], errors="ignore").select_dtypes("number")
        counts = dict.fromkeys(CONFIDENCE, 0)
        if "source" not in frame or numeric.empty:
            return counts
        per_row = numeric.notna().sum(axis=1)
        rank = self.sources.set_index("id")["confidence"].map({c: i for i, c in enumerate(CONFIDENCE)})
        ids = frame["source"].fillna("").astype(str).str.split(";").explode().str.strip()
        weakest = ids.map(rank).fillna(len(CONFIDENCE) - 1).groupby(level=0).max().astype(int)
        totals = per_row.groupby(weakest).sum()
        counts.update({CONFIDENCE[i]: int(n) for i, n in totals.items()})
        return counts


def _plain(value):
    """A numpy scalar as the Python value a user wrote (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _layout_problems(path: Path, raw: bytes) -> list[Problem]:
    """Problems a CSV reader would misplace: bytes that are not UTF-8, rows with more or fewer fields than the header.

    Located by line (1 = the header), so that one stray comma is reported once, on its own line.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return [
            Problem(
                f"{path}:{line}:{column}",
                "",
                f"byte 0x{raw[exc.start]:02x} is not UTF-8 text",
                "a file saved as UTF-8 (in a spreadsheet: 'CSV UTF-8'; from GBK: iconv -f GBK -t UTF-8)",
            )
        ]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return [Problem(str(path), "", "the file is empty", "a comma-separated table with a header row")]
    problems = []
    for fields in reader:
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue  # blank line
        if len(fields) != len(header):
            more = "more" if len(fields) > len(header) else "fewer"
            problems.append(
                Problem(
                    f"{path}:{reader.line_num}",
                    "",
                    f"{len(fields)} fields, {more} than the header's {len(header)}",
                    f"{len(header)} comma-separated fields ({', '.join(header)}); quote a value that holds a comma",
                )
            )
    return problems


def _read_csv(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    found = _layout_problems(path, path.read_bytes())
    if found:
        problems.extend(found)
        return None
    try:
        return pd.read_csv(path, comment=None, skipinitialspace=True, keep_default_na=True, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), "", f"cannot be read as CSV: {exc}", "a comma-separated table with a header row"))
        return None


def _check_sources(path: Path, sources: pd.DataFrame, problems: list[Problem]) -> None:
    missing = [c for c in SOURCE_COLUMNS if c not in sources.columns]
    if missing:
        problems.append(Problem(str(path), ", ".join(missing), "missing columns", "columns " + ", ".join(SOURCE_COLUMNS)))
        return
    for i, row in sources.iterrows():
        where = f"{path}:row {i + 1} (line {i + 2})"
        if not isinstance(row["id"], str) or not row["id"].strip():
            problems.append(Problem(where, "id", "empty source id", "a short id such as nbs-2023"))
        if row["confidence"] not in CONFIDENCE:
            problems.append(
                Problem(where, "confidence", f"'{row['confidence']}' is not a confidence level", "official, secondary or estimate")
            )
        if row["confidence"] == "estimate" and not (isinstance(row["note"], str) and row["note"].strip()):
            problems.append(Problem(where, "note", "an estimate without a note", "how the estimate was made"))
        if not (isinstance(row["title"], str) and row["title"].strip()):
            problems.append(Problem(where, "title", "empty title", "the title of the source"))
    dup = sources["id"][sources["id"].duplicated()]
    for i in dup.index:
        problems.append(Problem(f"{path}:row {i + 1} (line {i + 2})", "id", f"duplicate source id '{sources['id'][i]}'", "unique ids"))


def _check_table_sources(path: Path, frame: pd.DataFrame, known: set[str], problems: list[Problem]) -> None:
    numeric = [c for c in frame.columns if c != "source" and pd.api.types.is_numeric_dtype(frame[c])]
    if not numeric:
        return
    if "source" not in frame.columns:
        problems.append(
            Problem(str(path), "source", "numeric table without a source column", "a `source` column naming ids of sources.csv")
        )
        return
    ids = frame["source"].fillna("").astype(str)
    for value in ids.unique():
        parts = [p.strip() for p in value.split(";") if p.strip()]
        bad = [p for p in parts if p not in known]
        if parts and not bad:
            continue
        rows = np.flatnonzero(ids.to_numpy() == value)
        what = "missing source id" if not parts else f"unknown source id '{bad[0]}'"
        for i in rows[:20]:
            problems.append(Problem(f"{path}:row {i + 1} (line {i + 2})", "source", what, "an id listed in sources.csv"))
        if len(rows) > 20:
            problems.append(Problem(str(path), "source", f"... and {len(rows) - 20} more rows with the same problem"))


def load_inputs(root: str | Path) -> Inputs:
    """Read every CSV under ``root`` and check provenance. Raises DataError."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(problems=[Problem(str(root), "dataset", "input folder not found", "a folder inputs/<dataset>/ with CSV tables")])
    problems: list[Problem] = []
    source_path = root / "sources.csv"
    if not source_path.is_file():
        raise DataError(
            problems=[Problem(str(source_path), "", "sources.csv not found", "a sources table with columns " + ", ".join(SOURCE_COLUMNS))]
        )
    source_paths = [source_path, *sorted(root.glob("sources_*.csv"))]
    frames, hashes = [], {}
    for path in source_paths:
        hashes[path.name] = _sha256(path)
        frame = _read_csv(path, problems)
        if frame is not None:
            _check_sources(path, frame, problems)
            frames.append(frame.assign(file=path.name))
    if problems:
        raise DataError(problems=problems)
    sources = pd.concat(frames, ignore_index=True)
    dup = sources[sources["id"].duplicated(keep="first")]
    for _, row in dup.iterrows():
        problems.append(
            Problem(str(root / row["file"]), "id", f"source id '{row['id']}' is defined in more than one sources file", "unique ids")
        )
    known = set(sources["id"].dropna().astype(str))
    tables: dict[str, pd.DataFrame] = {}
    for path in sorted(root.glob("*.csv")):
        if path.name == "sources.csv" or path.name.startswith("sources_"):
            continue
        hashes[path.name] = _sha256(path)
        frame = _read_csv(path, problems)
        if frame is None:
            continue
        _check_table_sources(path, frame, known, problems)
        tables[path.stem] = frame
    problems += physical.check_tables(root, tables)
    if problems:
        problems.sort(key=lambda p: p.where.split(":")[0])  # all problems of a file together
        raise DataError(problems=problems)
    return Inputs(dataset=root.name, root=root, tables=tables, sources=sources, file_hashes=hashes)


def apply_overrides(inputs: Inputs, overrides: dict, where) -> Inputs:
    """Apply scenario ``overrides`` (table → row id → column → value) to a copy.

    ``where(loc)`` gives the scenario location of an override for messages.
    The row id is the value in the table's first column.
    """
    if not overrides:
        return inputs
    problems: list[Problem] = []
    tables = dict(inputs.tables)
    applied = []
    for table, rows in overrides.items():
        loc = ("overrides", table)
        if table not in tables:
            problems.append(
                Problem(where(loc), f"overrides.{table}", f"unknown input table '{table}'", "one of: " + ", ".join(sorted(tables)))
            )
            continue
        frame = tables[table].copy()
        key = frame.columns[0]
        ids = frame[key].astype(str)
        for row_id, columns in rows.items():
            row_loc = loc + (row_id,)
            match = np.flatnonzero(ids.to_numpy() == str(row_id))
            if len(match) == 0:
                problems.append(
                    Problem(
                        where(row_loc),
                        f"overrides.{table}.{row_id}",
                        f"no row with {key} = {row_id}",
                        f"one of: {', '.join(ids.unique()[:30])}",
                    )
                )
                continue
            for column, value in columns.items():
                if column == key or column == "source" or column not in frame.columns or not pd.api.types.is_numeric_dtype(frame[column]):
                    numeric = [c for c in frame.columns if c not in (key, "source") and pd.api.types.is_numeric_dtype(frame[c])]
                    problems.append(
                        Problem(
                            where(row_loc + (column,)),
                            f"overrides.{table}.{row_id}.{column}",
                            f"'{column}' is not a numeric column of {table}.csv",
                            "one of: " + ", ".join(numeric),
                        )
                    )
                    continue
                known = frame[column].dropna()
                if value < 0 and len(known) and (known >= 0).all():
                    problems.append(
                        Problem(
                            where(row_loc + (column,)),
                            f"overrides.{table}.{row_id}.{column}",
                            f"negative value {value:g} for a quantity that is never negative in {table}.csv",
                            "a value ≥ 0",
                        )
                    )
                    continue
                wrong = physical.value_problem(column, float(value))
                if wrong:
                    problems.append(
                        Problem(where(row_loc + (column,)), f"overrides.{table}.{row_id}.{column}", wrong, "a physically possible value")
                    )
                    continue
                frame.loc[match, column] = float(value)
                applied.append(f"{table}.{row_id}.{column}={value}")
        tables[table] = frame
    if problems:
        raise DataError(problems=problems)
    return replace(inputs, tables=tables, overridden=inputs.overridden + applied)
