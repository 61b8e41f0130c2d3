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

from simulator.intake.inputs import CONFIDENCE, KEY_COLUMNS, RANGES_FILE, Inputs

#: one-line descriptions by table name (exact) ...
DESCRIPTIONS = {
    "carriers": "energy carriers: unit, conversion to Mtce (GB/T 2589), direct CO2 factor",
    "carrier_prices": "energy carriers: delivered price",
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
    "measures_": "measures of the {rest} sector in the city: in place, potential, build rate, first year",
    "technologies_": "measures of the {rest} sector, per unit: lifetime, capex, fixed opex, savings by carrier",
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


#: quantities the results rest on: (what, table, value column, row ids or None for all rows)
QUANTITIES = [
    ("whole-society electricity by year", "electricity_demand", "demand_twh", None),
    ("electricity demand growth after the data", "electricity_demand_growth", "growth_per_yr", None),
    ("GDP by year", "macro", "gdp_100m_cny", None),
    ("crude steel output", "steel_activity", "crude_steel_mt", None),
    ("steel energy per tonne by carrier (base year)", "steel_intensity", "value", None),
    ("crude processed", "petrochemicals_activity", "crude_processed_mt", None),
    ("ethylene output", "petrochemicals_activity", "ethylene_mt", None),
    ("refining and ethylene energy per tonne by carrier (base year)", "petrochemicals_intensity", "value", None),
    ("floor area by category", "buildings_stock", "floor_area_mm2", None),
    ("new floor area per year", "buildings_stock", "new_floor_area_mm2_per_yr", None),
    ("building electricity per m²", "buildings_stock", "electricity_kwh_per_m2", None),
    ("building measures in place (incl. existing renewable heat)", "measures_buildings", "existing", None),
    ("vehicle fleets and freight activity", "transport_activity", "activity", None),
    ("energy per vehicle or unit of activity", "transport_activity", "use_per_unit", None),
    ("charging pile stock (base year)", "measures_transport", "existing", ["charging_piles"]),
    ("rail-water intermodal volume (base year)", "measures_transport", "existing", ["intermodal_rail_water"]),
    ("existing PV by class", "pv_classes", "existing_gw", None),
    ("PV build rates", "pv_classes", "max_build_gw_per_yr", None),
    ("PV capex", "pv_classes", "capex_cny_per_w", None),
    ("local plant capacities", "generators", "capacity_gw", None),
    ("grid electricity price (before time-of-use)", "imports", "price_cny_per_kwh", ["grid"]),
    ("green-import price", "imports", "price_cny_per_kwh", ["green"]),
    ("grid CO2 factor", "imports", "co2_kg_per_kwh", ["grid"]),
    ("fuel prices", "carrier_prices", "price_mcny_per_unit", None),
    ("fuel CO2 factors", "carriers", "co2_mt_per_unit", None),
    ("battery storage capex (energy)", "storage", "capex_energy_cny_per_wh", None),
    ("steel measure capex", "technologies_steel", "capex_mcny_per_unit", None),
    ("petrochemical measure capex", "technologies_petrochemicals", "capex_mcny_per_unit", None),
    ("building measure capex", "technologies_buildings", "capex_mcny_per_unit", None),
    ("transport measure capex", "technologies_transport", "capex_mcny_per_unit", None),
]


def quantity_confidence(inputs: Inputs) -> pd.DataFrame:
    """Per result-relevant quantity (:data:`QUANTITIES`) the confidence its values rest on.

    Columns: ``quantity, table, column, unit, values, official, secondary,
    estimate, rests_on`` (the weakest confidence among its rows), ``sources``.
    Quantities whose table or column is not in the data set are left out.
    """
    rows = []
    for what, name, column, ids in QUANTITIES:
        frame = inputs.tables.get(name)
        if frame is None or column not in frame:
            continue
        keep = frame[column].notna()
        if ids is not None:
            keep &= frame[frame.columns[0]].astype(str).isin(ids)
        if not keep.any():
            continue
        conf = inputs.row_confidence(name)[keep]
        counts = conf.value_counts()
        cited = frame.loc[keep, "source"].fillna("").astype(str).str.split(";").explode().str.strip()
        rows.append(
            {
                "quantity": what,
                "table": name,
                "column": column,
                "unit": column_unit(column, list(frame.columns)),
                "values": int(keep.sum()),
                **{c: int(counts.get(c, 0)) for c in CONFIDENCE},
                "rests_on": max(conf, key=CONFIDENCE.index),
                "sources": "; ".join(dict.fromkeys(s for s in cited if s)),
            }
        )
    return pd.DataFrame(rows)


def format_quantities(frame: pd.DataFrame) -> str:
    """Plain text of :func:`quantity_confidence`: one line per quantity, weakest first."""
    lines = [f"{'rests on':<10} {'quantity':<62} values (official/secondary/estimate)  [unit] table.column: sources"]
    order = frame.assign(_rank=frame["rests_on"].map(CONFIDENCE.index)).sort_values("_rank", ascending=False, kind="mergesort")
    for r in order.itertuples(index=False):
        lines.append(
            f"{r.rests_on:<10} {r.quantity:<62} {r.values} ({r.official}/{r.secondary}/{r.estimate})"
            f"  [{r.unit or 'see unit column'}] {r.table}.{r.column}: {r.sources}"
        )
    counts = frame["rests_on"].value_counts()
    lines.append(f"{len(frame)} quantities: " + ", ".join(f"{c} {int(counts.get(c, 0))}" for c in CONFIDENCE))
    return "\n".join(lines)


def _cell_unit(table: pd.DataFrame, row: int, column: str) -> str:
    """Unit of one cell: the row's ``unit`` column where the column name gives none."""
    unit = column_unit(column, list(table.columns))
    if unit.startswith("see unit column") and "unit" in table:
        return str(table["unit"].iloc[row]) + unit[len("see unit column") :]
    return unit or "no unit stated"


def widest_ranges(inputs: Inputs, per_table: int = 3) -> dict[str, pd.DataFrame]:
    """Per table, the estimated values with the widest ranges relative to their value.

    Columns ``row_id, column, value, low, high, how, width`` (``width`` =
    (high − low) / |value|); values of 0 (a range of nothing) are left out.
    """
    cells = inputs.estimate_ranges()
    if cells.empty:
        return {}
    value = cells["value"].astype(float)
    cells = cells.assign(width=(cells["high"] - cells["low"]) / value.abs().where(value != 0))
    cells = cells.dropna(subset=["width"]).sort_values(["table", "width"], ascending=[True, False], kind="mergesort")
    return {name: group.head(per_table).reset_index(drop=True) for name, group in cells.groupby("table", sort=True)}


def format_summary(inputs: Inputs, frame: pd.DataFrame) -> str:
    """Plain text for the terminal: one block per table, then the totals."""
    src = source_counts(inputs)
    widest = widest_ranges(inputs)
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
        if r["table"] in widest:
            table = inputs.tables[r["table"]]
            items = [
                f"{w.column} of {w.row_id}: {w.value:g} in {w.low:g}–{w.high:g} [{_cell_unit(table, w.row, w.column)}]"
                for w in widest[r["table"]].itertuples(index=False)
            ]
            lines.append("    widest ranges: " + "; ".join(items))
    total = {c: int(frame[c].sum()) for c in (*CONFIDENCE, "values")}
    lines.append("")
    lines.append(
        f"total: {total['values']} values in {len(frame)} tables: "
        + ", ".join(f"{c} {total[c]} ({_pct(total[c], total['values'])})" for c in CONFIDENCE)
    )
    if inputs.ranges is None:
        lines.append("no ranges.csv: the estimates of this data set carry no range")
    else:
        cells = inputs.estimate_ranges()
        lines.append(
            f"ranges: {len(cells)} estimated values with a range ({RANGES_FILE}; hourly profiles and calibration tolerances not ranged)"
        )
    hourly = frame["table"] == "profiles_hourly"
    if hourly.any():
        rest = {c: int(frame.loc[~hourly, c].sum()) for c in (*CONFIDENCE, "values")}
        lines.append(
            f"without the hourly profiles: {rest['values']} values: "
            + ", ".join(f"{c} {rest[c]} ({_pct(rest[c], rest['values'])})" for c in CONFIDENCE)
        )
    return "\n".join(lines)
