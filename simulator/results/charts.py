"""Charts of a run: pure ``plot_*`` functions from result tables to matplotlib Figures.

Every ``plot_*`` function takes result tables (pandas DataFrames as written
by :mod:`simulator.results`), the scenario name and a language (``en`` or
``zh``) and returns a :class:`matplotlib.figure.Figure`, or ``None`` when the
data it needs is absent (e.g. a run without measures has no abatement cost
curve). Nothing here reads files or prints; :func:`save_charts` writes
``<name>.png`` and ``.svg`` into a folder (a run folder's ``charts/`` are
rendered by :mod:`simulator.runs.charts_writer`, two processes at once).

Charts (file stem → content, units):

* ``capacity``     PV by class (GW), storage power (GW) and energy (GWh),
                   import channels (GW), by planning year
* ``supply_mix``   electricity supply by source and year (TWh/yr) with total
                   demand marked
* ``dispatch``     a summer and a winter representative day of the last year
                   (GW): supply stacked above zero, charging and curtailment
                   below, demand as a line
* ``energy_use``   final energy use by sector, carrier and year (Mtce/yr;
                   electricity converted at the calorific factor)
* ``scorecard``    each target's value as % of its target, met or missed,
                   with the shadow price (what one more unit costs)
* ``macc``         marginal abatement cost curve of measures (CNY per tce
                   against Mtce/yr saved; adopted ones filled)
* ``costs``        cost by sector and component and year (M CNY/yr,
                   undiscounted)

One technology, carrier or cost component has one colour in every chart and
every run: :data:`COLOURS`, with a stable hash-based colour for names not
listed.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import Bbox

from simulator.results.i18n import Labels

#: one colour per technology / flow / carrier / cost component, in every chart and run
COLOURS: dict[str, str] = {
    # PV classes and solar
    "pv_utility": "#f2b701",
    "pv_ci_rooftop": "#f58518",
    "pv_public_rooftop": "#ffd166",
    "pv_residential_rooftop": "#e45756",
    "pv": "#f2b701",
    # other local plants
    "wind": "#4c9be8",
    "biomass": "#59a14f",
    "waste_to_energy": "#8c6d31",
    "coal_chp": "#4d4d4d",
    "gas_ccgt": "#9c755f",
    "hydro": "#1f77b4",
    # imports
    "import_grid": "#a0a0a0",
    "import_green": "#2ca02c",
    # storage and balancing
    "storage_battery_lfp": "#8e44ad",
    "storage_discharge": "#8e44ad",
    "storage_charge": "#c39bd3",
    "storage": "#8e44ad",
    "curtailment": "#d62728",
    "plant_opex": "#7f7f7f",
    "carbon": "#17becf",
    "measures": "#bcbd22",
    # carriers
    "electricity": "#1f77b4",
    "coal": "#4d4d4d",
    "coke": "#8c564b",
    "gas": "#ff9f1c",
    "oil": "#000000",
    "diesel": "#9467bd",
    "gasoline": "#e377c2",
    "jet_fuel": "#bcbd22",
    "heat": "#d62728",
    "hydrogen": "#17becf",
    # cost parts (costs chart, compare)
    "cost:fuel": "#7f3f00",
    "cost:electricity": "#1f77b4",
    "cost:pv_storage": "#f2b701",
    "cost:measures": "#2ca02c",
    "cost:grid_plants": "#9467bd",
    "cost:carbon": "#17becf",
    "grid_expansion": "#8c564b",
    "existing": "#555555",
    "new": "#bbbbbb",
    "fuel": "#6b6b6b",
}

_FALLBACK = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#17becf", "#aec7e8"]


#: sector colours; a sector's generic cost items (fuel, measures) are shades of it
SECTOR_COLOURS: dict[str, str] = {
    "power": "#636363",
    "steel": "#7b4173",
    "petrochemicals": "#ad494a",
    "buildings": "#3182bd",
    "transport": "#e6550d",
    "other": "#969696",
    "city": "#17becf",
}


def _lighten(hex_colour: str, amount: float) -> str:
    rgb = np.array(matplotlib.colors.to_rgb(hex_colour))
    return matplotlib.colors.to_hex(rgb + (1.0 - rgb) * amount)


def colour(name: str) -> str:
    """The fixed colour of a technology, flow, carrier, sector or ``sector:component`` (stable across runs)."""
    if name in COLOURS:
        return COLOURS[name]
    if ":" in name:
        sector, comp = name.split(":", 1)
        if sector in SECTOR_COLOURS and sector != "power" and comp in ("fuel", "measures", "carbon"):
            return _lighten(SECTOR_COLOURS[sector], {"fuel": 0.0, "measures": 0.5, "carbon": 0.25}[comp])
    if name in SECTOR_COLOURS:
        return SECTOR_COLOURS[name]
    base = name.split(":")[-1]
    if base in COLOURS:
        return COLOURS[base]
    digest = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
    return _FALLBACK[digest % len(_FALLBACK)]


# --------------------------------------------------------------------------- labels

#: CJK families in order of preference: Simplified Chinese sans faces first, serif faces last
_CJK_NAMES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Sarasa Gothic SC",
    "Droid Sans Fallback",
    "Noto Sans CJK",
    "Source Han Sans",
    "Noto Serif CJK SC",
    "Noto Serif CJK",
    "Source Han Serif",
    "AR PL",
)
_CJK_FILES = ("notosanscjk", "sourcehansans", "notosanssc", "wqy", "simhei", "msyh", "droidsansfallback", "notoserifcjk", "sourcehanserif")


def _pick_cjk(names: set[str]) -> str | None:
    for prefix in _CJK_NAMES:
        found = sorted(n for n in names if n == prefix) or sorted(n for n in names if n.startswith(prefix))
        if found:
            return found[0]
    return None


def find_cjk_font() -> str | None:
    """The family name of the preferred installed CJK font (a Simplified Chinese sans face first), or None.

    Looks in matplotlib's font list first, then adds the CJK files of the
    system font folders (fonts installed after matplotlib built its cache);
    every face of a .ttc collection is listed, so ``Noto Sans CJK SC`` is found
    rather than the collection's first face (JP).
    """
    found = _pick_cjk({entry.name for entry in font_manager.fontManager.ttflist})
    if found is not None and found.endswith(("SC", "CN")):
        return found
    paths = sorted(
        (p for p in font_manager.findSystemFonts() if any(k in Path(p).name.lower() for k in _CJK_FILES)),
        key=lambda p: (next(i for i, k in enumerate(_CJK_FILES) if k in Path(p).name.lower()), "bold" in p.lower(), p),
    )
    for path in paths:
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
    return _pick_cjk({entry.name for entry in font_manager.fontManager.ttflist}) or found


def resolve_lang(lang: str) -> tuple[str, str | None, list[str]]:
    """(language used, CJK font family or None, notes). ``zh`` falls back to ``en`` without a CJK font."""
    if lang != "zh":
        return "en", None, []
    font = find_cjk_font()
    if font is None:
        return (
            "en",
            None,
            ["--lang zh: no CJK font found by matplotlib; charts are in English (install one, e.g. `apt-get install fonts-noto-cjk`)"],
        )
    return "zh", font, []


def _rc(font: str | None) -> dict:
    rc = {
        "figure.dpi": 150,  # the PNG resolution: layout, extent and PNG share one drawing's text metrics
        "savefig.dpi": 150,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "legend.fontsize": 8.5,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "svg.hashsalt": "transim",
    }
    if font:
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
        rc["font.family"] = "sans-serif"
        rc["axes.unicode_minus"] = False
    return rc


def _years_label(years) -> str:
    years = sorted({int(y) for y in years})
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _panel_title(ax, text: str, **kw) -> None:
    """An axes title at the top of the axes (y = 1, ``axes.titlepad`` above), where matplotlib would place it here.

    No chart has tick labels above its axes, so the automatic placement always
    ends at y = 1; fixing it spares matplotlib measuring the y axis again at
    every layout and drawing to find that out.
    """
    ax.set_title(text, y=1.0, **kw)


def _title(fig: Figure, what: str, scenario: str, years, L: Labels, fontsize: float = 13) -> None:
    fig.suptitle(f"{L(what)} — {L.scenario(scenario)}, {_years_label(years)}", fontsize=fontsize, fontweight="bold")


#: steps between labelled years, smallest first
YEAR_STEPS = (1, 2, 5, 10, 20)


def year_step(n_years: int, max_labels: int) -> int:
    """The smallest step of :data:`YEAR_STEPS` that labels at most ``max_labels`` of ``n_years`` years.

    Rule: 3 years at step 1; 37 years with 12 labels at step 5 (2024, 2029, …, 2059, 8 labels).
    """
    for step in YEAR_STEPS:
        if int(np.ceil(n_years / step)) <= max_labels:
            return step
    return YEAR_STEPS[-1]


def labelled(n_years: int, max_labels: int) -> np.ndarray:
    """Boolean mask of the year positions that carry a tick label (and a value label)."""
    step = year_step(n_years, max_labels)
    return (np.arange(n_years) % step) == 0


def _year_ticks(ax, years, max_labels: int = 12, x=None) -> np.ndarray:
    """A tick at every year, a label every k-th (:func:`year_step`); returns the labelled mask."""
    x = np.arange(len(years)) if x is None else np.asarray(x)
    mask = labelled(len(years), max_labels)
    ax.set_xticks(x, [str(int(y)) if m else "" for y, m in zip(years, mask, strict=True)])
    return mask


def _thousands(ax, axis: str = "y") -> None:
    """Axis numbers with thousands separators (82,159 not 80000 vs 82,159)."""
    fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 100 or v == 0 else f"{v:,.2g}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _stacked_bars(ax, wide: pd.DataFrame, L: Labels, width: float = 0.7, max_labels: int = 12, x=None, hatch_of=None) -> np.ndarray:
    """Stacked bars of a year × item frame; positive above zero, negative below. Returns the labelled-year mask."""
    x = np.arange(len(wide.index)) if x is None else np.asarray(x, dtype=float)
    pos = np.zeros(len(x))
    neg = np.zeros(len(x))
    for col in wide.columns:
        vals = wide[col].to_numpy(dtype=float)
        up = np.clip(vals, 0, None)
        down = np.clip(vals, None, 0)
        kw = {"color": colour(col), "edgecolor": "white", "linewidth": 0.4}
        if hatch_of is not None:
            kw.update(hatch_of(col))
        if np.any(up > 0):
            ax.bar(x, up, width, bottom=pos, label=L(col), **kw)
            pos += up
        if np.any(down < 0):
            ax.bar(x, down, width, bottom=neg, label=None if np.any(up > 0) else L(col), **kw)
            neg += down
    ax.axhline(0, color="black", linewidth=0.6)
    return _year_ticks(ax, list(wide.index), max_labels, x)


def _legend_right(ax, ncol: int = 1, **kw) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, ncol=ncol, **kw)


def _fmt(v: float) -> str:
    if v == 0 or not np.isfinite(v):
        return f"{v:g}"
    mag = abs(v)
    if mag >= 100:
        return f"{v:,.0f}"
    if mag >= 10:
        return f"{v:.1f}"
    if mag >= 0.1:
        return f"{v:.2f}"
    return f"{v:.3g}"


# --------------------------------------------------------------------------- charts


def existing_and_new(capacity: pd.DataFrame) -> pd.DataFrame:
    """Capacity split into what stood in the base year and what was built since (GW or GWh).

    Per technology and unit: ``base = capacity[y0] − new_build[y0]`` (the base-year stock);
    ``new[y] = Σ_{t ≤ y} new_build[t]`` clipped to ``[0, capacity[y]]``; ``existing[y] = capacity[y] − new[y]``
    (the base-year stock still standing). Columns: technology, unit, year, existing, new.
    """
    cap = capacity[capacity["variable"] == "capacity"].groupby(["technology", "unit", "year"])["value"].sum()
    built = capacity[capacity["variable"] == "new_build"].groupby(["technology", "unit", "year"])["value"].sum()
    built = built.reindex(cap.index).fillna(0.0).clip(lower=0.0)
    new = built.groupby(level=["technology", "unit"]).cumsum()
    new = np.minimum(new, cap.clip(lower=0.0))
    out = pd.DataFrame({"existing": cap - new, "new": new}).reset_index()
    return out


def plot_capacity(capacity: pd.DataFrame, scenario: str, lang: str = "en", base_year: int | None = None) -> Figure | None:
    """PV by class (GW), storage power (GW) and energy (GWh), import channels (GW): the base year, then every planning year.

    PV and storage bars are split into the base-year stock still standing (solid)
    and what was built since (hatched, lighter); the base-year bar is
    ``capacity − new_build`` of the first planning year.
    """
    if capacity is None or capacity.empty:
        return None
    L = Labels(lang)
    split = existing_and_new(capacity)
    years = sorted(split["year"].unique())
    base = int(base_year) if base_year is not None else int(years[0]) - 1
    first = split[split["year"] == years[0]].assign(year=base, existing=lambda f: f["existing"], new=0.0)
    split = pd.concat([first, split], ignore_index=True)
    all_years = [base, *years]
    panels = [
        ("PV capacity by class", split[split["technology"].str.startswith("pv_") & (split["unit"] == "GW")], "GW", True),
        ("Storage power", split[split["technology"].str.startswith("storage_") & (split["unit"] == "GW")], "GW", True),
        ("Storage energy", split[split["technology"].str.startswith("storage_") & (split["unit"] == "GWh")], "GWh", True),
        ("Import channels", split[split["technology"].str.startswith("import_") & (split["unit"] == "GW")], "GW", False),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    max_labels = 8
    for ax, (what, frame, unit, stack) in zip(axes.ravel(), panels, strict=True):
        _panel_title(ax, f"{L(what)} ({unit})")
        ax.set_ylabel(unit)
        ax.set_xlabel(L("year"))
        if frame.empty:
            ax.text(0.5, 0.5, "—", transform=ax.transAxes, ha="center")
            continue
        x = np.arange(len(all_years))
        if stack:
            pos = np.zeros(len(x))
            for tech in sorted(frame["technology"].unique()):
                f = frame[frame["technology"] == tech].set_index("year").reindex(all_years).fillna(0.0)
                for part, hatch, shade in (("existing", None, 0.0), ("new", "///", 0.45)):
                    vals = f[part].to_numpy(dtype=float)
                    ax.bar(
                        x,
                        vals,
                        0.7,
                        bottom=pos,
                        color=_lighten(colour(tech), shade),
                        hatch=hatch,
                        edgecolor="white",
                        linewidth=0.4,
                        label=L(tech) if part == "existing" else None,
                    )
                    pos += vals
            mask = _year_ticks(ax, all_years, max_labels, x)
            for i in np.flatnonzero(mask):
                ax.text(x[i], pos[i], _fmt(pos[i]), ha="center", va="bottom", fontsize=8.5)
            ax.set_ylim(0, max(pos.max() * 1.15, 1e-6))
        else:
            wide = frame.pivot_table(index="year", columns="technology", values="existing", aggfunc="sum")
            wide = wide.add(frame.pivot_table(index="year", columns="technology", values="new", aggfunc="sum"), fill_value=0.0)
            wide = wide.reindex(all_years).fillna(0.0)
            n = len(wide.columns)
            w = 0.8 / max(n, 1)
            mask = _year_ticks(ax, all_years, max_labels, x)
            for j, col in enumerate(wide.columns):
                vals = wide[col].to_numpy()
                ax.bar(x + (j - (n - 1) / 2) * w, vals, w, color=colour(col), label=L(col))
                if len(all_years) <= 6:
                    for xi, v in zip(x, vals, strict=True):
                        ax.text(xi + (j - (n - 1) / 2) * w, v, _fmt(v), ha="center", va="bottom", fontsize=8)
            ax.set_ylim(0, max(wide.to_numpy().max() * 1.15, 1e-6))
        ax.axvspan(-0.5, 0.5, color="#eeeeee", zorder=0)
        handles, labels = ax.get_legend_handles_labels()
        if stack:
            handles = [
                *handles[::-1],
                Patch(facecolor="#777777", label=L("existing")),
                Patch(facecolor="#dddddd", hatch="///", label=L("new")),
            ]
            labels = [*labels[::-1], L("existing"), L("new")]
        else:
            handles, labels = handles[::-1], labels[::-1]
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    fig.suptitle(
        f"{L('Capacity')} — {L.scenario(scenario)}, {L('base year')} {base} + {_years_label(years)}", fontsize=13, fontweight="bold"
    )
    fig.tight_layout()
    return fig


def _loads(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame[frame[key].str.startswith("load_")]


def plot_supply_mix(generation: pd.DataFrame, scenario: str, lang: str = "en") -> Figure | None:
    """Electricity supply by source and year (TWh/yr), PV summed over its classes and on top; total demand as a black bar.

    Storage discharge is not supply (it returns what was charged); curtailment is not supplied.
    """
    if generation is None or generation.empty:
        return None
    L = Labels(lang)
    g = generation
    years = sorted(g["year"].unique())
    skip = g["source"].str.startswith("load_") | g["source"].isin(["storage_charge", "storage_discharge", "curtailment"])
    s = g[~skip].assign(source=lambda f: f["source"].where(~f["source"].str.startswith("pv_"), "pv"))
    supply = s.pivot_table(index="year", columns="source", values="value_twh", aggfunc="sum").reindex(years).fillna(0.0)
    supply = supply.loc[:, supply.abs().sum() > 1e-9]
    order = [c for c in supply.sum().sort_values(ascending=False).index if c != "pv"] + (["pv"] if "pv" in supply else [])
    supply = supply[order]
    demand = -_loads(g, "source").groupby("year")["value_twh"].sum().reindex(years).fillna(0.0)
    fig, ax = plt.subplots(figsize=(12, 6.5))
    mask = _stacked_bars(ax, supply, L, width=0.6)
    x = np.arange(len(years))
    ax.hlines(demand.to_numpy(), x - 0.42, x + 0.42, color="black", linewidth=2.5, zorder=5, label=L("total demand"))
    totals = supply.sum(axis=1).to_numpy()
    pv = supply["pv"].to_numpy() if "pv" in supply else np.zeros(len(x))
    top = np.maximum(totals, demand.to_numpy())
    few = len(years) <= 6
    for i in np.flatnonzero(mask):
        text = f"{_fmt(totals[i])} TWh"
        if few:
            text += f"\n{L('total demand')} {_fmt(demand.iloc[i])}\n{L('of which PV')} {_fmt(pv[i])} ({100 * pv[i] / max(totals[i], 1e-9):.1f} %)"
        ax.text(x[i], top[i] * 1.01, text, ha="center", va="bottom", fontsize=8.5 if few else 7.5)
    ax.set_ylim(0, top.max() * (1.25 if few else 1.1))
    ax.set_ylabel("TWh/yr")
    ax.set_xlabel(L("year"))
    _legend_right(ax)
    _title(fig, "Electricity supply mix", scenario, years, L)
    fig.tight_layout()
    return fig


def representative_days(dispatch: pd.DataFrame) -> dict[str, int]:
    """The summer and the winter representative day: the most heavily weighted day
    in Jun–Aug (days 152–243) and in Dec–Feb (days ≥ 335 or ≤ 59), among equally
    weighted ones (every day of an 8,760-hour run) the one closest to mid-July (196)
    or mid-January (15); where a season has no day, the day closest to that date."""
    days = dispatch.groupby("day_of_year")["weight_h"].sum()
    idx, weight = days.index.to_numpy(), days.to_numpy()
    out = {}
    for season, in_season, centre in (
        ("summer day", (idx >= 152) & (idx <= 243), 196),
        ("winter day", (idx >= 335) | (idx <= 59), 15),
    ):
        dist = np.minimum(abs(idx - centre), 365 - abs(idx - centre))
        if in_season.any():
            heaviest = in_season & (weight == weight[in_season].max())
            dist = np.where(heaviest, dist, np.inf)
        out[season] = int(idx[np.argmin(dist)])
    return out


def plot_dispatch(dispatch: pd.DataFrame, scenario: str, lang: str = "en", year: int | None = None) -> Figure | None:
    """Hourly supply stacked against demand on a summer and a winter day (GW), last year by default."""
    if dispatch is None or dispatch.empty:
        return None
    L = Labels(lang)
    year = int(year if year is not None else dispatch["year"].max())
    d = dispatch[dispatch["year"] == year]
    picks = representative_days(d)
    fig, axes = plt.subplots(1, 2, figsize=(14, 6), sharey=True)
    flows_all = d.groupby("flow")["value_gw"].apply(lambda s: s.abs().sum())
    flows = [f for f in flows_all.index if flows_all[f] > 1e-9]
    loads = [f for f in flows if f.startswith("load_")]
    below = [f for f in ("storage_charge", "curtailment") if f in flows]
    above = [f for f in flows if f not in loads and f not in below]
    mean = d[d["flow"].isin(above)].groupby("flow")["value_gw"].mean()
    above = sorted(above, key=lambda f: (f.startswith("pv_") or f == "storage_discharge" or f == "import_green", -mean.get(f, 0.0)))
    handles = {}
    for ax, (season, day) in zip(axes, picks.items(), strict=True):
        dd = d[d["day_of_year"] == day]
        wide = dd.pivot_table(index="hour_of_day", columns="flow", values="value_gw", aggfunc="sum").sort_index()
        hours = wide.index.to_numpy()
        ups = [np.clip(wide[f].to_numpy(), 0, None) if f in wide else np.zeros(len(hours)) for f in above]
        polys = ax.stackplot(hours, *ups, colors=[colour(f) for f in above], labels=[L(f) for f in above], step=None, linewidth=0)
        for f, p in zip(above, polys, strict=True):
            handles[L(f)] = p
        downs = [np.clip(wide[f].to_numpy(), None, 0) if f in wide else np.zeros(len(hours)) for f in below]
        if downs:
            polys = ax.stackplot(hours, *downs, colors=[colour(f) for f in below], labels=[L(f) for f in below], linewidth=0)
            for f, p in zip(below, polys, strict=True):
                handles[L(f)] = p
        demand = -wide[[f for f in loads if f in wide]].sum(axis=1)
        (line,) = ax.plot(hours, demand.to_numpy(), color="black", linewidth=2, label=L("demand"))
        handles[L("demand")] = line
        if "storage_charge" in wide:  # what the supply above zero covers: demand plus charging (the rest is curtailed)
            charging = demand - np.clip(wide["storage_charge"], None, 0)
            (line2,) = ax.plot(hours, charging.to_numpy(), color="black", linewidth=1.5, linestyle="--", label=L("demand + charging"))
            handles[L("demand + charging")] = line2
        ax.axhline(0, color="black", linewidth=0.6)
        weight_days = dd["weight_h"].iloc[0] if not dd.empty else 0
        date = pd.Timestamp(year, 1, 1) + pd.Timedelta(days=int(day) - 1)
        if lang == "zh":
            _panel_title(ax, f"{L(season)}：{date.month}月{date.day}日（第{day}天，{L('weight')} {weight_days:g} {L('days')}），{year}")
        else:
            _panel_title(ax, f"{L(season)}: {date.strftime('%d %b')} (day {day}, {L('weight')} {weight_days:g} {L('days')}), {year}")
        ax.set_xlabel(f"{L('hour of day')} (h)")
        ax.set_xticks(range(0, 25, 3))
        ax.set_xlim(0, 23)
    axes[0].set_ylabel("GW")
    fig.legend(list(handles.values()), list(handles.keys()), loc="lower center", ncol=min(6, len(handles)), frameon=False)
    fig.suptitle(f"{L('Dispatch')} — {L.scenario(scenario)}, {year} (GW)", fontsize=13, fontweight="bold")
    rows = int(np.ceil(len(handles) / 6))
    fig.tight_layout(rect=(0, 0.04 + 0.035 * rows, 1, 1))
    return fig


def plot_energy_use(energy_use: pd.DataFrame, scenario: str, lang: str = "en", kgce_per_kwh: float = 0.1229) -> Figure | None:
    """Final energy use by end-use sector (panels), carrier (stack) and year (Mtce/yr); fuel for power generation apart.

    Electricity (TWh) is converted at ``kgce_per_kwh`` (1 TWh × 0.1229 kgce/kWh
    = 0.1229 Mtce); the use without measures is marked ◇. The power sector's
    panel is fuel burnt for generation, which is not final energy, and comes last
    with its own title.
    """
    if energy_use is None or energy_use.empty:
        return None
    L = Labels(lang)
    e = energy_use.copy()
    factor = np.where(e["unit"] == "TWh", kgce_per_kwh, 1.0)
    e["mtce"] = e["value"] * factor
    e["base_mtce"] = e["baseline"] * factor if "baseline" in e else np.nan
    sectors = sorted(e["sector"].unique(), key=lambda s: (s == "power", s))
    years = sorted(e["year"].unique())
    n = len(sectors)
    ncols = min(3, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.8 * ncols + 2, 4.2 * nrows), squeeze=False)
    handles = {}
    use = e.groupby(["sector", "carrier", "year"])["mtce"].sum()  # all sectors in one grouping
    use_base = e.groupby(["sector", "year"])["base_mtce"].sum()
    for ax, sector in zip(axes.ravel(), sectors, strict=False):
        wide = use.loc[sector].unstack("carrier").reindex(years).fillna(0.0)
        wide = wide[wide.abs().sum().sort_values(ascending=False).index]
        _stacked_bars(ax, wide, L, width=0.6, max_labels=6)
        base = use_base.loc[sector].reindex(years).to_numpy()
        if np.nansum(np.abs(base)) > 1e-9 and np.any(np.abs(base - wide.sum(axis=1).to_numpy()) > 1e-6):
            ax.scatter(
                np.arange(len(years)),
                base,
                marker="D",
                s=20 if len(years) > 12 else 36,
                facecolor="none",
                edgecolor="black",
                zorder=5,
                label=L("baseline (no measures)"),
            )
        if sector == "power":
            _panel_title(ax, L("fuel for power generation (not final energy)"), fontsize=10, color="#444444", style="italic")
        else:
            _panel_title(ax, L(sector))
        ax.set_ylabel("Mtce/yr")
        ax.set_xlabel(L("year"))
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lab, h)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    fig.legend(list(handles.values()), list(handles.keys()), loc="center right", frameon=False, title=L("carrier"))
    fig.suptitle(
        f"{L('Energy use')} — {L.scenario(scenario)}, {_years_label(years)}\n(Mtce/yr; {L('electricity at')} {kgce_per_kwh:g} kgce/kWh)",
        fontsize=12,
        fontweight="bold",
    )
    fig.tight_layout(rect=(0, 0, 0.86, 1))
    return fig


def clause_key(clause) -> tuple:
    """Sort key of a clause id in document order: ``II.5.10`` after ``II.5.2``; no clause last."""
    roman = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
    text = "" if clause is None or (isinstance(clause, float) and np.isnan(clause)) else str(clause)
    if not text:
        return (1, ())
    parts = []
    for p in text.split("."):
        parts.append(roman.get(p, int(p) if p.isdigit() else 99))
    return (0, tuple(parts))


def in_clause_order(scorecard: pd.DataFrame) -> pd.DataFrame:
    """Scorecard rows in the policy's clause order (scenario order within a clause)."""
    c = scorecard.reset_index(drop=True)
    order = sorted(range(len(c)), key=lambda i: (clause_key(c["clause"].iloc[i] if "clause" in c else None), i))
    return c.iloc[order].reset_index(drop=True)


def plot_scorecard(scorecard: pd.DataFrame, scenario: str, lang: str = "en") -> Figure | None:
    """Each target's value as % of its target (100 % = target), met or missed, with its shadow price; in clause order."""
    if scorecard is None or scorecard.empty:
        return None
    L = Labels(lang)
    c = in_clause_order(scorecard)
    pct = np.where(np.abs(c["target"]) > 1e-12, 100.0 * c["value"] / c["target"].where(c["target"] != 0, np.nan), np.nan)
    met = c["met"].astype(str).str.lower().isin(["true", "1"]).to_numpy()
    n = len(c)
    fig, ax = plt.subplots(figsize=(13, 1.0 + 0.55 * n))
    y = np.arange(n)[::-1]
    shown = np.nan_to_num(np.clip(pct, 0, 200), nan=0.0)
    ax.barh(y, shown, 0.6, color=np.where(met, "#2ca02c", "#d62728"))
    ax.axvline(100, color="black", linestyle="--", linewidth=1)
    word = {">=": "≥", "<=": "≤", "==": "="}
    for i, r in c.iterrows():
        status = L("met") if met[i] else L("missed")
        when = f"{r['year']}{L('in')}" if lang == "zh" else f"in {r['year']}"
        ax.text(
            min(shown[i], 200) + 2,
            y[i],
            f"{_fmt(r['value'])} {L.unit(r['unit'])} ({word.get(r['sense'], r['sense'])} {_fmt(r['target'])} {L.unit(r['unit'])} {when}): "
            f"{status}; {L('shadow price')} {_fmt(r['shadow_price'])} {L.unit(r['shadow_price_unit'])}",
            va="center",
            fontsize=8.5,
        )
    # basis: the number is the policy's own, or (marked) the scenario's choice where the clause gives none
    scen = [r.get("basis") == "scenario" for _, r in c.iterrows()]
    labels = [
        (f"{L(r['id'])} ({r['clause']})" if r["clause"] else L(r["id"])) + (f"\n[{L('scenario number')}]" if s else "")
        for s, (_, r) in zip(scen, c.iterrows(), strict=True)
    ]
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 420)
    ax.set_xticks([0, 50, 100, 150, 200])
    ax.set_xlabel(f"{L('value as % of target')} (%, {L('clipped')})")
    ax.grid(axis="y", visible=False)
    ax.legend(
        handles=[Patch(color="#2ca02c", label=L("met")), Patch(color="#d62728", label=L("missed"))],
        loc="lower right",
        frameon=False,
    )
    years = c["year"].unique()
    fig.suptitle(f"{L('Target scorecard')} — {L.scenario(scenario)}, {_years_label(years)}", fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def macc_frame(measures: pd.DataFrame | None, catalogue: pd.DataFrame | None) -> pd.DataFrame | None:
    """Per measure: potential saving, adopted saving (Mtce/yr), net cost (CNY per tce saved); None without a catalogue.

    ``potential`` is the catalogue's ``remaining_potential_saving_mtce_per_yr``
    ((potential − existing) × saving per unit); ``adopted`` is measures.csv's
    ``saving_total_mtce_per_yr`` in the last planning year (the saving of what
    the plan adopts beyond the existing level), capped at the potential.
    """
    if catalogue is None or catalogue.empty or "measure" not in catalogue.columns:
        return None
    cost_col = "net_cost_cny_per_tce" if "net_cost_cny_per_tce" in catalogue.columns else None
    if cost_col is None:
        return None
    keys = [k for k in ("sector", "measure") if k in catalogue.columns]
    agg = catalogue[keys].copy()
    if "remaining_potential_saving_mtce_per_yr" in catalogue.columns:
        agg["potential"] = catalogue["remaining_potential_saving_mtce_per_yr"].to_numpy(dtype=float)
    elif {"potential", "saving_mtce_per_unit_yr"} <= set(catalogue.columns):
        agg["potential"] = ((catalogue["potential"] - catalogue.get("existing", 0.0)) * catalogue["saving_mtce_per_unit_yr"]).to_numpy()
    else:
        return None
    agg["cost"] = catalogue[cost_col].to_numpy(dtype=float)
    agg["adopted"] = 0.0
    if measures is not None and not measures.empty and "saving_total_mtce_per_yr" in measures.columns:
        last = measures[measures["year"] == measures["year"].max()].groupby(keys)["saving_total_mtce_per_yr"].sum()
        agg["adopted"] = last.reindex(pd.MultiIndex.from_frame(agg[keys]) if len(keys) > 1 else agg[keys[0]]).fillna(0.0).to_numpy()
    elif "adopted_saving_mtce_per_yr" in catalogue.columns:
        agg["adopted"] = catalogue["adopted_saving_mtce_per_yr"].to_numpy(dtype=float)
    agg["adopted"] = np.clip(agg["adopted"], 0.0, np.maximum(agg["potential"], 0.0))
    agg = agg[agg["potential"] > 1e-12].dropna(subset=["cost"])
    return agg.reset_index(drop=True) if not agg.empty else None


def plot_macc(measures: pd.DataFrame | None, scenario: str, lang: str = "en", catalogue: pd.DataFrame | None = None) -> Figure | None:
    """Energy-saving cost curve: net cost per tce saved (CNY/tce) against energy saved at full potential (Mtce/yr).

    Bars sorted by cost; width = the measure's saving from its existing level to
    full potential; the filled part of each bar = the saving the plan adopts by
    the last year (measures.csv), the hatched rest = potential not adopted.
    It is an energy-saving curve, not a CO2 abatement curve. Bars are numbered
    and named in the key beside the plot. None without a measure catalogue.
    """
    agg = macc_frame(measures, catalogue)
    if agg is None:
        return None
    L = Labels(lang)
    agg = agg.sort_values(["cost", "measure"]).reset_index(drop=True)
    fig, (ax, key) = plt.subplots(1, 2, figsize=(15, 7.5), gridspec_kw={"width_ratios": [2.3, 1]})
    potential, adopted, cost = (agg[k].to_numpy(dtype=float) for k in ("potential", "adopted", "cost"))
    start = np.concatenate([[0.0], np.cumsum(potential)[:-1]])  # each bar begins where the cheaper ones end
    x0 = float(potential.sum())
    cols = [colour(s) for s in agg["sector"]] if "sector" in agg.columns else ["#4c78a8"] * len(agg)
    # one call per part (bars side by side, none overlaps): adopted filled, the rest hatched
    ax.bar(start, cost, adopted, align="edge", color=cols, edgecolor=cols, linewidth=0.8)
    ax.bar(start + adopted, cost, potential - adopted, align="edge", color="white", edgecolor=cols, hatch="///", linewidth=0.8)
    for i in np.flatnonzero(potential > 0.012 * x0):
        ax.text(start[i] + potential[i] / 2, cost[i], str(i + 1), ha="center", va="bottom" if cost[i] >= 0 else "top", fontsize=7.5)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlim(0, x0 * 1.02)
    ax.set_xlabel(f"{L('energy saved')} (Mtce/yr)")
    ax.set_ylabel(f"{L('cost per tce saved')} (CNY/tce)")
    _thousands(ax)
    handles = [
        Patch(facecolor="#888888", label=L("adopted")),
        Patch(facecolor="white", edgecolor="#888888", hatch="///", label=L("not adopted")),
    ]
    if "sector" in agg.columns:
        handles += [Patch(color=colour(s), label=L(s)) for s in sorted(agg["sector"].unique())]
    ax.legend(handles=handles, loc="upper left", frameon=False, fontsize=8.5)
    lo, hi = agg["cost"].min(), agg["cost"].max()
    span = max(hi - min(lo, 0), 1.0)
    ax.set_ylim(min(lo, 0) - 0.1 * span, hi + 0.35 * span)
    key.axis("off")
    lines = [f"{i + 1:>2}  {L(r['measure'])}" for i, r in agg.iterrows()]
    fs = 8 if len(lines) <= 45 else 6.5
    key.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", fontsize=fs, transform=key.transAxes, linespacing=1.25)
    years = sorted(measures["year"].unique()) if measures is not None and "year" in measures else []
    when = f", {L('adoption by')} {years[-1]}" if years else ""
    fig.suptitle(f"{L('Energy-saving cost curve')} — {L.scenario(scenario)}{when}", fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def plot_emissions(emissions: pd.DataFrame, scenario: str, lang: str = "en") -> Figure | None:
    """CO2 emissions by sector (stacked) and year (Mt CO2/yr), the total written above labelled years; axis from zero."""
    if emissions is None or emissions.empty:
        return None
    L = Labels(lang)
    years = sorted(emissions["year"].unique())
    wide = emissions.pivot_table(index="year", columns="sector", values="value_mtco2", aggfunc="sum").reindex(years).fillna(0.0)
    wide = wide.loc[:, wide.abs().sum() > 1e-9]
    if wide.empty:
        return None
    wide = wide[wide.sum().sort_values(ascending=False).index]
    fig, ax = plt.subplots(figsize=(11, 6))
    mask = _stacked_bars(ax, wide, L, width=0.6)
    total = wide.sum(axis=1).to_numpy()
    for i in np.flatnonzero(mask):
        ax.text(i, total[i] * 1.01, _fmt(total[i]), ha="center", va="bottom", fontsize=9 if len(years) <= 6 else 7.5)
    ax.set_ylim(0, max(total.max() * 1.12, 1e-6))
    ax.set_ylabel("Mt CO2/yr")
    ax.set_xlabel(L("year"))
    _legend_right(ax)
    _title(fig, "CO2 emissions by sector", scenario, years, L)
    fig.tight_layout()
    return fig


#: cost parts of the costs chart: (sector, component) → part; at most six parts
COST_PARTS = ("cost:fuel", "cost:electricity", "cost:grid_plants", "cost:carbon", "cost:pv_storage", "cost:measures")


def cost_part(sector: str, component: str) -> str:
    """The named part (of :data:`COST_PARTS`) a sector's cost component belongs to."""
    if component == "fuel":
        return "cost:fuel"
    if component in ("import_grid", "import_green"):
        return "cost:electricity"
    if component in ("pv", "storage") or component.startswith("storage_"):
        return "cost:pv_storage"
    if component == "measures":
        return "cost:measures"
    if component == "carbon":
        return "cost:carbon"
    return "cost:grid_plants"


def cost_parts(costs: pd.DataFrame) -> pd.DataFrame:
    """Year × part (M CNY/yr, undiscounted), parts in :data:`COST_PARTS` order, empty parts dropped."""
    c = costs.assign(part=[cost_part(s, k) for s, k in zip(costs["sector"], costs["component"], strict=True)])
    wide = c.pivot_table(index="year", columns="part", values="value_mcny", aggfunc="sum").fillna(0.0)
    return wide[[p for p in COST_PARTS if p in wide.columns and wide[p].abs().sum() > 1e-6]]


#: what the plan invests in (right panel of the costs chart): item → (sector filter, component)
INVESTED = {
    "pv": ("power", "pv"),
    "storage": ("power", "storage"),
    "measures": (None, "measures"),
    "grid_expansion": ("power", "grid_expansion"),
}


def plot_costs(costs: pd.DataFrame, scenario: str, lang: str = "en") -> Figure | None:
    """Cost by part and year (M CNY/yr, undiscounted, base-year prices): six named parts; what the plan invests in on its own scale.

    Left: the whole cost in at most six parts (:data:`COST_PARTS`), total written
    above. Right: PV, storage, energy-saving measures and grid reinforcement,
    the parts the policy changes, which are slivers on the left's scale.
    """
    if costs is None or costs.empty:
        return None
    L = Labels(lang)
    years = sorted(costs["year"].unique())
    wide = cost_parts(costs).reindex(years).fillna(0.0)
    if wide.empty:
        return None
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(15, 6.5), gridspec_kw={"width_ratios": [1.4, 1]})
    mask = _stacked_bars(ax, wide, L, width=0.6)
    x = np.arange(len(years))
    pos = wide.clip(lower=0).sum(axis=1).to_numpy()
    neg = wide.clip(upper=0).sum(axis=1).to_numpy()
    total = wide.sum(axis=1).to_numpy()
    few = len(years) <= 6
    for i in np.flatnonzero(mask):
        ax.text(
            x[i],
            pos[i] * 1.01,
            f"{L('total')} {total[i]:,.0f}" if few else f"{total[i]:,.0f}",
            ha="center",
            va="bottom",
            fontsize=9 if few else 7,
        )
    ax.set_ylim(min(neg.min() * 1.1, 0), pos.max() * 1.12)
    ax.set_ylabel(f"{L.unit('M CNY')}/yr ({L('undiscounted')})")
    ax.set_xlabel(L("year"))
    _panel_title(ax, L("Cost by part"))
    _thousands(ax)
    _legend_right(ax, fontsize=8)
    inv = {}
    for item, (sector, comp) in INVESTED.items():
        sel = costs[(costs["component"] == comp) & ((costs["sector"] == sector) if sector else True)]
        inv[item] = sel.groupby("year")["value_mcny"].sum().reindex(years).fillna(0.0)
    inv = pd.DataFrame(inv)
    inv = inv.loc[:, inv.abs().sum() > 1e-6]
    if not inv.empty:
        inv_colours = {"pv": "#f2b701", "storage": "#8e44ad", "measures": "#2ca02c", "grid_expansion": "#8c564b"}
        mask2 = _year_ticks(ax2, years, 8)
        pos2 = np.zeros(len(x))
        for item in inv.columns:
            vals = inv[item].clip(lower=0).to_numpy()
            ax2.bar(x, vals, 0.6, bottom=pos2, color=inv_colours.get(item, colour(item)), label=L(item), edgecolor="white", linewidth=0.4)
            pos2 += vals
        for i in np.flatnonzero(mask2):
            ax2.text(x[i], pos2[i] * 1.01, f"{pos2[i]:,.0f}", ha="center", va="bottom", fontsize=8 if few else 7)
        ax2.set_ylim(0, max(pos2.max() * 1.15, 1e-6))
        _thousands(ax2)
        _legend_right(ax2, fontsize=8)
    _panel_title(ax2, L("Investment-driven parts"))
    ax2.set_ylabel(f"{L.unit('M CNY')}/yr ({L('undiscounted')})")
    ax2.set_xlabel(L("year"))
    _title(fig, "Cost by part", scenario, years, L)
    fig.tight_layout()
    return fig


def plot_price_duration(prices: pd.DataFrame, scenario: str, lang: str = "en") -> Figure | None:
    """Price-duration curve of electricity per planning year: marginal price (CNY/kWh) against hours of the year.

    Each slice's price (``prices.csv``: balance dual / (δ·w)) is held for the
    hours the slice stands for; slices are sorted from the dearest down.
    """
    if prices is None or prices.empty:
        return None
    L = Labels(lang)
    years = sorted(prices["year"].unique())
    fig, ax = plt.subplots(figsize=(10, 5.5))
    cmap = plt.get_cmap("viridis")
    if len(years) > 8:  # long horizons: the labelled years of the year rule and the last one
        years = sorted({*(y for y, m in zip(years, labelled(len(years), 8), strict=True) if m), years[-1]})
    for j, y in enumerate(years):
        part = prices[prices["year"] == y].sort_values("price_cny_per_kwh", ascending=False, kind="mergesort")
        hours = np.concatenate([[0.0], part["weight_h"].cumsum().to_numpy()])
        price = part["price_cny_per_kwh"].to_numpy()
        ax.step(
            hours, np.append(price, price[-1] if len(price) else 0.0), where="post", color=cmap(j / max(1, len(years) - 1)), label=str(y)
        )
    ax.set_xlim(0, 8760)
    ax.set_xlabel("hours of the year (h)" if lang == "en" else "全年小时数 (h)")
    ax.set_ylabel("marginal electricity price (CNY/kWh)" if lang == "en" else "边际电价 (元/kWh)")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.legend(title=L("year"), loc="upper right", fontsize=8)
    _title(fig, "Electricity price duration", scenario, years, L)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- run folder


@dataclass
class ChartSet:
    """Figures by file stem, and notes for the user (skipped charts, font fallback)."""

    figures: dict[str, Figure] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    lang: str = "en"
    font: str | None = None


CHART_NAMES = ("capacity", "supply_mix", "dispatch", "energy_use", "emissions", "scorecard", "macc", "costs", "price_duration")


def make_charts(
    tables: dict[str, pd.DataFrame],
    scenario: str,
    lang: str = "en",
    kgce_per_kwh: float = 0.1229,
    only: tuple[str, ...] | None = None,
    base_year: int | None = None,
) -> ChartSet:
    """Every chart of a run (or those named in ``only``); a chart whose data is absent is skipped with a note."""
    used, font, notes = resolve_lang(lang)
    out = ChartSet(notes=list(notes), lang=used, font=font)
    specs = {
        "capacity": lambda: plot_capacity(tables.get("capacity"), scenario, used, base_year),
        "supply_mix": lambda: plot_supply_mix(tables.get("generation"), scenario, used),
        "dispatch": lambda: plot_dispatch(tables.get("dispatch"), scenario, used),
        "energy_use": lambda: plot_energy_use(tables.get("energy_use"), scenario, used, kgce_per_kwh),
        "emissions": lambda: plot_emissions(tables.get("emissions"), scenario, used),
        "scorecard": lambda: plot_scorecard(tables.get("scorecard"), scenario, used),
        "macc": lambda: plot_macc(tables.get("measures"), scenario, used, catalogue=tables.get("measure_catalogue")),
        "costs": lambda: plot_costs(tables.get("costs"), scenario, used),
        "price_duration": lambda: plot_price_duration(tables.get("prices"), scenario, used),
    }
    with plt.rc_context(_rc(font)), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        for name, make in specs.items():
            if only is not None and name not in only:
                continue
            fig = make()
            if fig is None:
                out.notes.append(f"chart '{name}' skipped: its data is absent from this run")
            else:
                out.figures[name] = fig
    return out


#: zlib level of the PNGs (lossless at every level; 6 is Pillow's default)
PNG_ZLIB_LEVEL = 3


def cut_to_extent(pixels: np.ndarray, extent: Bbox, dpi: float, fill) -> np.ndarray:
    """The part of a figure's drawing (rows from the top, RGBA) inside ``extent`` (inches from the bottom left).

    Pixel rows ``⌊(H − y1)·dpi⌋ … ⌈(H − y0)·dpi⌉`` and columns ``⌊x0·dpi⌋ … ⌈x1·dpi⌉``,
    ``H = rows / dpi``; a margin beyond the drawing is filled with ``fill``
    (the figure's background), as savefig widens the canvas.
    """
    rows, cols = pixels.shape[:2]
    height = rows / dpi
    left, right = int(np.floor(extent.x0 * dpi)), int(np.ceil(extent.x1 * dpi))
    top, bottom = int(np.floor((height - extent.y1) * dpi)), int(np.ceil((height - extent.y0) * dpi))
    r0, r1, c0, c1 = max(top, 0), min(bottom, rows), max(left, 0), min(right, cols)
    if (r0, r1, c0, c1) == (top, bottom, left, right):  # inside the drawing: one copy, no fill
        return np.ascontiguousarray(pixels[top:bottom, left:right])
    out = np.empty((bottom - top, right - left, pixels.shape[2]), dtype=pixels.dtype)
    out[...] = fill
    out[r0 - top : r1 - top, c0 - left : c1 - left] = pixels[r0:r1, c0:c1]
    return out


def ink_extent(pixels: np.ndarray, dpi: float, background) -> Bbox | None:
    """The extent (inches from the bottom left) of the pixels that differ from ``background``; None where they touch the edge.

    ``pixels`` is a drawing, rows from the top, RGBA bytes. Ink in rows
    ``r0 … r1`` and columns ``c0 … c1`` spans ``x = c0/dpi … (c1 + 1)/dpi`` and
    ``y = H − (r1 + 1)/dpi … H − r0/dpi`` with ``H = rows/dpi``. Ink on the
    first or last row or column may continue beyond the drawing (None: measure
    the artists instead); a blank drawing is None too.
    """
    rows, cols = pixels.shape[:2]
    packed = np.ascontiguousarray(pixels).view(np.uint32).reshape(rows, cols)
    ink = packed != np.asarray(background, dtype=np.uint8).view(np.uint32)[0]
    in_row, in_col = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not in_row.size or in_row[0] == 0 or in_col[0] == 0 or in_row[-1] == rows - 1 or in_col[-1] == cols - 1:
        return None
    height = rows / dpi
    return Bbox([[in_col[0] / dpi, height - (in_row[-1] + 1) / dpi], [(in_col[-1] + 1) / dpi, height - in_row[0] / dpi]])


def save_figure(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Write ``<folder>/<name>.png`` and ``.svg`` cut to what is drawn plus ``savefig.pad_inches``, as ``bbox_inches="tight"`` would.

    The figure (laid out when made, at the PNG resolution) is drawn once; the
    extent is that drawing's ink (:func:`ink_extent`), or where ink reaches
    the edge the artists' extent measured on the same drawing; the PNG is the
    drawing cut to the padded extent (lossless, zlib at :data:`PNG_ZLIB_LEVEL`)
    and the SVG is drawn once with that extent given. ``bbox_inches="tight"``
    draws each format twice, once only to measure. Where something drawn lies
    outside the figure the PNG is drawn again with the extent given, as
    savefig would.
    """
    dpi = float(matplotlib.rcParams["savefig.dpi"])
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    if fig.dpi != dpi:
        fig.set_dpi(dpi)
    fig.set_layout_engine(None)  # laid out when made: savefig would otherwise lay the SVG out again
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    background = np.round(255 * np.array(matplotlib.colors.to_rgba(fig.get_facecolor()))).astype(np.uint8)
    drawn = ink_extent(pixels, dpi, background)
    if drawn is None:
        drawn = fig.get_tightbbox(canvas.get_renderer())
    extent = drawn.padded(matplotlib.rcParams["savefig.pad_inches"])
    width, height = fig.get_size_inches()
    meta = {"Software": "transim"}
    if drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= width and drawn.y1 <= height:
        cut = cut_to_extent(pixels, extent, dpi, background)
        matplotlib.image.imsave(png, cut, format="png", dpi=dpi, metadata=meta, pil_kwargs={"compress_level": PNG_ZLIB_LEVEL})
    else:
        fig.savefig(png, dpi=dpi, metadata=meta, bbox_inches=extent, pil_kwargs={"compress_level": PNG_ZLIB_LEVEL})
    fig.savefig(svg, metadata={"Date": None}, bbox_inches=extent)
    return [png, svg]


def save_charts(charts: ChartSet, folder: str | Path) -> list[Path]:
    """Write ``<folder>/<name>.png`` and ``.svg`` for every figure (:func:`save_figure`); close the figures."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    rc = _rc(charts.font)
    with plt.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        for name, fig in charts.figures.items():
            paths += save_figure(fig, folder, name)
            plt.close(fig)
    return paths
