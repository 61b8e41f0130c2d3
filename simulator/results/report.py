"""A self-contained ``report.html`` per run: key figures, the target scorecard and every chart.

One file with inline CSS and the charts embedded as base64 PNG (no network,
no scripts), so it can be mailed or opened offline. Built from the result
tables and the chart PNGs only.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from simulator.results.tables import load_weighted_price

CHART_ORDER = ["scorecard", "capacity", "supply_mix", "dispatch", "energy_use", "costs", "macc"]
CHART_TITLES = {
    "scorecard": "Target scorecard",
    "capacity": "Capacity build-out",
    "supply_mix": "Electricity supply mix",
    "dispatch": "Dispatch on a summer and a winter day",
    "energy_use": "Energy use by sector and carrier",
    "costs": "Cost breakdown",
    "macc": "Marginal abatement cost curve",
}

_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans",Arial,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0} th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th{background:#f2f2f2} td.l,th.l{text-align:left} .met{color:#1a7f1a;font-weight:bold} .missed{color:#c62828;font-weight:bold}
img{max-width:100%;border:1px solid #eee;margin:.4em 0} .muted{color:#666;font-size:.9em}
"""


def _esc(x) -> str:
    return html.escape(str(x))


def _num(v, digits: int = 4) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return _esc(v)
    if v != v:
        return "–"
    return f"{v:,.{digits}g}" if abs(v) < 1e4 else f"{v:,.0f}"


def key_figures(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str, str]]:
    """(figure, value, unit) rows for the last planning year and the horizon."""
    rows = []
    costs = tables.get("costs")
    if costs is not None and not costs.empty:
        pv = (costs["value_mcny"] * costs["discount_factor"]).sum()
        rows.append(("total cost, present value over the horizon", _num(pv), "M CNY"))
        if "investment_mcny" in costs:
            rows.append(("overnight investment over the horizon (undiscounted)", _num(costs["investment_mcny"].sum()), "M CNY"))
    prices = tables.get("prices")
    if prices is not None and not prices.empty:
        weighted = load_weighted_price(prices)
        rows.append((f"electricity price, load-weighted, in {int(weighted.index[-1])}", _num(weighted.iloc[-1]), "CNY/kWh"))
    ind = tables.get("indicators")
    if ind is not None and not ind.empty:
        last = ind[ind["year"] == ind["year"].max()]
        for name in (
            "city.co2",
            "city.final_energy",
            "city.electricity_use",
            "power.pv_capacity",
            "power.green_share",
            "power.storage_power",
        ):
            r = last[last["indicator"] == name]
            if not r.empty:
                rows.append((f"{name} in {int(r['year'].iloc[0])}", _num(r["value"].iloc[0]), r["unit"].iloc[0]))
    return rows


def _table(frame: pd.DataFrame, columns: list[str]) -> str:
    head = "".join(f"<th class='l'>{_esc(c)}</th>" if i < 2 else f"<th>{_esc(c)}</th>" for i, c in enumerate(columns))
    body = []
    for _, r in frame.iterrows():
        cells = []
        for i, c in enumerate(columns):
            v = r[c]
            if c == "met":
                ok = str(v).lower() in ("true", "1")
                cells.append(f"<td class='{'met' if ok else 'missed'}'>{'met' if ok else 'missed'}</td>")
            elif isinstance(v, float):
                cells.append(f"<td>{_num(v)}</td>")
            else:
                cells.append(f"<td class='{'l' if i < 2 else ''}'>{_esc(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def render_report(tables: dict[str, pd.DataFrame], scenario: str, description: str, charts: dict[str, bytes], meta: dict) -> str:
    """The report as one HTML string; ``charts`` maps chart stem → PNG bytes."""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>transim report — {_esc(scenario)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Scenario {_esc(scenario)}</h1>",
        f"<p>{_esc(description)}</p>" if description else "",
        "<p class='muted'>" + " · ".join(f"{_esc(k)}: {_esc(v)}" for k, v in meta.items()) + "</p>",
        "<h2>Key figures</h2>",
    ]
    figs = key_figures(tables)
    if figs:
        parts.append(_table(pd.DataFrame(figs, columns=["figure", "value", "unit"]), ["figure", "value", "unit"]))
    card = tables.get("scorecard")
    parts.append("<h2>Targets</h2>")
    if card is None or card.empty:
        parts.append("<p>This scenario sets no targets.</p>")
    else:
        cols = ["id", "clause", "basis", "indicator", "year", "sense", "target", "value", "unit", "met", "shadow_price"]
        cols += ["shadow_price_unit", "shadow_price_annual", "shadow_price_annual_unit", "mode"]
        parts.append(_table(card, [c for c in cols if c in card.columns]))
        parts.append(
            "<p class='muted'>Shadow price: what tightening the target by one unit would add to the total cost "
            "(M CNY, present value); 0 means the target does not bind. The annual form spreads it evenly over the "
            "years from the target year to the end of the horizon (docs/economics.md).</p>"
        )
    limits = tables.get("limits")
    if limits is not None and not limits.empty:
        parts.append("<h2>Binding limits</h2>")
        cols = ["rank", "table", "row", "column", "value", "unit", "years_binding", "dual_pv_mcny_per_unit"]
        cols += ["dual_mcny_per_unit_yr", "relax_10pct_saving_mcny"]
        parts.append(_table(limits.head(10), cols))
        parts.append(
            "<p class='muted'>Input limits that hold the plan back, ranked by what relaxing each by 10 % of its value "
            "would save (M CNY, present value); a decision at such a limit restates the input. All rows in limits.csv.</p>"
        )
    for name in CHART_ORDER + sorted(set(charts) - set(CHART_ORDER)):
        png = charts.get(name)
        if png is None:
            continue
        b64 = base64.b64encode(png).decode("ascii")
        title = CHART_TITLES.get(name, name)
        parts.append(f"<h2>{_esc(title)}</h2><img alt='{_esc(title)}' src='data:image/png;base64,{b64}'>")
    parts.append("<p class='muted'>Made by transim. Tables, charts (PNG and SVG) and iamc.csv are in the run folder.</p></body></html>")
    return "\n".join(p for p in parts if p)


def write_run_report(outcome, folder: str | Path) -> list[str]:
    """Run-folder writer: ``report.html`` from the tables and ``charts/*.png`` (run after the charts)."""
    folder = Path(folder)
    charts = {p.stem: p.read_bytes() for p in sorted((folder / "charts").glob("*.png"))}
    scenario = outcome.prepared.scenario
    res = outcome.result
    meta = {
        "years": f"{scenario.years[0]}–{scenario.years[-1]}",
        "time slices": outcome.prepared.time.label,
        "status": res.status,
        "objective": f"{res.objective:,.1f} M CNY (present value)",
    }
    if outcome.soft_targets:
        meta["soft targets"] = ", ".join(outcome.soft_targets)
    text = render_report(outcome.tables, scenario.name, scenario.spec.description.strip(), charts, meta)
    (folder / "report.html").write_text(text, encoding="utf-8")
    return []
