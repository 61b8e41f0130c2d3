"""Physical checks of the input tables: values no real city's data can hold.

Run on every table of a data set when it is read (:func:`check_tables`, before
clustering or an 8,760-hour build) and on every scenario override
(:func:`value_problem`). Every problem of every file is collected; the caller
raises them together. Rules:

* **Numbers are numbers**: every column that is not a text column
  (:data:`TEXT_COLUMNS`, or a column holding only text) holds finite numbers
  or empty cells; ``inf``, ``-inf`` and text in a numeric column are refused.
* **Ids are unique**: the first column of a table is its row id
  (:data:`KEYS` lists the tables keyed by several columns).
* **Fractions lie in [0, 1]**: availabilities, capacity factors,
  efficiencies, shares and 0/1 flags (:data:`FRACTIONS`).
* **Plausibility bounds** by unit (:data:`BOUNDS`): a figure outside them is
  a typo of a unit or an order of magnitude for any single city (the upper
  bounds lie above the whole of China's figure where one is known); a column
  without a stated bound is refused above :data:`MAGNITUDE` in absolute value.
* **Hourly profiles** (``profiles_hourly.csv``): exactly 8,760 rows, hours
  0…8,759 in order, no empty cell in any profile column, capacity factors and
  availabilities (``cf_*``, ``avail_*``) in [0, 1], load shapes (``load_*``)
  ≥ 0 with a positive sum, multipliers (``tou_*``) in (0, 10].
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import Problem

HOURS = 8760
#: columns that hold text (ids, names, units, references); every other column holds numbers
TEXT_COLUMNS = frozenset(
    {
        "source", "note", "unit", "description", "title", "publisher", "address", "confidence", "dispatch", "profile", "fuel",
        "load_profile", "pv_class", "product", "applies_to", "renewable_kind", "indicator", "kind", "activity_unit", "carrier",
        "quantity", "availability_profile", "parameter", "check", "measure", "technology", "channel", "plant", "category", "id",
    }
)  # fmt: skip
#: tables whose rows are identified by several columns (default: the first column)
KEYS = {"transport_loads": ["product", "profile"], "calibration_targets": ["check"]}
#: tables that every run needs at least one row of (other tables may be empty: no generators, no measures)
NOT_EMPTY = {
    "carriers": "electricity at least",
    "carrier_prices": "the price of each carrier of carriers.csv",
    "electricity_demand": "the base year's city demand",
    "electricity_demand_growth": "a growth rate up to the last planning year",
    "imports": "the grid connection",
    "pv_classes": "each PV class the buildings and the power sector refer to",
}
#: columns that hold a fraction or a 0/1 flag
FRACTIONS = {
    "availability": "an availability between 0 and 1",
    "renewable": "a renewable share between 0 and 1",
    "charge_efficiency": "an efficiency between 0 and 1",
    "discharge_efficiency": "an efficiency between 0 and 1",
    "installable_roof_share": "a share between 0 and 1",
    "roof_area_per_floor_area": "roof area per floor area between 0 and 1 (a one-storey building has 1)",
    "share": "a share between 0 and 1",
    "green": "0 or 1 (a flag)",
    "time_of_use": "0 or 1 (a flag)",
}
#: (column-name pattern, low, high, why) — the first matching pattern applies; low is exclusive where marked by a tuple
BOUNDS: list[tuple[str, float, float, str]] = [
    (r"(^|_)lifetime_yr$", 1, 100, "a lifetime of 1 to 100 years"),
    (r"^(year|first_year|until_year)$", 1900, 2100, "a calendar year between 1900 and 2100"),
    (r"_gw_per_yr$", 0, 100, "at most 100 GW a year (China builds ~300 GW of PV a year in all)"),
    (r"_gw$", 0, 500, "at most 500 GW (China's whole generating fleet is ~3,300 GW)"),
    (r"_gwh$", 0, 5_000, "at most 5,000 GWh"),
    (r"_twh$", 0, 2_000, "at most 2,000 TWh a year (China's whole use is ~9,900 TWh)"),
    (r"_mt$", 0, 500, "at most 500 Mt a year (all of Baowu makes ~130 Mt of steel)"),
    (r"^heat_rate_kgce_per_kwh$", 0, 1, "0 (no fuel) or 0.1229 to 1 kgce/kWh (below 0.1229 is more than 100 % efficient)"),
    (r"_cny_per_kwh$", 0, 10, "0 to 10 CNY/kWh"),
    (r"_cny_per_wh?$", 0, 100, "0 to 100 CNY/W"),
    (r"_cny_per_w_yr$", 0, 10, "0 to 10 CNY/W a year"),
    (r"_cny_per_kw_yr$", 0, 10_000, "0 to 10,000 CNY/kW a year"),
    (r"_cny_per_kw$", 0, 100_000, "0 to 100,000 CNY/kW"),
    (r"^co2_kg_per_kwh$", 0, 1.5, "0 to 1.5 kg CO2/kWh (coal plants emit ~0.8–1.0)"),
    (r"^growth_per_yr$", -0.5, 0.5, "a yearly growth rate between -0.5 and 0.5"),
    (r"_duration_h$", 0, 1_000, "0 to 1,000 hours of storage"),
    (r"^pv_w_per_m2$", 0, 300, "0 to 300 W/m² (a 23 %-efficient module peaks at ~230 W/m²)"),
    (r"_kwh_per_m2$", 0, 2_000, "0 to 2,000 kWh/m² a year"),
    (r"_kgce_per_m2$", 0, 300, "0 to 300 kgce/m² a year"),
    (r"_mm2(_per_yr)?$", 0, 10_000, "0 to 10,000 million m²"),
    (r"^mtce_per_unit$", 0, 2, "0 to 2 Mtce per unit (1 for a carrier counted in Mtce, 0.1229 for electricity in TWh)"),
    (r"^co2_mt_per_unit$", 0, 5, "0 to 5 Mt CO2 per unit (coal emits ~2.66 per Mtce)"),
    (r"^price_mcny_per_unit$", 0, 100_000, "0 to 100,000 M CNY per unit"),
]
#: columns that may not have an empty cell (the model divides by them, builds vintages from them or reads them as integers)
REQUIRED = r"^(year|lifetime_yr|first_year|charge_efficiency|discharge_efficiency|green|time_of_use)$"
#: year-series tables whose every number is read as the value of its year (an empty cell would reach the LP as NaN)
COMPLETE_TABLES = {"electricity_demand", "electricity_demand_growth", "steel_activity", "petrochemicals_activity"}
#: no figure of a city's data reaches this magnitude in its table's units (the largest in inputs/wuhan is ~23,000)
MAGNITUDE = 1e9
#: heat rate of a fuel plant at 100 % efficiency, kgce/kWh (3.6 MJ / 29.3076 MJ/kgce)
HEAT_RATE_AT_FULL_EFFICIENCY = 0.1229
MAX_LISTED = 20  # rows listed per column and problem; the rest are counted


def _where(path: Path, i: int) -> str:
    return f"{path}:row {i + 1} (line {i + 2})"


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _listed(path: Path, column: str, rows, values, what: str, expected: str) -> list[Problem]:
    """One problem per row (the first MAX_LISTED), then a count of the rest."""
    rows = list(rows)
    out = [Problem(_where(path, i), column, f"{what} (got {_plain(values[i])!r})", expected) for i in rows[:MAX_LISTED]]
    if len(rows) > MAX_LISTED:
        out.append(Problem(str(path), column, f"... and {len(rows) - MAX_LISTED} more rows with the same problem", expected))
    return out


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that must hold numbers: a column with a physical range, or any other non-text column not holding only text."""
    out = []
    for column in frame.columns[1:] if frame.columns[0] not in ("year", "hour") else frame.columns:
        if column in TEXT_COLUMNS:
            continue
        cells = frame[column]
        if pd.api.types.is_numeric_dtype(cells) or bound(column) is not None:  # a unit in the name says it is a number
            out.append(column)
            continue
        filled = cells.dropna().astype(str).str.strip()
        filled = filled[filled != ""]
        if len(filled) and pd.to_numeric(filled, errors="coerce").notna().any():
            out.append(column)
    return out


def bound(column: str) -> tuple[float, float, str] | None:
    """(low, high, expected) for a column name, or None where no physical range is stated."""
    if column in FRACTIONS:
        return 0.0, 1.0, FRACTIONS[column]
    for pattern, low, high, why in BOUNDS:
        if re.search(pattern, column):
            return low, high, why
    return None


def value_problem(column: str, value: float) -> str | None:
    """What is physically wrong with one value of ``column`` (None if nothing)."""
    if not np.isfinite(value):
        return f"{value!r} is not a finite number"
    rule = bound(column)
    if rule is None:
        return None
    low, high, why = rule
    if column == "heat_rate_kgce_per_kwh" and 0 < value < HEAT_RATE_AT_FULL_EFFICIENCY:
        return f"{value:g} kgce/kWh is more than 100 % efficient ({why})"
    if not low <= value <= high:
        return f"{value:g} is outside [{low:g}, {high:g}] ({why})"
    return None


def check_table(path: Path, frame: pd.DataFrame) -> list[Problem]:
    """Every physical problem of one table (not the hourly profiles): numbers, ids, fractions, bounds."""
    problems: list[Problem] = []
    name = path.stem
    if frame.empty:
        if name in NOT_EMPTY:
            return [Problem(str(path), "", "the table has a header but no rows", f"at least one row: {NOT_EMPTY[name]}")]
        return []
    key = KEYS.get(name, [frame.columns[0]])
    key = [k for k in key if k in frame.columns]
    if key and name != "profiles_hourly":
        dup = frame.duplicated(key, keep="first").to_numpy()
        for i in np.flatnonzero(dup):
            first = int(np.flatnonzero((frame[key] == frame[key].iloc[i]).all(axis=1).to_numpy())[0])
            ident = ", ".join(str(_plain(frame[k].iloc[i])) for k in key)
            problems.append(
                Problem(
                    _where(path, i),
                    "/".join(key),
                    f"duplicate id '{ident}' (first at line {first + 2})",
                    "each id once; the row is not overwritten",
                )
            )
    for column in numeric_columns(frame):
        raw = frame[column]
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        text = np.isnan(values) & raw.notna().to_numpy() & (raw.astype(str).str.strip() != "").to_numpy()
        problems += _listed(path, column, np.flatnonzero(text), raw.to_numpy(), "is not a number", "a number, or an empty cell")
        if re.search(REQUIRED, column) or name in COMPLETE_TABLES:
            empty = ~raw.notna().to_numpy() | (raw.astype(str).str.strip() == "").to_numpy()
            problems += _listed(path, column, np.flatnonzero(empty), raw.to_numpy(), "is empty", "a number in every row")
        infinite = np.isinf(values)
        problems += _listed(path, column, np.flatnonzero(infinite), raw.to_numpy(), "is not a finite number", "a finite number")
        rule = bound(column)
        if rule is None:
            huge = np.isfinite(values) & (np.abs(values) > MAGNITUDE)
            problems += _listed(path, column, np.flatnonzero(huge), raw.to_numpy(), "implausibly large", f"a magnitude below {MAGNITUDE:g}")
            continue
        low, high, why = rule
        with np.errstate(invalid="ignore"):
            out = np.isfinite(values) & ((values < low) | (values > high))
            if column == "heat_rate_kgce_per_kwh":
                out |= (values > 0) & (values < HEAT_RATE_AT_FULL_EFFICIENCY)
        problems += _listed(path, column, np.flatnonzero(out), raw.to_numpy(), f"outside the physical range [{low:g}, {high:g}]", why)
    if {"parameter", "value"} <= set(frame.columns):  # a parameter table: the unit is in the parameter's name
        values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
        for i, parameter in enumerate(frame["parameter"].astype(str)):
            rule = bound(parameter)
            if rule is not None and np.isfinite(values[i]) and not rule[0] <= values[i] <= rule[1]:
                problems += _listed(
                    path, "value", [i], frame["value"].to_numpy(), f"{parameter} outside [{rule[0]:g}, {rule[1]:g}]", rule[2]
                )
    if {"min_duration_h", "max_duration_h"} <= set(frame.columns):
        lo, hi = (pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float) for c in ("min_duration_h", "max_duration_h"))
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(lo > hi)
        problems += _listed(path, "min_duration_h", bad, frame["min_duration_h"].to_numpy(), "exceeds max_duration_h", "min ≤ max")
    return problems


def check_profiles(path: Path, frame: pd.DataFrame) -> list[Problem]:
    """Every problem of ``profiles_hourly.csv``: 8,760 complete rows, each profile within its physical range."""
    problems: list[Problem] = []
    if len(frame) != HOURS:
        problems.append(
            Problem(
                str(path),
                "",
                f"{len(frame)} rows of hours",
                f"{HOURS} rows, one per hour of the year (line 2 = hour 0, line {HOURS + 1} = hour {HOURS - 1})",
            )
        )
    if "hour" in frame.columns:
        hours = pd.to_numeric(frame["hour"], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(hours != np.arange(len(frame)))
        problems += _listed(
            path,
            "hour",
            bad[:1],
            frame["hour"].to_numpy(),
            "hours out of order, missing or repeated from this row on",
            "hours 0, 1, …, 8759 in order",
        )
    else:
        problems.append(Problem(str(path), "hour", "missing column", "an hour column 0…8759"))
    for column, low, high in (("hour_of_day", 0, 23), ("day_of_year", 1, 365), ("month", 1, 12)):
        if column in frame.columns:
            values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
            bad = np.flatnonzero(~((values >= low) & (values <= high)))
            problems += _listed(path, column, bad, frame[column].to_numpy(), f"outside {low}…{high}", f"whole numbers {low} to {high}")
    keys = {"hour", "hour_of_day", "day_of_year", "month"}
    for column in frame.columns:
        if column in keys or column in TEXT_COLUMNS:
            continue
        raw = frame[column]
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        problems += _listed(
            path, column, np.flatnonzero(np.isnan(values)), raw.to_numpy(), "empty or not a number", "a number in every hour"
        )
        problems += _listed(path, column, np.flatnonzero(np.isinf(values)), raw.to_numpy(), "not a finite number", "a finite number")
        if column.startswith(("cf_", "avail_")):
            low, high, expected = 0.0, 1.0, "a capacity factor or availability between 0 and 1"
        elif column.startswith("tou_"):
            low, high, expected = 1e-9, 10.0, "a price multiplier above 0 and at most 10"
        else:
            low, high, expected = 0.0, np.inf, "a load shape value ≥ 0"
        with np.errstate(invalid="ignore"):
            out = np.flatnonzero(np.isfinite(values) & ((values < low) | (values > high)))
        problems += _listed(path, column, out, raw.to_numpy(), "outside the physical range", expected)
        if column.startswith("load_") and np.all(np.nan_to_num(values) <= 0):
            problems.append(Problem(str(path), column, "a load shape that is zero in every hour", "a positive value in some hours"))
    return problems


def check_tables(root: Path, tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Physical problems of every table of a data set, grouped by file."""
    problems: list[Problem] = []
    for name in sorted(tables):
        path = Path(root) / f"{name}.csv"
        check = check_profiles if name == "profiles_hourly" else check_table
        problems += check(path, tables[name])
    return problems
