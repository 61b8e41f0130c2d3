"""What a data set holds: per table a description, rows, units, years and provenance.

``transim inputs DATASET`` prints :func:`format_summary` of :func:`summarise`.
Units are read from column-name suffixes (``capacity_gw`` → GW,
``capex_cny_per_w`` → CNY/W, ``fixed_opex_cny_per_w_yr`` → CNY/(W·yr));
columns without a unit suffix get a unit from :data:`NAMED` or, in a table
with a ``unit`` column, "see unit". The confidence counts are
:meth:`Inputs.confidence_counts` (values resting on official, secondary and
estimated sources; a row naming several sources counts at the weakest).
"""

from __future__ import annotations

import pandas as pd

from simulator.intake.inputs import CONFIDENCE, KEY_COLUMNS, Inputs

#: one-line descriptions by table name (exact) ...
DESCRIPTIONS = {
    "carriers": "energy carriers: unit, conversion to Mtce (GB/T 2589), CO2 factor, delivered price",
    "electricity_demand": "whole-society electricity use of the city by year",
    "generators": "existing local power plants: capacity, availability, dispatch, fuel, heat rate",
    "imports": "electricity import channels (grid, contracted green power): price, limits, CO2 factor",
    "macro": "GDP and permanent population by year",
    "electricity_demand_growth": "growth of whole-society electricity after the data, by period",
    "profiles_hourly": "typical-year hourly profiles: PV and wind capacity factors, sector load shapes, green-import availability, TOU",
    "pv_classes": "PV classes: existing capacity, potential, build rate, capex, O&M, lifetime, profile",
    "storage": "battery storage: existing capacity, capex (power, energy), efficiencies, durations, build rate",
    "calibration_targets": "base-year city totals and tolerances for `transim inputs --check`",
    "steel_activity": "steel: crude steel output by year",
    "steel_intensity": "steel: base-year energy per tonne by product and carrier",
    "petrochemicals_activity": "petrochemicals: crude processed and ethylene output by year",
    "petrochemicals_intensity": "petrochemicals: base-year energy per tonne by product and carrier",
    "buildings_stock": "buildings: floor area by category, new construction, energy per m², roof PV potential",
    "buildings_parameters": "buildings: scalar parameters (PV on new roofs)",
    "transport_activity": "transport: fleets and freight activity, carrier and energy per unit",
    "transport_loads": "transport: charging-profile shares by vehicle type",
}
#: ... and by name prefix (a sector's tables not listed above)
PREFIXES = {
    "measures_": "measure catalogue of the {rest} sector: potential, build rate, savings by carrier, capex, lifetime",
    "steel_": "steel: {rest}",
    "petrochemicals_": "petrochemicals: {rest}",
    "buildings_": "buildings: {rest}",
    "transport_": "transport: {rest}",
}

#: unit tokens of column-name suffixes → readable units
TOKENS = {
    "gw": "GW",
    "gwh": "GWh",
    "twh": "TWh",
    "mw": "MW",
    "mwh": "MWh",
    "kw": "kW",
    "kwh": "kWh",
    "w": "W",
    "wh": "Wh",
    "mtce": "Mtce",
    "tce": "tce",
    "kgce": "kgce",
    "gce": "gce",
    "kgoe": "kgoe",
    "mt": "Mt",
    "kt": "kt",
    "t": "t",
    "kg": "kg",
    "cny": "CNY",
    "mcny": "M CNY",
    "100m": "10^8",
    "10k": "10^4",
    "yr": "yr",
    "h": "h",
    "m2": "m²",
    "mm2": "million m²",
    "km2": "km²",
    "pct": "%",
    "unit": "unit",
    "teu": "TEU",
    "kteu": "thousand TEU",
    "vehicle": "vehicle",
    "kvehicles": "thousand vehicles",
}
#: units of columns whose names carry no unit suffix
NAMED = {
    "population_10k": "10^4 persons",
    "availability": "fraction",
    "charge_efficiency": "fraction",
    "discharge_efficiency": "fraction",
    "renewable": "fraction",
    "installable_roof_share": "fraction",
    "roof_area_per_floor_area": "m²/m²",
    "share": "fraction",
    "time_of_use": "flag 0/1",
    "green": "flag 0/1",
    "tou_multiplier": "× flat tariff",
    "first_year": "year",
    "year": "year",
    "hour": "hour",
    "month": "month",
    "day_of_year": "day",
    "hour_of_day": "hour",
}
PREFIX_UNITS = {
    "cf_": "capacity factor",
    "load_": "share of annual energy per hour",
    "avail_": "fraction",
    "saving_": "carrier unit per measure unit",
}


def column_unit(name: str, table_columns: list[str] | None = None) -> str:
    """Readable unit of a column from its name (``""`` when none is stated)."""
    if name in NAMED:
        return NAMED[name]
    for prefix, unit in PREFIX_UNITS.items():
        if name.startswith(prefix):
            return unit
    tokens = name.split("_")
    start = len(tokens)
    # the longest suffix made of unit tokens and "per" (scanning from the right)
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i] in TOKENS:
            start = i
        elif tokens[i] != "per":
            break
    per = start > 0 and tokens[start - 1] == "per"  # "max_rate_per_yr": per year, in the row's own unit
    if start < len(tokens):
        groups: list[list[str]] = [[]]
        for tok in tokens[start:]:
            if tok == "per":
                groups.append([])
            else:
                groups[-1].append(TOKENS[tok])
        if all(groups):
            if start > 0 and tokens[start - 1] == "co2" and groups[0][-1] in {"kg", "t", "Mt"}:
                groups[0][-1] += " CO2"
            num = " ".join(groups[0])
            dens = [g[0] if len(g) == 1 else "(" + "·".join(g) + ")" for g in groups[1:]]
            unit = "/".join([num, *dens])
            if per:
                has_unit = table_columns and ("unit" in table_columns or any(c.endswith("_unit") for c in table_columns))
                return f"see unit column, per {unit}" if has_unit else f"per {unit}"
            return unit
    if table_columns and ("unit" in table_columns or any(c.endswith("_unit") for c in table_columns)):
        return "see unit column"
    return ""


def describe(name: str) -> str:
    """One-line description of a table."""
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    for prefix, text in PREFIXES.items():
        if name.startswith(prefix):
            return text.format(rest=name[len(prefix) :].replace("_", " "))
    return "(no description)"


def _years(frame: pd.DataFrame) -> str:
    if "year" not in frame or frame["year"].dropna().empty:
        return ""
    y = pd.to_numeric(frame["year"], errors="coerce").dropna().astype(int)
    return f"{y.min()}" if y.min() == y.max() else f"{y.min()}–{y.max()}"


def summarise(inputs: Inputs) -> pd.DataFrame:
    """One row per table: table, description, rows, units, years, values by confidence."""
    rows = []
    for name in sorted(inputs.tables):
        frame = inputs.tables[name]
        cols = list(frame.columns)
        numeric = [c for c in cols[1:] if c not in ("source", *KEY_COLUMNS) and pd.api.types.is_numeric_dtype(frame[c])]
        units = [(c, column_unit(c, cols)) for c in numeric]
        counts = inputs.confidence_counts(name)
        rows.append(
            {
                "table": name,
                "description": describe(name),
                "rows": len(frame),
                "columns": units,
                "years": _years(frame),
                **counts,
                "values": sum(counts.values()),
            }
        )
    return pd.DataFrame(rows)


def source_counts(inputs: Inputs) -> dict[str, int]:
    """How many sources of each confidence level the data set lists."""
    counts = inputs.sources["confidence"].value_counts()
    return {c: int(counts.get(c, 0)) for c in CONFIDENCE}


def _units_text(units: list[tuple[str, str]], width: int = 110) -> list[str]:
    """``column [unit]`` items wrapped to lines; profile-like runs are grouped by unit."""
    by_unit: dict[str, list[str]] = {}
    for col, unit in units:
        by_unit.setdefault(unit, []).append(col)
    items = []
    for unit, cols in by_unit.items():
        if len(cols) > 4:
            items.append(f"{len(cols)} columns ({cols[0]} … {cols[-1]}) [{unit or 'no unit stated'}]")
        else:
            items.extend(f"{c} [{unit}]" if unit else c for c in cols)
    lines, line = [], ""
    for item in items:
        if line and len(line) + len(item) + 2 > width:
            lines.append(line)
            line = ""
        line = f"{line}, {item}" if line else item
    if line:
        lines.append(line)
    return lines


def _pct(n: int, total: int) -> str:
    return f"{100.0 * n / total:.0f} %" if total else "–"


def format_summary(inputs: Inputs, frame: pd.DataFrame) -> str:
    """Plain text for the terminal: one block per table, then the totals."""
    src = source_counts(inputs)
    lines = [
        f"data set {inputs.root}: {len(frame)} tables, {len(inputs.sources)} sources ({', '.join(f'{c} {src[c]}' for c in CONFIDENCE)})",
        "values = numeric cells (keys such as year and hour not counted); a row citing several sources counts at the weakest",
        "",
    ]
    for _, r in frame.iterrows():
        years = f", years {r['years']}" if r["years"] else ""
        lines.append(f"{r['table']} ({r['rows']} row{'s' if r['rows'] != 1 else ''}{years}): {r['description']}")
        for text in _units_text(r["columns"]):
            lines.append(f"    {text}")
        if r["values"]:
            lines.append(
                f"    {r['values']} values: official {r['official']}, secondary {r['secondary']}, estimate {r['estimate']}"
                f" ({_pct(r['estimate'], r['values'])} estimated)"
            )
        else:
            lines.append("    no sourced values")
    total = {c: int(frame[c].sum()) for c in (*CONFIDENCE, "values")}
    lines.append("")
    lines.append(
        f"total: {total['values']} values in {len(frame)} tables: "
        + ", ".join(f"{c} {total[c]} ({_pct(total[c], total['values'])})" for c in CONFIDENCE)
    )
    hourly = frame["table"] == "profiles_hourly"
    if hourly.any():
        rest = {c: int(frame.loc[~hourly, c].sum()) for c in (*CONFIDENCE, "values")}
        lines.append(
            f"without the hourly profiles: {rest['values']} values: "
            + ", ".join(f"{c} {rest[c]} ({_pct(rest[c], rest['values'])})" for c in CONFIDENCE)
        )
    return "\n".join(lines)
