"""Charts of a run: pure ``plot_*`` functions from result tables to matplotlib Figures.

Every ``plot_*`` function takes result tables (pandas DataFrames as written
by :mod:`simulator.results`), the scenario name and a language (``en`` or
``zh``) and returns a :class:`matplotlib.figure.Figure`, or ``None`` when the
data it needs is absent (e.g. a run without measures has no abatement cost
curve). Nothing here reads files or prints; :func:`write_run_charts` writes
``charts/<name>.png`` and ``.svg`` into a run folder and returns the notes
(skipped charts, missing CJK font) for the CLI to print.

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
from matplotlib.figure import Figure
from matplotlib.patches import Patch

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
    "coke": "#7f3f00",
    "gas": "#9c755f",
    "oil": "#000000",
    "diesel": "#6b4c2a",
    "gasoline": "#b07aa1",
    "jet_fuel": "#ff9da7",
    "heat": "#e15759",
    "hydrogen": "#76b7b2",
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

_ZH: dict[str, str] = {
    # names
    "pv_utility": "集中式光伏",
    "pv_ci_rooftop": "工商业屋顶光伏",
    "pv_public_rooftop": "公共建筑屋顶光伏",
    "pv_residential_rooftop": "居民屋顶光伏",
    "wind": "风电",
    "biomass": "生物质发电",
    "waste_to_energy": "垃圾发电",
    "coal_chp": "燃煤热电",
    "gas_ccgt": "燃气发电",
    "import_grid": "电网购电",
    "import_green": "绿电入汉",
    "storage_battery_lfp": "磷酸铁锂储能",
    "storage_discharge": "储能放电",
    "storage_charge": "储能充电",
    "storage": "储能",
    "curtailment": "弃电",
    "plant_opex": "电厂运维",
    "carbon": "碳价",
    "measures": "节能措施",
    "fuel": "燃料",
    "pv": "光伏",
    "electricity": "电力",
    "coal": "煤炭",
    "coke": "焦炭",
    "gas": "天然气",
    "oil": "石油",
    "diesel": "柴油",
    "gasoline": "汽油",
    "jet_fuel": "航空煤油",
    "heat": "热力",
    "hydrogen": "氢",
    "power": "电力部门",
    "steel": "钢铁",
    "petrochemicals": "石化",
    "buildings": "建筑",
    "transport": "交通",
    "other": "其他",
    "city": "全市",
    "demand": "用电负荷",
    # titles and axes
    "Capacity": "装机容量",
    "PV capacity by class": "光伏装机（按类型）",
    "Storage power": "储能功率",
    "Storage energy": "储能容量",
    "Import channels": "外购电通道",
    "Electricity supply mix": "电力供应结构",
    "Dispatch": "电力调度",
    "summer day": "夏季典型日",
    "winter day": "冬季典型日",
    "hour of day": "小时",
    "Final energy use by sector and carrier": "分部门分品种终端能源消费",
    "Target scorecard": "目标完成情况",
    "value as % of target": "完成值占目标值 (%)",
    "met": "达成",
    "missed": "未达成",
    "shadow price": "影子价格",
    "Marginal abatement cost curve": "边际减排成本曲线",
    "adoption by": "采用截至",
    "energy saved (Mtce/yr)": "节能量（万吨标煤/年 ×100）",
    "cost (CNY per tce saved)": "成本（元/吨标煤）",
    "adopted": "已采用",
    "not adopted": "未采用",
    "Cost by sector and component": "分部门分项成本",
    "year": "年份",
    "total": "合计",
    "total demand": "总用电量",
    "weight": "代表天数",
    "days": "天",
}

_EN: dict[str, str] = {
    "pv_utility": "PV utility",
    "pv_ci_rooftop": "PV C&I rooftop",
    "pv_public_rooftop": "PV public rooftop",
    "pv_residential_rooftop": "PV residential rooftop",
    "waste_to_energy": "waste to energy",
    "coal_chp": "coal CHP",
    "gas_ccgt": "gas CCGT",
    "import_grid": "grid import",
    "import_green": "green import",
    "storage_battery_lfp": "battery (LFP)",
    "storage_discharge": "storage discharge",
    "storage_charge": "storage charge",
    "plant_opex": "plant O&M",
    "jet_fuel": "jet fuel",
}

_CJK_NAMES = (
    "Noto Sans CJK",
    "Noto Serif CJK",
    "Source Han Sans",
    "Source Han Serif",
    "WenQuanYi",
    "SimHei",
    "Microsoft YaHei",
    "PingFang",
    "Heiti",
    "AR PL",
    "Droid Sans Fallback",
    "Sarasa",
)


def find_cjk_font() -> str | None:
    """The family name of an installed CJK font known to matplotlib, or None.

    Looks in matplotlib's font list first, then in the system font folders
    (fonts installed after matplotlib built its cache are added).
    """
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    for prefix in _CJK_NAMES:  # in order of preference: sans first
        found = sorted(n for n in names if n.startswith(prefix))
        if found:
            return found[0]
    for path in font_manager.findSystemFonts():
        low = Path(path).name.lower()
        if any(key in low for key in ("notosanscjk", "notoserifcjk", "wqy", "sourcehan", "simhei", "msyh", "droidsansfallback")):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return None


@dataclass
class Labels:
    """Translates names and phrases for one language."""

    lang: str = "en"

    def __call__(self, key: str) -> str:
        if self.lang == "zh":
            if key in _ZH:
                return _ZH[key]
            if ":" in key:
                return "：".join(self(part) for part in key.split(":"))
            return key
        if ":" in key:
            return " – ".join(self(part) for part in key.split(":"))
        return _EN.get(key, key.replace("_", " "))


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
        "figure.dpi": 100,
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


def _title(fig: Figure, what: str, scenario: str, years, L: Labels) -> None:
    fig.suptitle(f"{L(what)} — {scenario}, {_years_label(years)}", fontsize=13, fontweight="bold")


def _stacked_bars(ax, wide: pd.DataFrame, L: Labels, width: float = 0.7) -> None:
    """Stacked bars of a year × item frame; positive above zero, negative below."""
    x = np.arange(len(wide.index))
    pos = np.zeros(len(x))
    neg = np.zeros(len(x))
    for col in wide.columns:
        vals = wide[col].to_numpy(dtype=float)
        up = np.clip(vals, 0, None)
        down = np.clip(vals, None, 0)
        if np.any(up > 0):
            ax.bar(x, up, width, bottom=pos, color=colour(col), label=L(col), edgecolor="white", linewidth=0.4)
            pos += up
        if np.any(down < 0):
            ax.bar(
                x, down, width, bottom=neg, color=colour(col), label=None if np.any(up > 0) else L(col), edgecolor="white", linewidth=0.4
            )
            neg += down
    ax.set_xticks(x, [str(int(y)) for y in wide.index])
    ax.axhline(0, color="black", linewidth=0.6)


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


def plot_capacity(capacity: pd.DataFrame, scenario: str, lang: str = "en") -> Figure | None:
    """PV by class (GW), storage power (GW) and energy (GWh), import channels (GW), by year."""
    if capacity is None or capacity.empty:
        return None
    L = Labels(lang)
    cap = capacity[capacity["variable"] == "capacity"]
    years = sorted(cap["year"].unique())
    panels = [
        ("PV capacity by class", cap[cap["technology"].str.startswith("pv_") & (cap["unit"] == "GW")], "GW", True),
        ("Storage power", cap[cap["technology"].str.startswith("storage_") & (cap["unit"] == "GW")], "GW", True),
        ("Storage energy", cap[cap["technology"].str.startswith("storage_") & (cap["unit"] == "GWh")], "GWh", True),
        ("Import channels", cap[cap["technology"].str.startswith("import_") & (cap["unit"] == "GW")], "GW", False),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    for ax, (what, frame, unit, stack) in zip(axes.ravel(), panels, strict=True):
        ax.set_title(f"{L(what)} ({unit})")
        ax.set_ylabel(unit)
        ax.set_xlabel(L("year"))
        if frame.empty:
            ax.text(0.5, 0.5, "—", transform=ax.transAxes, ha="center")
            continue
        wide = frame.pivot_table(index="year", columns="technology", values="value", aggfunc="sum").reindex(years).fillna(0.0)
        if stack:
            _stacked_bars(ax, wide, L)
            totals = wide.sum(axis=1).to_numpy()
            for i, t in enumerate(totals):
                ax.text(i, t, _fmt(t), ha="center", va="bottom", fontsize=8.5)
            ax.set_ylim(0, max(totals.max() * 1.15, 1e-6))
        else:
            x = np.arange(len(years))
            n = len(wide.columns)
            w = 0.8 / max(n, 1)
            for j, col in enumerate(wide.columns):
                vals = wide[col].to_numpy()
                ax.bar(x + (j - (n - 1) / 2) * w, vals, w, color=colour(col), label=L(col))
                for xi, v in zip(x, vals, strict=True):
                    ax.text(xi + (j - (n - 1) / 2) * w, v, _fmt(v), ha="center", va="bottom", fontsize=8)
            ax.set_xticks(x, [str(y) for y in years])
            ax.set_ylim(0, max(wide.to_numpy().max() * 1.15, 1e-6))
        _legend_right(ax)
    _title(fig, "Capacity", scenario, years, L)
    fig.tight_layout()
    return fig


def _loads(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame[frame[key].str.startswith("load_")]


def plot_supply_mix(generation: pd.DataFrame, scenario: str, lang: str = "en") -> Figure | None:
    """Electricity supply by source and year (TWh/yr); total demand marked."""
    if generation is None or generation.empty:
        return None
    L = Labels(lang)
    g = generation
    years = sorted(g["year"].unique())
    skip = g["source"].str.startswith("load_") | g["source"].isin(["storage_charge", "storage_discharge", "curtailment"])
    supply = g[~skip].pivot_table(index="year", columns="source", values="value_twh", aggfunc="sum").reindex(years).fillna(0.0)
    supply = supply.loc[:, supply.abs().sum() > 1e-9]
    order = supply.sum().sort_values(ascending=False).index
    supply = supply[order]
    demand = -_loads(g, "source").groupby("year")["value_twh"].sum().reindex(years).fillna(0.0)
    fig, ax = plt.subplots(figsize=(11, 6))
    _stacked_bars(ax, supply, L, width=0.6)
    x = np.arange(len(years))
    ax.scatter(x, demand.to_numpy(), marker="D", s=50, color="black", zorder=5, label=L("total demand"))
    totals = supply.sum(axis=1).to_numpy()
    for i, t in enumerate(totals):
        ax.text(i, t * 1.01, f"{_fmt(t)} TWh", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max(totals.max(), demand.max()) * 1.12)
    ax.set_ylabel("TWh/yr")
    ax.set_xlabel(L("year"))
    _legend_right(ax)
    _title(fig, "Electricity supply mix", scenario, years, L)
    fig.tight_layout()
    return fig


def representative_days(dispatch: pd.DataFrame) -> dict[str, int]:
    """The summer and the winter representative day: the most heavily weighted day
    in Jun–Aug (days 152–243) and in Dec–Feb (days ≥ 335 or ≤ 59); where a season
    has no day, the day closest to mid-July (196) or mid-January (15)."""
    days = dispatch.groupby("day_of_year")["weight_h"].sum()
    out = {}
    for season, in_season, centre in (
        ("summer day", lambda d: (d >= 152) & (d <= 243), 196),
        ("winter day", lambda d: (d >= 335) | (d <= 59), 15),
    ):
        idx = days.index.to_numpy()
        cand = days[in_season(idx)]
        if not cand.empty:
            out[season] = int(cand.idxmax())
        else:
            dist = np.minimum(abs(idx - centre), 365 - abs(idx - centre))
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
        ax.axhline(0, color="black", linewidth=0.6)
        weight_days = dd["weight_h"].iloc[0] if not dd.empty else 0
        day_label = (pd.Timestamp(year, 1, 1) + pd.Timedelta(days=int(day) - 1)).strftime("%d %b")
        ax.set_title(f"{L(season)}: {day_label} (day {day}, {L('weight')} {weight_days:g} {L('days')}), {year}")
        ax.set_xlabel(f"{L('hour of day')} (h)")
        ax.set_xticks(range(0, 25, 3))
        ax.set_xlim(0, 23)
    axes[0].set_ylabel("GW")
    fig.legend(list(handles.values()), list(handles.keys()), loc="lower center", ncol=min(6, len(handles)), frameon=False)
    fig.suptitle(f"{L('Dispatch')} — {scenario}, {year} (GW)", fontsize=13, fontweight="bold")
    rows = int(np.ceil(len(handles) / 6))
    fig.tight_layout(rect=(0, 0.04 + 0.035 * rows, 1, 1))
    return fig


def plot_energy_use(energy_use: pd.DataFrame, scenario: str, lang: str = "en", kgce_per_kwh: float = 0.1229) -> Figure | None:
    """Final energy use by sector (panels), carrier (stack) and year (Mtce/yr).

    Electricity (TWh) is converted at ``kgce_per_kwh`` (1 TWh × 0.1229 kgce/kWh
    = 0.1229 Mtce); the baseline use without measures is marked ◇.
    """
    if energy_use is None or energy_use.empty:
        return None
    L = Labels(lang)
    e = energy_use.copy()
    factor = np.where(e["unit"] == "TWh", kgce_per_kwh, 1.0)
    e["mtce"] = e["value"] * factor
    e["base_mtce"] = e["baseline"] * factor if "baseline" in e else np.nan
    sectors = list(dict.fromkeys(e.sort_values("sector")["sector"]))
    years = sorted(e["year"].unique())
    n = len(sectors)
    ncols = min(3, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols + 2, 4.2 * nrows), squeeze=False)
    handles = {}
    for ax, sector in zip(axes.ravel(), sectors, strict=False):
        s = e[e["sector"] == sector]
        wide = s.pivot_table(index="year", columns="carrier", values="mtce", aggfunc="sum").reindex(years).fillna(0.0)
        wide = wide[wide.abs().sum().sort_values(ascending=False).index]
        _stacked_bars(ax, wide, L, width=0.6)
        base = s.groupby("year")["base_mtce"].sum().reindex(years).to_numpy()
        if np.nansum(np.abs(base)) > 1e-9 and np.any(np.abs(base - wide.sum(axis=1).to_numpy()) > 1e-6):
            label = "baseline (no measures)" if lang == "en" else "基准（无措施）"
            ax.scatter(np.arange(len(years)), base, marker="D", facecolor="none", edgecolor="black", zorder=5, label=label)
        note = " (fuel for generation)" if sector == "power" and lang == "en" else ("（发电用燃料）" if sector == "power" else "")
        ax.set_title(f"{L(sector)}{note}")
        ax.set_ylabel("Mtce/yr")
        ax.set_xlabel(L("year"))
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lab, h)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    fig.legend(
        list(handles.values()), list(handles.keys()), loc="center right", frameon=False, title="carrier" if lang == "en" else "能源品种"
    )
    fig.suptitle(
        f"{L('Final energy use by sector and carrier')} — {scenario}, {_years_label(years)} (Mtce/yr; electricity at {kgce_per_kwh:g} kgce/kWh)",
        fontsize=12,
        fontweight="bold",
    )
    fig.tight_layout(rect=(0, 0, 0.86, 1))
    return fig


def plot_scorecard(scorecard: pd.DataFrame, scenario: str, lang: str = "en") -> Figure | None:
    """Each target's value as % of its target (100 % = target), met or missed, with its shadow price."""
    if scorecard is None or scorecard.empty:
        return None
    L = Labels(lang)
    c = scorecard.reset_index(drop=True)
    pct = np.where(np.abs(c["target"]) > 1e-12, 100.0 * c["value"] / c["target"].where(c["target"] != 0, np.nan), np.nan)
    met = c["met"].astype(str).str.lower().isin(["true", "1"]).to_numpy()
    n = len(c)
    fig, ax = plt.subplots(figsize=(13, 1.0 + 0.75 * n))
    y = np.arange(n)[::-1]
    shown = np.nan_to_num(np.clip(pct, 0, 200), nan=0.0)
    ax.barh(y, shown, 0.6, color=np.where(met, "#2ca02c", "#d62728"))
    ax.axvline(100, color="black", linestyle="--", linewidth=1)
    word = {">=": "≥", "<=": "≤", "==": "="}
    for i, r in c.iterrows():
        status = L("met") if met[i] else L("missed")
        ax.text(
            min(shown[i], 200) + 2,
            y[i],
            f"{_fmt(r['value'])} {r['unit']} ({word.get(r['sense'], r['sense'])} {_fmt(r['target'])} {r['unit']} in {r['year']}): {status}; "
            f"{L('shadow price')} {_fmt(r['shadow_price'])} {r['shadow_price_unit']}",
            va="center",
            fontsize=8.5,
        )
    labels = [f"{r['id']} ({r['clause']})" if r["clause"] else r["id"] for _, r in c.iterrows()]
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 420)
    ax.set_xticks([0, 50, 100, 150, 200])
    ax.set_xlabel(f"{L('value as % of target')} (%, ≥ 200 % clipped)")
    ax.grid(axis="y", visible=False)
    ax.legend(
        handles=[Patch(color="#2ca02c", label=L("met")), Patch(color="#d62728", label=L("missed"))],
        loc="lower right",
        frameon=False,
    )
    years = c["year"].unique()
    fig.suptitle(f"{L('Target scorecard')} — {scenario}, {_years_label(years)}", fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def _macc_frame(measures: pd.DataFrame | None, catalogue: pd.DataFrame | None) -> pd.DataFrame | None:
    """Per measure: saving (Mtce/yr), cost (CNY per tce), adopted (bool); None when the tables lack them."""

    def pick(frame, *keys, avoid=()):
        for col in frame.columns:
            low = col.lower()
            if all(k in low for k in keys) and not any(a in low for a in avoid):
                return col
        return None

    if catalogue is not None and not catalogue.empty and {"measure", "potential", "saving_mtce_per_unit_yr"} <= set(catalogue.columns):
        cost_col = "net_cost_cny_per_tce" if "net_cost_cny_per_tce" in catalogue.columns else pick(catalogue, "per_tce")
        if cost_col is not None:
            keys = [k for k in ("sector", "measure") if k in catalogue.columns]
            agg = catalogue[keys].copy()
            if "remaining_potential_saving_mtce_per_yr" in catalogue.columns:  # as the measures engineer computes it
                agg["saving"] = catalogue["remaining_potential_saving_mtce_per_yr"]
            else:
                agg["saving"] = (catalogue["potential"] - catalogue.get("existing", 0.0)) * catalogue["saving_mtce_per_unit_yr"]
            agg["cost"] = catalogue[cost_col]
            agg["adopted"] = False
            if measures is not None and not measures.empty and "adopted" in measures.columns:
                last = measures[measures["year"] == measures["year"].max()].set_index(keys)["adopted"]
                existing = catalogue.set_index(keys)["existing"] if "existing" in catalogue.columns else 0.0
                new = (last - existing).reindex(catalogue.set_index(keys).index)
                agg["adopted"] = (new.fillna(0.0) > 1e-9).to_numpy()
            agg = agg[agg["saving"] > 1e-12].dropna(subset=["cost"])
            if not agg.empty:
                return agg
    frames = [f for f in (catalogue, measures) if f is not None and not f.empty]
    for frame in frames:
        cost_col = pick(frame, "per_tce")
        save_col = pick(frame, "saving", "mtce") or pick(frame, "saving", "tce", avoid=("per_tce",))
        if cost_col is None or save_col is None:
            continue
        f = frame
        if "year" in f.columns:
            f = f[f["year"] == f["year"].max()]
        keys = [k for k in ("sector", "measure") if k in f.columns]
        if "measure" not in keys:
            continue
        agg = f.groupby(keys, as_index=False).agg(saving=(save_col, "sum"), cost=(cost_col, "mean"))
        scale = 1e-6 if "mtce" not in save_col.lower() else 1.0
        agg["saving"] = agg["saving"] * scale
        adopted = None
        if measures is not None and not measures.empty and "adopted" in measures.columns:
            m = measures[measures["year"] == measures["year"].max()] if "year" in measures.columns else measures
            new = m.groupby(keys)["new"].sum() if "new" in m.columns else None
            adopted_units = m.groupby(keys)["adopted"].sum()
            adopted = adopted_units > 1e-9 if new is None else (m.groupby(keys)["adopted"].sum() > 1e-9)
        agg["adopted"] = (
            [bool(adopted.get(tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]], False)) for _, r in agg.iterrows()]
            if adopted is not None
            else True
        )
        agg = agg[agg["saving"].abs() > 1e-12].dropna(subset=["cost"])
        if not agg.empty:
            return agg
    return None


def plot_macc(measures: pd.DataFrame | None, scenario: str, lang: str = "en", catalogue: pd.DataFrame | None = None) -> Figure | None:
    """Marginal abatement cost curve: cost per tce saved (CNY/tce) against energy saved (Mtce/yr).

    Bars sorted by cost; width = the measure's saving from its existing
    level to full potential (catalogue ``remaining_potential_saving_mtce_per_yr``), cost = net cost per tce saved
    (annuity + opex − fuel saved); measures adopted beyond their existing
    level by the last year are filled, others hatched. None when no measure has a saving and a cost per tce.
    """
    agg = _macc_frame(measures, catalogue)
    if agg is None:
        return None
    L = Labels(lang)
    agg = agg.sort_values("cost").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(13, 6.5))
    x0 = 0.0
    label_sector = "sector" in agg.columns
    for _, r in agg.iterrows():
        w = abs(r["saving"])
        col = colour(r["sector"]) if label_sector else "#4c78a8"
        ax.bar(
            x0,
            r["cost"],
            w,
            align="edge",
            color=col if r["adopted"] else "white",
            edgecolor=col,
            hatch=None if r["adopted"] else "///",
            linewidth=1,
        )
        if w > 0.02 * max(agg["saving"].abs().sum(), 1e-12):
            ax.text(x0 + w / 2, r["cost"], r["measure"], rotation=90, ha="center", va="bottom" if r["cost"] >= 0 else "top", fontsize=7.5)
        x0 += w
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlim(0, x0 * 1.02)
    ax.set_xlabel(L("energy saved (Mtce/yr)") if lang == "zh" else "energy saved (Mtce/yr)")
    ax.set_ylabel(L("cost (CNY per tce saved)") if lang == "zh" else "cost (CNY per tce saved)")
    handles = [
        Patch(facecolor="#888888", label=L("adopted")),
        Patch(facecolor="white", edgecolor="#888888", hatch="///", label=L("not adopted")),
    ]
    if label_sector:
        handles += [Patch(color=colour(s), label=L(s)) for s in sorted(agg["sector"].unique())]
    ax.legend(handles=handles, loc="upper left", frameon=False)
    lo, hi = agg["cost"].min(), agg["cost"].max()
    span = max(hi - min(lo, 0), 1.0)
    ax.set_ylim(min(lo, 0) - 0.1 * span, hi + 0.35 * span)
    years = sorted(measures["year"].unique()) if measures is not None and "year" in measures else []
    when = f", {L('adoption by')} {years[-1]}" if years else ""
    fig.suptitle(f"{L('Marginal abatement cost curve')} — {scenario}{when}", fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def plot_costs(costs: pd.DataFrame, scenario: str, lang: str = "en") -> Figure | None:
    """Cost by sector and component and year (M CNY/yr, undiscounted, base-year prices)."""
    if costs is None or costs.empty:
        return None
    L = Labels(lang)
    c = costs.assign(item=costs["sector"] + ":" + costs["component"])
    years = sorted(c["year"].unique())
    wide = c.pivot_table(index="year", columns="item", values="value_mcny", aggfunc="sum").reindex(years).fillna(0.0)
    wide = wide.loc[:, wide.abs().sum() > 1e-6]
    if wide.empty:
        return None
    wide = wide[wide.abs().sum().sort_values(ascending=False).index]
    fig, ax = plt.subplots(figsize=(12, 6.5))
    # one colour per component; sectors keep it by component (power:fuel and steel:fuel differ by hatch)
    x = np.arange(len(years))
    pos = np.zeros(len(x))
    neg = np.zeros(len(x))
    hatches = ["", "//", "..", "xx", "\\\\", "++", "oo"]
    sector_hatch = {s: hatches[i % len(hatches)] for i, s in enumerate(sorted(c["sector"].unique(), key=lambda s: (s != "power", s)))}
    for col in wide.columns:
        sector, comp = col.split(":", 1)
        vals = wide[col].to_numpy()
        up, down = np.clip(vals, 0, None), np.clip(vals, None, 0)
        kw = {"color": colour(col if sector != "power" else comp), "hatch": sector_hatch[sector], "edgecolor": "white", "linewidth": 0.4}
        ax.bar(x, up, 0.6, bottom=pos, label=L(col), **kw)
        pos += up
        if np.any(down < 0):
            ax.bar(x, down, 0.6, bottom=neg, **kw)
            neg += down
    total = wide.sum(axis=1).to_numpy()
    for i, t in enumerate(total):
        ax.text(i, pos[i] * 1.01, f"{L('total')} {t:,.0f}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, [str(y) for y in years])
    ax.set_ylim(min(neg.min() * 1.1, 0), pos.max() * 1.12)
    ax.set_ylabel(f"M CNY/yr ({'undiscounted' if lang == 'en' else '未折现'})")
    ax.set_xlabel(L("year"))
    ax.axhline(0, color="black", linewidth=0.6)
    _legend_right(ax)
    _title(fig, "Cost by sector and component", scenario, years, L)
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


CHART_NAMES = ("capacity", "supply_mix", "dispatch", "energy_use", "scorecard", "macc", "costs")


def make_charts(
    tables: dict[str, pd.DataFrame], scenario: str, lang: str = "en", kgce_per_kwh: float = 0.1229, only: tuple[str, ...] | None = None
) -> ChartSet:
    """Every chart of a run (or those named in ``only``); a chart whose data is absent is skipped with a note."""
    used, font, notes = resolve_lang(lang)
    out = ChartSet(notes=list(notes), lang=used, font=font)
    specs = {
        "capacity": lambda: plot_capacity(tables.get("capacity"), scenario, used),
        "supply_mix": lambda: plot_supply_mix(tables.get("generation"), scenario, used),
        "dispatch": lambda: plot_dispatch(tables.get("dispatch"), scenario, used),
        "energy_use": lambda: plot_energy_use(tables.get("energy_use"), scenario, used, kgce_per_kwh),
        "scorecard": lambda: plot_scorecard(tables.get("scorecard"), scenario, used),
        "macc": lambda: plot_macc(tables.get("measures"), scenario, used, catalogue=tables.get("measure_catalogue")),
        "costs": lambda: plot_costs(tables.get("costs"), scenario, used),
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


def save_charts(charts: ChartSet, folder: str | Path) -> list[Path]:
    """Write ``<folder>/<name>.png`` and ``.svg`` for every figure; close the figures."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    rc = _rc(charts.font)
    with plt.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        for name, fig in charts.figures.items():
            for ext in ("png", "svg"):
                path = folder / f"{name}.{ext}"
                meta = {"Software": "transim"} if ext == "png" else {"Date": None}
                fig.savefig(path, metadata=meta, bbox_inches="tight")
                paths.append(path)
            plt.close(fig)
    return paths


_FORKED_JOB: tuple | None = None  # what a forked chart renderer inherits (never pickled)


def _render_in_child(names: tuple[str, ...]) -> None:
    tables, scenario, lang, factor, folder = _FORKED_JOB
    save_charts(make_charts(tables, scenario, lang, factor, only=names), folder)


def write_run_charts(outcome, folder: str | Path, lang: str = "en") -> list[str]:
    """Run-folder writer: ``charts/*.png|svg``; returns notes for the CLI to print.

    Rendering is the slowest step of a default run, so where the machine has
    more than one core and ``fork`` exists, a forked child renders half of the
    charts while this process renders the other half (same figures, same files).
    """
    import multiprocessing as mp
    import os

    global _FORKED_JOB
    scenario = outcome.prepared.scenario
    factor = scenario.spec.accounting.electricity_calorific_kgce_per_kwh
    target = Path(folder) / "charts"
    child_names = ("dispatch", "energy_use", "costs")
    if (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        charts = make_charts(outcome.tables, scenario.name, lang, factor)
        save_charts(charts, target)
        return charts.notes
    _FORKED_JOB = (outcome.tables, scenario.name, lang, factor, target)
    try:
        child = mp.get_context("fork").Process(target=_render_in_child, args=(child_names,), daemon=True)
        child.start()
        mine = tuple(n for n in CHART_NAMES if n not in child_names)
        charts = make_charts(outcome.tables, scenario.name, lang, factor, only=mine)
        save_charts(charts, target)
        child.join()
    finally:
        _FORKED_JOB = None
    if child.exitcode != 0:  # render what the child could not, here
        charts_rest = make_charts(outcome.tables, scenario.name, lang, factor, only=child_names)
        save_charts(charts_rest, target)
        return charts.notes + [n for n in charts_rest.notes if n not in charts.notes]
    notes = list(charts.notes)
    for name in child_names:
        if not (target / f"{name}.png").exists():
            notes.append(f"chart '{name}' skipped: its data is absent from this run")
    return notes
