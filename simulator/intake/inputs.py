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
* ``ranges.csv`` (optional; when present every estimate needs a range) gives
  the plausible range of estimated values: ``relative`` rows give multipliers
  ``low``/``high`` of the values resting on an estimate source (``source``
  only), of one column (``table``, ``column``) or one cell (``table``, ``row``
  id, ``column``); ``absolute`` rows give ``low``/``high`` of one cell. The
  most specific applies. Each row says in ``basis`` how it was set.
  A value resting on an estimate without a range, or outside its own
  absolute range, is an input error naming the file and row
  (:func:`estimate_ranges`).

Every problem of a data set is collected and reported together.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import DataError, Problem, SimulatorError
from simulator.intake import physical

SOURCE_COLUMNS = ["id", "title", "publisher", "year", "address", "confidence", "note"]
CONFIDENCE = ("official", "secondary", "estimate")  # strongest first
KEY_COLUMNS = ("year", "hour", "month", "day_of_year", "hour_of_day")  # keys, not sourced values
RANGES_FILE = "ranges.csv"
RANGE_COLUMNS = ["kind", "source", "table", "row", "column", "low", "high", "basis"]
#: tables given no range: hourly profiles (made by a method, see sources_profiles.csv) and the
#: calibration targets (their own low/high columns are the tolerances)
UNRANGED_TABLES = ("profiles_hourly", "calibration_targets")
#: columns given no range: years, 0/1 flags and unit conversions are not quantities with an uncertainty
UNRANGED_COLUMNS = ("first_year", "retire_year", "existing_retire_year", "time_of_use", "green", "mtce_per_unit")
#: fractions: a relative range never takes them above 1
UNIT_INTERVAL_COLUMNS = ("availability", "charge_efficiency", "discharge_efficiency", "installable_roof_share", "renewable", "share")
#: tables that complete another (see :func:`split_of`): name or name prefix → (main table or its prefix, key, columns in both)
SPLIT_TABLES = {"carrier_prices": ("carriers", "carrier", ()), "technologies_": ("measures_", "measure", ("unit",))}


@dataclass
class Inputs:
    """All tables of one data set, with the SHA-256 of every file read."""

    dataset: str
    root: Path
    tables: dict[str, pd.DataFrame]
    sources: pd.DataFrame
    file_hashes: dict[str, str] = field(default_factory=dict)
    overridden: list[str] = field(default_factory=list)
    ranges: pd.DataFrame | None = None  # ranges.csv (None: the data set declares no ranges)
    #: what a build's view (:meth:`for_build`) keeps: part → (main frame, part frame, join) of :meth:`joined`,
    #: function → (its tables, frame) of :meth:`once_per_build`; None: not a build's view, nothing kept
    _joins: dict | None = field(default=None, init=False, repr=False, compare=False)

    def for_build(self) -> Inputs:
        """These inputs for one model build: the same tables, each :meth:`joined` table made once.

        A build reads the carriers' join about twenty times (every sector block,
        the objective); the view keeps each join it makes. A join is made again
        when either of its tables was replaced since (``tables[name] = frame``);
        tables are not to be edited in place during a build. The view lives as
        long as the build that asked for it: a later build gets a new one.
        """
        view = replace(self)
        view._joins = {}
        return view

    def reading(self) -> tuple[Inputs, Callable[..., dict]]:
        """(view, read): these inputs, and a function giving the tables read through the view so far.

        The view shares the tables and a build view's kept joins; every table
        looked at or looked for through it (``table``, ``joined``…) is noted,
        and every :meth:`derived` result by its value instead of the tables it
        was made from. ``read()`` gives name → that table's frame (None:
        looked for, absent; every table when the view's set was listed) and
        (``derived``, key) → (prepare, args, result) for each derived result;
        ``read(copies=True)`` a copy of each frame instead. Compared with a
        later set of tables (:meth:`reads_unchanged`), it tells whether what
        was made from the view would come out the same: the frames see tables
        replaced since (overrides and data samples replace the tables they
        change), the copies also tables edited in place, and a derived result
        is made again from the later tables and compared by value, so a read
        of one row or column of a table (the grid tariff of ``imports.csv``)
        stands while the table's other rows change.
        """
        seen = _SeenTables(self.tables)
        view = replace(self, tables=seen)
        view._joins = self._joins

        def read(copies: bool = False) -> dict:
            names = set(self.tables) if seen.all else seen.names
            frames = {name: self.tables.get(name) for name in names}
            out: dict = {name: f.copy(deep=True) if copies and f is not None else f for name, f in frames.items()}
            return {**out, **seen.values}

        return view, read

    def reads_unchanged(self, read: dict) -> bool:
        """True when every table in ``read`` (:meth:`reading`) is here as read: the same frame, or one with the same
        columns, dtypes and values."""
        for name, kept in read.items():
            if isinstance(name, tuple):  # a derived result, read by its value
                if not self._same_derived(*kept):
                    return False
                continue
            now = self.tables.get(name)
            if now is not kept and not _same_table(now, kept):
                return False
        return True

    def _same_derived(self, prepare, args: tuple, kept) -> bool:
        """True when :meth:`derived` ``(prepare, *args)`` on these tables equals ``kept``; False where it now fails."""
        try:
            now = self._kept_derived(prepare, args)
        except SimulatorError:
            return False
        return _same_value(now, kept)

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

    def joined(self, part: str) -> pd.DataFrame:
        """The table ``part`` completes (:func:`split_of`) with the value columns of ``part`` joined on the key.

        Rows in the order of the main table; the ``source`` and ``description``
        of ``part`` are left out (provenance stays with each file), columns in
        both tables (``unit``) are taken once. The ids were checked when the
        data set was read (:func:`split_problems`); checked again here for
        tables edited since.
        """
        main, key, shared = split_of(part)
        left, right = self.tables.get(main), self.tables.get(part)
        kept = None if self._joins is None else self._joins.get(part)
        if kept is not None and kept[0] is left and kept[1] is right:
            return kept[2].copy(deep=False)  # copy-on-write: a caller's edit does not reach the kept join
        problems = split_problems(self.root, self.tables, part)
        if problems:
            raise DataError(problems=problems)
        left, right = self.tables[main], self.tables[part]
        rows = pd.Series(np.arange(len(right)), index=right[key].astype(str)).reindex(left[key].astype(str)).to_numpy()
        added = right.drop(columns=[key, "source", "description", *shared], errors="ignore").iloc[rows].reset_index(drop=True)
        out = _plain_strings(pd.concat([left.reset_index(drop=True), added], axis=1))  # names as the tables it joins
        if self._joins is not None:
            self._joins[part] = (left, right, out)
            return out.copy(deep=False)
        return out

    def once_per_build(self, make, *names: str) -> pd.DataFrame:
        """``make(self)``, a frame made from the tables ``names``, made once in a build's view (:meth:`for_build`).

        Made again when one of those tables was replaced since; outside a
        build's view made every time. Each call gets its own (copy-on-write)
        copy of the frame.
        """
        if self._joins is None:
            return make(self)
        tables = tuple(self.tables.get(name) for name in names)
        kept = self._joins.get(make)
        if kept is None or len(kept[0]) != len(tables) or any(a is not b for a, b in zip(kept[0], tables, strict=True)):
            kept = (tables, make(self))
            self._joins[make] = kept
        return kept[1].copy(deep=False)

    def derived(self, prepare, *args):
        """``prepare(self, *args)``: data a sector reads and checks from these tables, made again only when they change.

        For a sweep, whose variants share most tables: the result is kept (one
        per ``prepare`` and arguments, in this process) with a copy of every
        table ``prepare`` looked at (or looked for, when absent); it is given
        again while each of those tables equals its copy (same columns, dtypes
        and values: ``DataFrame.equals``), whether the table was replaced or
        edited in place. Each call returns its own deep copy, so a caller's
        edit cannot reach the kept result. ``prepare`` reads the inputs only
        through ``tables`` (``table``, ``joined``, ``check``…); its problems
        are raised, never kept. ``args``: lists, tuples and plain values.
        """
        kept = self._kept_derived(prepare, args)
        if isinstance(self.tables, _SeenTables):  # a reading view notes the result, not the tables it comes from
            self.tables.values[("derived", _derived_key(self, prepare, args))] = (prepare, args, kept)
        return copy.deepcopy(kept)

    def _kept_derived(self, prepare, args: tuple):
        """The kept result of :meth:`derived` (made again if its tables changed): shared, never to be edited."""
        key = _derived_key(self, prepare, args)
        inputs = replace(self, tables=dict(dict.items(self.tables))) if isinstance(self.tables, _SeenTables) else self
        kept = _DERIVED.get(key)
        if kept is not None and inputs.reads_unchanged(kept[0]):
            return kept[1]
        view, read = inputs.reading()
        result = prepare(view, *args)
        _DERIVED[key] = (read(copies=True), copy.deepcopy(result))  # copies: a table edited in place is seen too
        return _DERIVED[key][1]

    def confidence_counts(self, name: str) -> dict[str, int]:
        """How many numeric values of a table rest on each confidence level.

        Key columns (the first column, ``year`` and the calendar columns of the
        hourly profiles) are not values. A row naming several sources (``a;b``)
        counts at the weakest confidence among them (an unknown id as estimate).
        """
        frame = self.tables[name]
        columns = value_columns(frame)
        counts = dict.fromkeys(CONFIDENCE, 0)
        if "source" not in frame or not columns:
            return counts
        totals = frame[columns].notna().sum(axis=1).groupby(self.row_confidence(name)).sum()
        counts.update({c: int(n) for c, n in totals.items()})
        return counts

    def row_confidence(self, name: str) -> pd.Series:
        """The confidence each row of a table rests on: the weakest of the sources it names (unknown: estimate)."""
        frame = self.tables[name]
        if "source" not in frame:
            return pd.Series(CONFIDENCE[-1], index=frame.index)
        rank = self.sources.set_index("id")["confidence"].map({c: i for i, c in enumerate(CONFIDENCE)})
        ids = frame["source"].fillna("").astype(str).str.split(";").explode().str.strip()
        weakest = ids.map(rank).fillna(len(CONFIDENCE) - 1).groupby(level=0).max().astype(int)
        return weakest.map(dict(enumerate(CONFIDENCE))).reindex(frame.index)

    def estimate_ranges(self) -> pd.DataFrame:
        """Every value resting on an estimate, with its plausible range (see :func:`estimate_ranges`)."""
        cells, _ = estimate_ranges(self.root, self.tables, self.sources, self.ranges)
        return cells


#: results of :meth:`Inputs.derived` in this process: key → (copies of the tables read, result)
_DERIVED: dict[tuple, tuple[dict, object]] = {}


class _SeenTables(dict):
    """The tables of an :class:`Inputs`, noting every name looked at or looked for (``all``: the whole set was read)."""

    def __init__(self, tables: dict):
        super().__init__(dict.items(tables))  # dict's own items: copying a _SeenTables is not a read of every table
        self.names: set[str] = set()
        self.all = False
        self.values: dict[tuple, tuple] = {}  # ("derived", key) → (prepare, args, result) of Inputs.derived

    def __getitem__(self, name):
        self.names.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.names.add(name)
        return super().get(name, default)

    def __contains__(self, name):
        self.names.add(name)
        return super().__contains__(name)

    def _reading_all(method):  # a dict method that reads the whole set: noted as such
        def read_all(self):
            self.all = True
            return method(self)

        return read_all

    __iter__ = _reading_all(dict.__iter__)
    keys = _reading_all(dict.keys)
    values = _reading_all(dict.values)
    items = _reading_all(dict.items)
    del _reading_all


def _frozen(value):
    """``value`` as a hashable key: lists and tuples as tuples, mappings as sorted item tuples."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((repr(k), _frozen(v)) for k, v in value.items()))
    hash(value)  # anything else must be hashable
    return value


def _same_table(frame: pd.DataFrame | None, kept: pd.DataFrame | None) -> bool:
    """True when ``frame`` equals the kept copy: both absent, or the same columns, index, dtypes and values."""
    if frame is None or kept is None:
        return frame is None and kept is None
    return (
        frame.shape == kept.shape
        and list(frame.columns) == list(kept.columns)
        and frame.dtypes.equals(kept.dtypes)
        and frame.index.equals(kept.index)
        and frame.equals(kept)
    )


def _derived_key(inputs: Inputs, prepare, args: tuple) -> tuple:
    return (prepare.__module__, prepare.__qualname__, str(inputs.root), _frozen(args))


def _same_value(a, b) -> bool:
    """True when two results of :meth:`Inputs.derived` are equal: frames and series as :func:`_same_table`
    (index, dtypes, values), arrays by shape, dtype and values (NaN equal to NaN), containers item by item."""
    if type(a) is not type(b):
        return False
    if isinstance(a, pd.DataFrame):
        return _same_table(a, b)
    if isinstance(a, pd.Series):
        return a.dtype == b.dtype and a.index.equals(b.index) and a.equals(b)
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b  # NaN
    return bool(a == b)


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


def _plain_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text columns and column names as Python strings (``object``), as pandas 2 reads them.

    pandas 3 reads text as its pyarrow-backed ``str`` dtype, whose single-item
    access costs several Python calls an item: ``frame[name]`` looks its
    column up in such an index of names, ``frame.at`` and iteration read
    such columns item by item. A 12-day build does this some 40,000 times.
    Values, missing values (NaN) and order are unchanged.
    """
    text = [c for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)]
    if text:
        frame[text] = frame[text].astype(object)
    frame.columns = pd.Index(list(frame.columns), dtype=object)
    return frame


def _read_csv(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    found = _layout_problems(path, path.read_bytes())
    if found:
        problems.extend(found)
        return None
    try:
        return _plain_strings(pd.read_csv(path, comment=None, skipinitialspace=True, keep_default_na=True, encoding="utf-8-sig"))
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


def split_of(name: str) -> tuple[str, str, tuple[str, ...]] | None:
    """``(main table, key, columns in both)`` of a table that completes another, or None.

    A table is split in two when its columns rest on different sources, so that
    each row's sources back every number in it: ``carrier_prices`` completes
    ``carriers`` (conversion and CO2 factors) with the prices;
    ``technologies_<sector>`` completes ``measures_<sector>`` (Wuhan's
    deployment: existing, potential, rate, first year) with the per-unit
    technology (lifetime, capex, opex, savings). A data set may keep such a
    table in one file (the part's columns in the main table, no part file).
    """
    for pattern, (main, key, shared) in SPLIT_TABLES.items():
        if not pattern.endswith("_") and name == pattern:
            return main, key, shared
        if pattern.endswith("_") and name.startswith(pattern) and name != pattern:
            return main + name[len(pattern) :], key, shared  # technologies_steel → measures_steel
    return None


def split_problems(root: Path, tables: dict, part: str) -> list[Problem]:
    """Problems joining table ``part`` to its main table, each in its own file and row.

    An id missing in the main table (located in ``part``) or in ``part``
    (located in the main table), a value column in both tables, a shared column
    (``unit``) that differs. Nothing when either table is absent or lacks the key
    (a sector needing them says so).
    """
    main, key, shared = split_of(part)
    left, right = tables.get(main), tables.get(part)
    if left is None or right is None or key not in left or key not in right:
        return []

    def where(name, i=None):
        return str(root / f"{name}.csv") if i is None else f"{root / name}.csv:row {i + 1} (line {i + 2})"

    problems = [
        Problem(where(part), c, f"column also in {main}.csv", f"each value column in one of {main}.csv and {part}.csv")
        for c in right.columns
        if c in left.columns and c not in (key, "source", "description", *shared)
    ]
    ids = {main: left[key].astype(str), part: right[key].astype(str)}
    for name, other in ((main, part), (part, main)):
        for i in np.flatnonzero(~ids[name].isin(ids[other]).to_numpy()):
            problems.append(
                Problem(
                    where(name, i),
                    key,
                    f"'{ids[name].iloc[i]}' has no row in {other}.csv",
                    f"a row with {key} = {ids[name].iloc[i]} in both {main}.csv and {part}.csv",
                )
            )
    if problems or ids[part].duplicated().any():
        return problems  # duplicate ids: refused by the physical checks
    rows = pd.Series(np.arange(len(right)), index=ids[part]).reindex(ids[main]).to_numpy()
    for column in (c for c in shared if c in left and c in right):
        here, there = left[column].astype(str).to_numpy(), right[column].astype(str).to_numpy()[rows]
        for i in np.flatnonzero(here != there):
            problems.append(
                Problem(
                    where(part, int(rows[i])),
                    column,
                    f"'{there[i]}' differs from {main}.csv row {i + 1} ('{here[i]}')",
                    f"the same {column} in both tables",
                )
            )
    return problems


def value_columns(frame: pd.DataFrame) -> list[str]:
    """The numeric value columns of a table (not its row id, keys or text)."""
    return list(frame.drop(columns=[frame.columns[0], *KEY_COLUMNS], errors="ignore").select_dtypes("number").columns)


def _read_ranges(path: Path, sources: pd.DataFrame, tables: dict, problems: list[Problem]) -> pd.DataFrame | None:
    """ranges.csv checked row by row: kinds, known sources/tables/rows/columns, low ≤ (1 ≤) high, a basis."""
    frame = _read_csv(path, problems)
    if frame is None:
        return None
    missing = [c for c in RANGE_COLUMNS if c not in frame.columns]
    if missing:
        problems.append(Problem(str(path), ", ".join(missing), "missing columns", "columns " + ", ".join(RANGE_COLUMNS)))
        return None
    known = set(sources["id"].dropna().astype(str))
    frame = frame.assign(
        low=pd.to_numeric(frame["low"], errors="coerce"),
        high=pd.to_numeric(frame["high"], errors="coerce"),
        table=frame["table"].fillna("").astype(str),
        row=frame["row"].fillna("").astype(str),
        column=frame["column"].fillna("").astype(str),
    )
    # one range per cell, per column of a table, or per estimate source (its rows without a table)
    key = frame[["kind", "table", "row", "column"]].fillna("").assign(source=frame["source"].fillna("").where(frame["table"] == "", ""))
    first_line = key.reset_index().groupby(list(key.columns), dropna=False)["index"].transform("min") + 2
    for i in np.flatnonzero(key.duplicated().to_numpy()):
        what = (
            f"source {frame['source'].iat[i]}"
            if frame["table"].iat[i] == ""
            else f"{frame['table'].iat[i]}.csv {frame['row'].iat[i] or '(every row)'} {frame['column'].iat[i]}"
        )
        problems.append(
            Problem(
                f"{path}:row {i + 1} (line {i + 2})",
                "kind, source, table, row, column",
                f"a second {frame['kind'].iat[i]} range for {what} (the first is on line {first_line.iat[i]})",
                "one range per cell, per column or per estimate source",
            )
        )
    for i, r in frame.iterrows():
        where = f"{path}:row {i + 1} (line {i + 2})"
        if r["kind"] not in ("relative", "absolute"):
            problems.append(Problem(where, "kind", f"'{r['kind']}' is not a kind of range", "relative or absolute"))
            continue
        if r["source"] not in known:
            problems.append(Problem(where, "source", f"unknown source id '{r['source']}'", "an id listed in sources.csv"))
        if not (isinstance(r["basis"], str) and r["basis"].strip()):
            problems.append(Problem(where, "basis", "a range without a basis", "how the range was set"))
        if not (r["low"] <= r["high"]):
            problems.append(Problem(where, "low, high", "low is not a number ≤ high", "numbers low ≤ high"))
        elif r["kind"] == "relative" and not (0 <= r["low"] <= 1 <= r["high"]):
            problems.append(
                Problem(
                    where, "low, high", f"relative range {r['low']:g}-{r['high']:g} does not contain 1", "multipliers 0 ≤ low ≤ 1 ≤ high"
                )
            )
        if r["kind"] == "absolute" and not (r["table"] and r["row"] and r["column"]):
            problems.append(Problem(where, "table, row, column", "an absolute range without its cell", "table, row id and column"))
        if not r["table"]:
            continue
        table = tables.get(r["table"])
        if table is None:
            continue  # a table this data set lacks: the range applies to nothing (a sector needing the table says so)
        if r["column"] not in value_columns(table):
            problems.append(Problem(where, "column", f"'{r['column']}' is not a value column of {r['table']}.csv", "a numeric column"))
        elif r["row"] and not (table[table.columns[0]].astype(str) == r["row"]).any():
            problems.append(Problem(where, "row", f"no row '{r['row']}' in {r['table']}.csv", "a value of its first column"))
    return frame


def _cited_estimates(source: pd.Series, estimates: set[str]) -> dict[int, list[str]]:
    """Row position → the estimate sources the row's ``source`` cites (ids separated by ``;``), in order; rows citing none left out."""
    out: dict[int, list[str]] = {}
    for row, text in enumerate(source.tolist()):
        if pd.isna(text):
            continue
        ids = [part.strip() for part in str(text).split(";")]
        ids = [i for i in ids if i in estimates]
        if ids:
            out[row] = ids
    return out


def estimate_ranges(root: Path, tables: dict, sources: pd.DataFrame, ranges: pd.DataFrame | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Every value resting on an estimate (a row citing an estimate source) with its range.

    Returns one row per cell: ``table, row`` (0-based position), ``row_id, column,
    value, low, high, how`` and the problems: a cell without a range (file and
    row named), a value outside its absolute range. The range of a cell is the
    first that applies of: an ``absolute`` row for the cell; a ``relative`` row
    for the cell (table, row, column); a ``relative`` row for its column
    (table, column, no row); the widest ``relative`` row of the estimate
    sources its row cites (source only). A relative range is value × low …
    value × high; a fraction column (:data:`UNIT_INTERVAL_COLUMNS`) is capped
    at 1. Tables of :data:`UNRANGED_TABLES` and columns of
    :data:`UNRANGED_COLUMNS` are not ranged. Without ``ranges.csv`` (``ranges``
    None) there is nothing to check and no cell is returned.
    """
    columns = ["table", "row", "row_id", "column", "value", "low", "high", "how"]
    if ranges is None:
        return pd.DataFrame(columns=columns), []
    estimates = set(sources.loc[sources["confidence"] == "estimate", "id"].astype(str))
    cell_keys = ["table", "row_id", "column"]
    on_cells = ranges[ranges["row"] != ""].rename(columns={"row": "row_id"})
    absolute = on_cells[on_cells["kind"] == "absolute"][[*cell_keys, "low", "high"]].rename(columns={"low": "abs_low", "high": "abs_high"})
    cell_rel = on_cells[on_cells["kind"] == "relative"][[*cell_keys, "low", "high"]].rename(
        columns={"low": "cell_low", "high": "cell_high"}
    )
    col_rel = ranges[(ranges["kind"] == "relative") & (ranges["table"] != "") & (ranges["row"] == "")]
    col_rel = col_rel[["table", "column", "low", "high"]].rename(columns={"low": "col_low", "high": "col_high"})
    by_source = ranges[(ranges["kind"] == "relative") & (ranges["table"] == "")].drop_duplicates("source").set_index("source")
    ranged = by_source[["low", "high"]].astype(float)
    source_range = {k: (lo, hi) for k, lo, hi in zip(ranged.index.astype(str), ranged["low"], ranged["high"], strict=True) if lo <= hi}
    # The tables have tens of rows: their cells are gathered with plain lists and numpy columns, then ranged in one
    # frame below (a pandas explode / melt / groupby per table cost about 20 ms a table, 0.5 s for a load).
    long_parts: dict[str, list] = {"table": [], "row": [], "row_id": [], "column": [], "value": []}
    widest: list[tuple] = []  # (table, row, src_low, src_high, src_source): a row's widest source range
    cited_ids: dict[str, dict[int, list[str]]] = {}
    for name in sorted(set(tables) - set(UNRANGED_TABLES)):  # each table's estimated cells, long; ranged below all at once
        frame = tables[name]
        cols = [c for c in value_columns(frame) if c not in UNRANGED_COLUMNS]
        if not cols or "source" not in frame:
            continue
        cited = _cited_estimates(frame["source"], estimates)  # row position → the estimate sources it cites, in order
        if not cited:
            continue
        cited_ids[name] = cited
        rows = np.fromiter(cited, dtype=np.int64, count=len(cited))
        for row, ids in cited.items():  # the widest range of the row's estimate sources (the last of equal widths)
            spans = [(source_range[i][1] - source_range[i][0], i) for i in ids if i in source_range]
            if spans:
                _, source = sorted(spans, key=lambda span: span[0])[-1]  # a stable sort: of equal widths, the last cited
                widest.append((name, row, *source_range[source], source))
        row_ids = frame[frame.columns[0]].astype(str).to_numpy()[rows].tolist()
        for column in cols:  # column by column, rows in order: the order a melt of the cited rows gives
            values = frame[column].to_numpy()[rows]
            keep = ~pd.isna(values)
            n = int(keep.sum())
            long_parts["table"] += [name] * n
            long_parts["row"].append(rows[keep])
            long_parts["row_id"] += [r for r, k in zip(row_ids, keep, strict=True) if k]
            long_parts["column"] += [column] * n
            long_parts["value"].append(values[keep])
    if not long_parts["row"]:
        return pd.DataFrame(columns=columns), []
    long_parts["row"] = np.concatenate(long_parts["row"])
    long_parts["value"] = np.concatenate(long_parts["value"])
    long = (
        pd.DataFrame(long_parts)
        .merge(absolute, on=cell_keys, how="left")
        .merge(cell_rel, on=cell_keys, how="left")
        .merge(col_rel, on=["table", "column"], how="left")
        .merge(
            pd.DataFrame(widest, columns=["table", "row", "src_low", "src_high", "src_source"]).astype(
                {"row": np.int64, "src_low": float, "src_high": float}
            ),
            on=["table", "row"],
            how="left",
        )
    )
    value = long["value"].astype(float)
    mult_low = long["cell_low"].fillna(long["col_low"]).fillna(long["src_low"])
    mult_high = long["cell_high"].fillna(long["col_high"]).fillna(long["src_high"])
    a, b = value * mult_low, value * mult_high
    rel_low, rel_high = np.minimum(a, b), np.maximum(a, b)
    fraction = long["column"].isin(UNIT_INTERVAL_COLUMNS) & (value <= 1)
    rel_high = rel_high.where(~fraction, np.minimum(rel_high, 1.0))
    has_abs = long["abs_low"].notna()
    long["how"] = np.select(
        [has_abs, long["cell_low"].notna(), long["col_low"].notna()],
        ["absolute", "relative (cell)", "relative (column)"],
        "relative " + long["src_source"].fillna(""),
    )
    long["low"] = long["abs_low"].where(has_abs, rel_low)
    long["high"] = long["abs_high"].where(has_abs, rel_high)
    outside = has_abs & ~((long["low"] <= value) & (value <= long["high"]))
    unranged, beyond = long[long["low"].isna()], long[outside]
    problems: list[Problem] = []
    for name in sorted(set(unranged["table"]) | set(beyond["table"])):  # table by table, as they are read
        path = root / f"{name}.csv"
        for row, group in unranged[unranged["table"] == name].groupby("row"):
            cited = sorted(set(cited_ids[name][row]))
            problems.append(
                Problem(
                    f"{path}:row {row + 1} (line {row + 2})",
                    ", ".join(group["column"]),
                    f"an estimate without a range (source {', '.join(cited)})",
                    f"a relative range for its estimate source or a range for the cell in {RANGES_FILE}",
                )
            )
        for r in beyond[beyond["table"] == name].itertuples(index=False):
            problems.append(
                Problem(
                    f"{path}:row {r.row + 1} (line {r.row + 2})",
                    r.column,
                    f"value {r.value:g} outside its own range {r.low:g}-{r.high:g} ({RANGES_FILE})",
                    "a value within the range, or a range that contains it",
                )
            )
    cells = long.dropna(subset=["low"])[columns].reset_index(drop=True)
    return cells, problems


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
        if path.name == "sources.csv" or path.name.startswith("sources_") or path.name == RANGES_FILE:
            continue
        hashes[path.name] = _sha256(path)
        frame = _read_csv(path, problems)
        if frame is None:
            continue
        _check_table_sources(path, frame, known, problems)
        tables[path.stem] = frame
    problems += physical.check_tables(root, tables)
    for name in sorted(tables):
        if split_of(name) is not None:
            problems += split_problems(root, tables, name)
    ranges = None
    if (root / RANGES_FILE).is_file():
        hashes[RANGES_FILE] = _sha256(root / RANGES_FILE)
        ranges = _read_ranges(root / RANGES_FILE, sources, tables, problems)
        if ranges is not None and not problems:
            problems.extend(estimate_ranges(root, tables, sources, ranges)[1])
    if problems:
        problems.sort(key=lambda p: p.where.split(":")[0])  # all problems of a file together
        raise DataError(problems=problems)
    return Inputs(dataset=root.name, root=root, tables=tables, sources=sources, file_hashes=hashes, ranges=ranges)


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
