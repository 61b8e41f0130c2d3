"""Compare run folders: side-by-side and difference charts, and a difference table.

``transim compare RUN_DIR RUN_DIR... --out DIR`` writes into DIR:

* ``difference.csv``: long table ``category, item, unit, year, <run 1>,
  <run 2>, …, diff_<run k>`` (run k minus the first run) for capacities,
  costs (by sector and component, undiscounted M CNY/yr; the present value of
  the whole horizon as year ``pv``), emissions (Mt CO2/yr), target values and
  shadow prices;
* ``charts/compare_*.png`` and ``.svg``: capacity in the last year, cost by
  component (present value over the horizon), emissions by year, electricity
  supply in the last year, energy use by sector in the last year, and the
  targets (value as % of target, shadow price), each side by side and as the
  difference to the first run.

Runs are refused (InputError, exit 2) when they were built on different data
sets (name, or an input file both runs read with a different SHA-256) or
different horizons (base year or planning years).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from simulator.errors import InputError, Problem
from simulator.results.charts import ChartSet, _fmt, _rc, clause_key, colour, resolve_lang, save_charts
from simulator.results.i18n import Labels

TABLES = ["capacity", "costs", "emissions", "scorecard", "generation", "energy_use", "indicators", "measures"]

#: electricity counted in energy use at this calorific factor when a run's manifest does not say (kgce/kWh)
KGCE_PER_KWH = 0.1229


@dataclass
class Run:
    label: str
    folder: Path
    manifest: dict
    tables: dict[str, pd.DataFrame]


def load_run(folder: str | Path) -> Run:
    """A run folder's manifest and result tables."""
    folder = Path(folder)
    man_path = folder / "manifest.json"
    if not man_path.is_file():
        raise InputError(problems=[Problem(str(folder), "", "not a run folder (no manifest.json)", "a folder written by `transim run`")])
    try:
        manifest = json.loads(man_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(problems=[Problem(str(man_path), "", f"unreadable manifest: {exc}", "JSON")]) from None
    tables = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        if path.is_file():
            tables[name] = pd.read_csv(path)
    eu = tables.get("energy_use")
    if eu is not None and not eu.empty:
        factor = _calorific_factor(folder)
        tables["energy_use"] = eu.assign(mtce=eu["value"] * np.where(eu["unit"] == "TWh", factor, 1.0))
    return Run(label=str(manifest.get("scenario", folder.name)), folder=folder, manifest=manifest, tables=tables)


def _calorific_factor(folder: Path) -> float:
    """The run's electricity calorific factor (kgce/kWh) from its scenario.yaml, else :data:`KGCE_PER_KWH`."""
    import yaml

    path = folder / "scenario.yaml"
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return float(spec["accounting"]["electricity_calorific_kgce_per_kwh"])
    except (KeyError, TypeError, ValueError, yaml.YAMLError):
        return KGCE_PER_KWH


def load_runs(folders) -> list[Run]:
    runs = [load_run(f) for f in folders]
    seen: dict[str, int] = {}
    for r in runs:
        seen[r.label] = seen.get(r.label, 0) + 1
    for r in runs:
        if seen[r.label] > 1:
            r.label = f"{r.label}@{r.folder.name}"
    return runs


def check_comparable(runs: list[Run]) -> None:
    """Refuse runs on different data sets or horizons; all problems together."""
    if len(runs) < 2:
        raise InputError(problems=[Problem("command line", "RUN_DIR", "give at least two run folders", "two or more")])
    first = runs[0]
    problems = []
    for r in runs[1:]:
        m0, m1 = first.manifest, r.manifest
        if m0.get("dataset") != m1.get("dataset"):
            problems.append(
                Problem(
                    str(r.folder),
                    "dataset",
                    f"data set '{m1.get('dataset')}' differs from '{m0.get('dataset')}' of {first.folder}",
                    "the same data set",
                )
            )
        h0, h1 = m0.get("input_sha256", {}), m1.get("input_sha256", {})
        changed = sorted(f for f in set(h0) & set(h1) if h0[f] != h1[f])
        if changed:
            problems.append(
                Problem(
                    str(r.folder),
                    "input_sha256",
                    f"built on different input data than {first.folder}: {', '.join(changed)} differ",
                    "runs on the same input files (re-run both on the current data)",
                )
            )
        for key in ("base_year", "years"):
            if m0.get(key) != m1.get(key):
                problems.append(
                    Problem(
                        str(r.folder), key, f"horizon {key} {m1.get(key)} differs from {m0.get(key)} of {first.folder}", "the same horizon"
                    )
                )
    if problems:
        raise InputError("runs cannot be compared:\n" + "\n".join(str(p) for p in problems), problems=problems)


# --------------------------------------------------------------------------- headline


def run_name(label: str, L: Labels) -> str:
    """A run's name as shown: its scenario name in English (as the folder is named), the table's name in Chinese.

    A label made unique with ``@<folder>`` keeps that suffix (``参考情景@20261128T073131``).
    """
    if L.lang != "zh":
        return label
    name, at, folder = label.partition("@")
    return L.scenario(name) + at + folder


@dataclass
class Headline:
    """What a run changes against the first run (run − first; negative CO2 and energy = cuts).

    ``d_investment_mcny``: overnight investment summed over the horizon (M CNY,
    undiscounted; None when costs.csv has no ``investment_mcny``);
    ``d_cost_pv_mcny``: total cost, present value (M CNY); ``d_co2_mt`` and
    ``d_final_energy_mtce``: in the last planning year ``year`` (Mt CO2/yr,
    Mtce/yr); ``targets_met`` / ``base_targets_met`` of ``n_targets`` (the first
    run judged against the same targets, see :func:`target_view`);
    ``cny_per_t_co2_avoided``: d_cost_pv / CO2 avoided over the horizon (CNY/t,
    NaN when nothing is avoided).
    """

    run: str
    base: str
    year: int
    d_investment_mcny: float | None
    d_cost_pv_mcny: float
    d_co2_mt: float
    d_final_energy_mtce: float
    targets_met: int
    base_targets_met: int
    n_targets: int
    cny_per_t_co2_avoided: float

    def text(self, L: Labels | None = None) -> str:
        """One line: ``reference − baseline: investment +…, present-value cost +…, CO2 in 2026 −…`` (in ``L``'s language)."""
        L = L or Labels("en")
        run, base = run_name(self.run, L), run_name(self.base, L)
        items = []
        if self.d_investment_mcny is not None:
            items.append(L.fill("compare:investment", value=f"{self.d_investment_mcny / 1000:+,.2f}"))
        items.append(L.fill("compare:pv cost", value=f"{self.d_cost_pv_mcny:+,.0f}"))
        items.append(L.fill("compare:co2", year=self.year, value=f"{self.d_co2_mt:+.2f}"))
        items.append(L.fill("compare:final energy", year=self.year, value=f"{self.d_final_energy_mtce:+.2f}"))
        items.append(L.fill("compare:targets met", met=self.targets_met, n=self.n_targets, base=base, base_met=self.base_targets_met))
        per_t = L.fill("compare:per t", value=f"{self.cny_per_t_co2_avoided:,.0f}") if np.isfinite(self.cny_per_t_co2_avoided) else ""
        return L.fill("compare:headline", run=run, base=base) + L.sep.join(items) + per_t


def _pv_cost(costs: pd.DataFrame) -> float:
    return float((costs["value_mcny"] * costs["discount_factor"]).sum())


def _indicator(run: Run, name: str, year: int) -> float:
    ind = run.tables.get("indicators")
    if ind is None or ind.empty:
        return np.nan
    hit = ind[(ind["indicator"] == name) & (ind["year"] == year)]
    return float(hit["value"].sum()) if len(hit) else np.nan


def headlines(runs: list[Run]) -> list[Headline]:
    """One :class:`Headline` per run after the first, from the runs' tables."""
    first = runs[0]
    out = []
    c0, e0 = first.tables.get("costs"), first.tables.get("emissions")
    if c0 is None or e0 is None:
        return out
    view = target_view(runs)
    year = int(e0["year"].max())
    for r in runs[1:]:
        c1, e1 = r.tables.get("costs"), r.tables.get("emissions")
        if c1 is None or e1 is None:
            continue
        inv = None
        if "investment_mcny" in c0.columns and "investment_mcny" in c1.columns:
            inv = float(c1["investment_mcny"].sum() - c0["investment_mcny"].sum())
        d_pv = _pv_cost(c1) - _pv_cost(c0)
        co2 = lambda e, y: float(e.loc[e["year"] == y, "value_mtco2"].sum())  # noqa: E731
        avoided = float(e0["value_mtco2"].sum() - e1["value_mtco2"].sum())
        v1, v0 = view.get(r.label, pd.DataFrame()), view.get(first.label, pd.DataFrame())
        out.append(
            Headline(
                run=r.label,
                base=first.label,
                year=year,
                d_investment_mcny=inv,
                d_cost_pv_mcny=d_pv,
                d_co2_mt=co2(e1, year) - co2(e0, year),
                d_final_energy_mtce=_indicator(r, "city.final_energy", year) - _indicator(first, "city.final_energy", year),
                targets_met=int(v1["met"].astype(bool).sum()) if not v1.empty else 0,
                base_targets_met=int(v0["met"].astype(bool).sum()) if not v0.empty else 0,
                n_targets=len(v1) if not v1.empty else 0,
                cny_per_t_co2_avoided=d_pv / avoided if avoided > 1e-9 else np.nan,
            )
        )
    return out


# --------------------------------------------------------------------------- difference table


def _long(runs: list[Run], table: str, keys: list[str], value: str, category: str, item, unit) -> pd.DataFrame:
    frames = []
    for r in runs:
        t = r.tables.get(table)
        if t is None or t.empty:
            continue
        f = t.copy()
        f["item"] = item(f)
        f["unit"] = unit(f)
        f = f.groupby(["item", "unit", "year"], as_index=False)[value].sum().rename(columns={value: r.label})
        frames.append(f.set_index(["item", "unit", "year"]))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, axis=1).reset_index()
    out.insert(0, "category", category)
    return out


def difference_table(runs: list[Run]) -> pd.DataFrame:
    """Capacities, costs, emissions, target values and shadow prices of every run, and differences to the first."""
    parts = []
    parts.append(
        _long(
            runs,
            "capacity",
            [],
            "value",
            "capacity",
            lambda f: f["technology"].where(f["variable"] == "capacity", f["technology"] + " (new build)"),
            lambda f: f["unit"],
        )
    )
    parts.append(
        _long(
            runs,
            "costs",
            [],
            "value_mcny",
            "cost",
            lambda f: f["sector"] + ":" + f["component"],
            lambda f: pd.Series("M CNY/yr", index=f.index),
        )
    )
    if all("investment_mcny" in r.tables.get("costs", pd.DataFrame()).columns for r in runs):
        parts.append(
            _long(
                runs,
                "costs",
                [],
                "investment_mcny",
                "investment",
                lambda f: f["sector"] + ":" + f["component"],
                lambda f: pd.Series("M CNY", index=f.index),
            )
        )
    # present value of the horizon, by component
    pv_frames = []
    for r in runs:
        c = r.tables.get("costs")
        if c is None or c.empty:
            continue
        c = c.assign(pv=c["value_mcny"] * c["discount_factor"], item=c["sector"] + ":" + c["component"])
        g = c.groupby("item")["pv"].sum()
        g["total"] = g.sum()
        pv_frames.append(g.rename(r.label))
    if pv_frames:
        pv = pd.concat(pv_frames, axis=1).reset_index().rename(columns={"index": "item"})
        pv.insert(0, "category", "cost (present value)")
        pv.insert(2, "unit", "M CNY")
        pv.insert(3, "year", "pv")
        parts.append(pv)
    parts.append(
        _long(runs, "emissions", [], "value_mtco2", "emissions", lambda f: f["sector"], lambda f: pd.Series("Mt CO2/yr", index=f.index))
    )
    em = _long(
        runs,
        "emissions",
        [],
        "value_mtco2",
        "emissions",
        lambda f: pd.Series("total", index=f.index),
        lambda f: pd.Series("Mt CO2/yr", index=f.index),
    )
    parts.append(em)
    parts.append(
        _long(
            runs,
            "energy_use",
            [],
            "mtce",
            "energy use",
            lambda f: f["sector"] + ":" + f["carrier"],
            lambda f: pd.Series("Mtce/yr", index=f.index),
        )
        if all("mtce" in r.tables.get("energy_use", pd.DataFrame()).columns for r in runs)
        else pd.DataFrame()
    )
    parts.append(
        _long(
            runs,
            "measures",
            [],
            "saving_total_mtce_per_yr",
            "measure saving",
            lambda f: f["sector"] + ":" + f["measure"],
            lambda f: pd.Series("Mtce/yr", index=f.index),
        )
        if all("saving_total_mtce_per_yr" in r.tables.get("measures", pd.DataFrame()).columns for r in runs)
        else pd.DataFrame()
    )
    parts.append(
        _long(runs, "measures", [], "adopted", "measure adopted", lambda f: f["sector"] + ":" + f["measure"], lambda f: f["unit"])
        if all("adopted" in r.tables.get("measures", pd.DataFrame()).columns for r in runs)
        else pd.DataFrame()
    )
    view = target_view(runs)
    for what, col, unit_col in (("target value", "value", "unit"), ("target shadow price", "shadow_price", "shadow_price_unit")):
        frames = []
        for r in runs:
            s = view.get(r.label)
            if s is None or s.empty:
                continue
            s = s.reset_index()
            f = s.assign(item=s["id"], unit=s[unit_col])[["item", "unit", "year", col]].rename(columns={col: r.label})
            frames.append(f.set_index(["item", "unit", "year"]))
        if frames:
            f = pd.concat(frames, axis=1).reset_index()
            f.insert(0, "category", what)
            parts.append(f)
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["category", "item", "unit", "year"])
    out = pd.concat(parts, ignore_index=True)
    labels = [r.label for r in runs]
    for lab in labels:
        if lab not in out:
            out[lab] = np.nan
    base = labels[0]
    for lab in labels[1:]:
        out[f"diff_{lab}"] = out[lab] - out[base]
    out["year"] = out["year"].astype(str)
    rows = []
    for h in headlines(runs):  # what one tonne of CO2 avoided costs, per run against the first
        row = {"category": "cost per t CO2 avoided", "item": "total", "unit": "CNY/t CO2", "year": "horizon"}
        row.update({lab: np.nan for lab in labels})
        row.update({f"diff_{lab}": np.nan for lab in labels[1:]})
        row[f"diff_{h.run}"] = h.cny_per_t_co2_avoided
        rows.append(row)
    if rows:
        out = pd.concat([out, pd.DataFrame(rows)], ignore_index=True)
    return out[["category", "item", "unit", "year", *labels, *[f"diff_{lab}" for lab in labels[1:]]]]


# --------------------------------------------------------------------------- charts


def _side_and_diff(title: str, wide: pd.DataFrame, unit: str, runs: list[Run], stacked: bool, L: Labels | None = None) -> Figure:
    """Left: one bar (stacked by item) per run; right: item differences to the first run (labels in ``L``'s language)."""
    L = L or Labels("en")
    labels = [r.label for r in runs]
    names = [run_name(lab, L) for lab in labels]
    wide = wide.reindex(columns=labels).fillna(0.0)
    wide = wide.loc[wide.abs().max(axis=1) > 1e-9]
    diff = wide[labels[1:]].sub(wide[labels[0]], axis=0) if len(labels) > 1 else pd.DataFrame()
    diff = diff.loc[diff.abs().max(axis=1) > 1e-9 * max(1.0, float(wide.abs().max().max()))] if not diff.empty else diff
    if diff.empty:  # no empty "no difference" panel: one panel, and the title says so
        fig, a1 = plt.subplots(figsize=(9, 6.5))
        a2 = None
        title = L.fill("compare:identical", title=title)
    else:
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(15, 6.5), gridspec_kw={"width_ratios": [1.1, 1]})
    x = np.arange(len(labels))
    if stacked:
        pos, neg = np.zeros(len(x)), np.zeros(len(x))
        for item, row in wide.iterrows():
            v = row.to_numpy(dtype=float)
            up, dn = np.clip(v, 0, None), np.clip(v, None, 0)
            a1.bar(x, up, 0.6, bottom=pos, color=colour(str(item)), label=L(str(item)), edgecolor="white", linewidth=0.4)
            a1.bar(x, dn, 0.6, bottom=neg, color=colour(str(item)), edgecolor="white", linewidth=0.4)
            pos += up
            neg += dn
        for i, t in enumerate(wide.sum().to_numpy()):
            a1.text(i, pos[i], f"{t:,.0f}" if abs(t) >= 1000 else f"{t:,.3g}", ha="center", va="bottom", fontsize=9)
        a1.set_xticks(x, names)
    else:
        n = len(labels)
        w = 0.8 / n
        xi = np.arange(len(wide.index))
        for j, (lab, name) in enumerate(zip(labels, names, strict=True)):
            a1.bar(xi + (j - (n - 1) / 2) * w, wide[lab].to_numpy(), w, label=name, color=plt.get_cmap("tab10")(j), alpha=0.85)
        a1.set_xticks(xi, [L(str(i)) for i in wide.index], rotation=30, ha="right")
    a1.set_ylabel(unit)
    a1.set_title(L("compare:side by side"))
    a1.axhline(0, color="black", linewidth=0.6)
    lo1, hi1 = a1.get_ylim()
    a1.set_ylim(min(lo1, 0.0), max(hi1, 0.0))  # a bar is a quantity: the axis includes zero
    a1.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    # differences
    if a2 is not None:
        n = len(labels) - 1
        yi = np.arange(len(diff.index))
        h = 0.8 / max(n, 1)
        for j, (lab, name) in enumerate(zip(labels[1:], names[1:], strict=True)):
            vals = diff[lab].to_numpy(dtype=float)
            cols = [colour(str(i)) for i in diff.index] if n == 1 else plt.get_cmap("tab10")(j + 1)
            a2.barh(yi + (j - (n - 1) / 2) * h, vals, h, color=cols, label=f"{name} − {names[0]}", edgecolor="black", linewidth=0.3)
            for yy, v in zip(yi + (j - (n - 1) / 2) * h, vals, strict=True):
                a2.text(
                    v, yy, f" {v:+,.0f} " if abs(v) >= 100 else f" {v:+.3g} ", va="center", ha="left" if v >= 0 else "right", fontsize=8
                )
        a2.set_yticks(yi, [L(str(i)) for i in diff.index])
        a2.axvline(0, color="black", linewidth=0.8)
        a2.set_xlabel(L.fill("compare:diff axis", unit=unit, runs=L.sep.join(names[1:])))
        if n == 1:
            a2.set_title(L.fill("compare:diff title total", runs=names[1], base=names[0], value=f"{diff.sum().iloc[0]:+,.4g}", unit=unit))
        else:
            a2.set_title(f"{' / '.join(names[1:])} − {names[0]}")
        lo, hi = diff.min().min(), diff.max().max()
        span = max(hi - min(lo, 0), abs(lo), 1e-9)
        a2.set_xlim(min(lo, 0) - 0.3 * span, max(hi, 0) + 0.3 * span)
        if n > 1:
            a2.legend(frameon=False, fontsize=8)
        a2.grid(axis="y", visible=False)
    fig.suptitle(f"{title} — {L('compare:vs').join(names)}", fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def _last_year(frame: pd.DataFrame) -> int:
    return int(frame["year"].max())


def compare_charts(runs: list[Run], lang: str = "en") -> ChartSet:
    """Every compare chart, labels in ``lang`` (``zh`` falls back to ``en`` with a note when no CJK font is installed)."""
    used, font, notes = resolve_lang(lang)
    L = Labels(used)
    figs: dict[str, Figure] = {}
    with plt.rc_context(_rc(font)):
        cap = {r.label: r.tables.get("capacity") for r in runs}
        if all(c is not None and not c.empty for c in cap.values()):
            y = _last_year(next(iter(cap.values())))
            wide = pd.DataFrame(
                {
                    lab: c[
                        (c["variable"] == "capacity")
                        & (c["year"] == y)
                        & (c["unit"] == "GW")
                        & ~c["technology"].str.startswith("import_grid")
                    ]
                    .groupby("technology")["value"]
                    .sum()
                    for lab, c in cap.items()
                }
            )
            figs["compare_capacity"] = _side_and_diff(L.fill("compare:capacity", year=y), wide, "GW", runs, stacked=False, L=L)
        costs = {r.label: r.tables.get("costs") for r in runs}
        if all(c is not None and not c.empty for c in costs.values()):
            wide = pd.DataFrame(
                {
                    lab: c.assign(pv=c["value_mcny"] * c["discount_factor"], item=c["sector"] + ":" + c["component"])
                    .groupby("item")["pv"]
                    .sum()
                    for lab, c in costs.items()
                }
            )
            years = sorted(next(iter(costs.values()))["year"].unique())
            figs["compare_costs"] = _side_and_diff(
                L.fill("compare:costs", first=years[0], last=years[-1]), wide, L.unit("M CNY"), runs, stacked=True, L=L
            )
        em = {r.label: r.tables.get("emissions") for r in runs}
        if all(e is not None and not e.empty for e in em.values()):
            wide = pd.DataFrame({lab: e.groupby("year")["value_mtco2"].sum() for lab, e in em.items()})
            figs["compare_emissions"] = _emissions_chart(wide, runs, L)
        gen = {r.label: r.tables.get("generation") for r in runs}
        if all(g is not None and not g.empty for g in gen.values()):
            y = _last_year(next(iter(gen.values())))
            wide = pd.DataFrame(
                {
                    lab: g[
                        (g["year"] == y)
                        & ~g["source"].str.startswith("load_")
                        & ~g["source"].isin(["storage_charge", "storage_discharge", "curtailment"])
                    ]
                    .groupby("source")["value_twh"]
                    .sum()
                    for lab, g in gen.items()
                }
            )
            figs["compare_supply_mix"] = _side_and_diff(L.fill("compare:supply", year=y), wide, "TWh/yr", runs, stacked=True, L=L)
        eu = {r.label: r.tables.get("energy_use") for r in runs}
        if all(e is not None and not e.empty and "mtce" in e.columns for e in eu.values()):
            y = _last_year(next(iter(eu.values())))
            wide = pd.DataFrame(
                {lab: e[(e["year"] == y) & (e["sector"] != "power")].groupby("carrier")["mtce"].sum() for lab, e in eu.items()}
            )
            factor = _calorific_factor(runs[0].folder)
            figs["compare_energy_use"] = _side_and_diff(
                L.fill("compare:energy", year=y, factor=f"{factor:g}"), wide, "Mtce/yr", runs, stacked=True, L=L
            )
        fig = _targets_chart(runs, L)
        if fig is not None:
            figs["compare_targets"] = fig
        heads = headlines(runs)
        if heads:
            figs["compare_headline"] = _headline_chart(heads, L)
    return ChartSet(figures=figs, notes=list(notes), lang=used, font=font)


def _headline_chart(heads: list[Headline], L: Labels | None = None) -> Figure:
    """One panel per headline quantity, one bar per run − first run, the value written on the bar."""
    L = L or Labels("en")
    year = heads[0].year
    items = [
        ("compare:h investment", [h.d_investment_mcny / 1000 if h.d_investment_mcny is not None else np.nan for h in heads]),
        ("compare:h pv cost", [h.d_cost_pv_mcny for h in heads]),
        ("compare:h co2", [h.d_co2_mt for h in heads]),
        ("compare:h final energy", [h.d_final_energy_mtce for h in heads]),
        ("compare:h targets", [h.targets_met - h.base_targets_met for h in heads]),
    ]
    items = [(t, v) for t, v in items if not all(np.isnan(x) for x in np.asarray(v, dtype=float))]
    fig, axes = plt.subplots(1, len(items), figsize=(3.2 * len(items), 4.8), squeeze=False)
    names = [run_name(h.run, L) for h in heads]
    base = run_name(heads[0].base, L)
    for ax, (what, vals) in zip(axes[0], items, strict=True):
        vals = np.asarray(vals, dtype=float)
        cols = ["#d62728" if v > 0 else "#2ca02c" for v in vals] if what != "compare:h targets" else ["#1f77b4"] * len(vals)
        x = np.arange(len(vals))
        ax.bar(x, vals, 0.6, color=cols)
        for xi, v in zip(x, vals, strict=True):
            ax.text(xi, v, f"{v:+,.4g}", ha="center", va="bottom" if v >= 0 else "top", fontsize=10, fontweight="bold")
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(x, names)
        ax.set_title(L.fill(what, year=year), fontsize=10)
        lo, hi = min(0.0, vals.min()), max(0.0, vals.max())
        pad = 0.25 * max(hi - lo, 1e-9)
        ax.set_ylim(lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0))
        ax.grid(axis="x", visible=False)
    title = L.fill("compare:headline title", runs=L.sep.join(names), base=base)
    if L.lang != "zh" and len(names) == 1:
        title = title.replace(" change ", " changes ", 1)
    fig.suptitle(title, fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def _emissions_chart(wide: pd.DataFrame, runs: list[Run], L: Labels | None = None) -> Figure:
    L = L or Labels("en")
    labels = [r.label for r in runs]
    names = [run_name(lab, L) for lab in labels]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 5.5))
    for j, (lab, name) in enumerate(zip(labels, names, strict=True)):
        a1.plot(wide.index, wide[lab], marker="o", color=plt.get_cmap("tab10")(j), label=name)
    a1.set_ylabel("Mt CO2/yr")
    a1.set_xlabel(L("year"))
    a1.set_ylim(0, wide.to_numpy().max() * 1.1)  # emissions are a quantity: from zero
    a1.set_xticks(wide.index)
    a1.set_title(L("compare:side by side"))
    a1.legend(frameon=False)
    for j, (lab, name) in enumerate(zip(labels[1:], names[1:], strict=True), start=1):
        d = wide[lab] - wide[labels[0]]
        a2.bar(wide.index + (j - len(labels) / 2) * 0.3, d, 0.3, color=plt.get_cmap("tab10")(j), label=f"{name} − {names[0]}")
        for xx, v in zip(wide.index, d, strict=True):
            a2.text(xx + (j - len(labels) / 2) * 0.3, v, f"{v:+.3g}", ha="center", va="bottom" if v >= 0 else "top", fontsize=8.5)
    a2.axhline(0, color="black", linewidth=0.8)
    a2.set_ylabel(L("compare:emissions diff"))
    a2.set_xlabel(L("year"))
    a2.set_xticks(wide.index)
    a2.set_title(L.fill("compare:less co2", runs=" / ".join(names[1:]), base=names[0]))
    a2.legend(frameon=False)
    fig.suptitle(f"{L('compare:emissions')} — {L('compare:vs').join(names)}", fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def target_view(runs: list[Run]) -> dict[str, pd.DataFrame]:
    """Each run's value of every target any run sets, indexed by target id.

    A run that sets the target gives its scorecard row. A run that does not
    (a baseline) gets the value of the same indicator in the same year from
    its ``indicators.csv``, judged against the other run's target, with
    ``has_target`` False and no shadow price: what the city reaches without
    that policy.
    """
    specs = {}
    for r in runs:
        card = r.tables.get("scorecard")
        if card is not None and not card.empty:
            for _, row in card.iterrows():
                specs.setdefault(row["id"], row)
    out = {}
    for r in runs:
        card = r.tables.get("scorecard")
        have = card.set_index("id") if card is not None and not card.empty else pd.DataFrame()
        ind = r.tables.get("indicators")
        rows = []
        for t, spec in specs.items():
            if t in have.index:
                row = have.loc[t].to_dict()
                row["has_target"] = True
            else:
                value = np.nan
                if ind is not None and not ind.empty:
                    hit = ind[(ind["indicator"] == spec["indicator"]) & (ind["year"] == spec["year"])]
                    if len(hit):
                        value = float(hit["value"].iloc[0])
                target = float(spec["target"])
                margin = {">=": value - target, "<=": target - value}.get(spec["sense"], -abs(value - target))
                row = {
                    "indicator": spec["indicator"],
                    "year": spec["year"],
                    "sense": spec["sense"],
                    "target": target,
                    "value": value,
                    "unit": spec["unit"],
                    "met": bool(margin >= -1e-6 * max(1.0, abs(target))) if np.isfinite(value) else False,
                    "shadow_price": np.nan,
                    "shadow_price_unit": spec["shadow_price_unit"],
                    "has_target": False,
                }
            rows.append({"id": t, **row})
        out[r.label] = pd.DataFrame(rows).set_index("id") if rows else pd.DataFrame()
    return out


def _targets_chart(runs: list[Run], L: Labels | None = None) -> Figure | None:
    """Each target's value as % of target per run, with shadow prices written beside; targets in the policy's clause order.

    A run without the target (a baseline) shows the value it reaches anyway,
    hatched, so the chart reads as "what the policy changes".
    """
    L = L or Labels("en")
    view = target_view(runs)
    clause: dict[str, object] = {}
    for v in view.values():
        if "clause" in v.columns:
            for t, c in v["clause"].items():
                if isinstance(c, str) and c:
                    clause.setdefault(t, c)
    seen = [i for v in view.values() for i in v.index]
    ids = sorted(dict.fromkeys(seen), key=lambda t: (clause_key(clause.get(t)), seen.index(t)))
    if not ids:
        return None
    labels = [r.label for r in runs]
    names = [run_name(lab, L) for lab in labels]
    fig, ax = plt.subplots(figsize=(14, 1.2 + 0.55 * len(ids) * max(1, len(labels) / 2)))
    n = len(labels)
    h = 0.8 / n
    y = np.arange(len(ids))[::-1]
    for j, (lab, name) in enumerate(zip(labels, names, strict=True)):
        c = view[lab]
        for k, t in enumerate(ids):
            yy = y[k] + (n - 1 - j - (n - 1) / 2) * h
            r = c.loc[t]
            pct = 100.0 * r["value"] / r["target"] if r["target"] else np.nan
            met = bool(r["met"])
            width = min(np.nan_to_num(pct), 200)
            ax.barh(
                yy,
                width,
                h,
                color=plt.get_cmap("tab10")(j) if r["has_target"] else (*plt.get_cmap("tab10")(j)[:3], 0.3),
                edgecolor="#2ca02c" if met else "#d62728",
                hatch=None if r["has_target"] else "///",
                linewidth=1.5,
            )
            if r["has_target"]:
                text = L.fill(
                    "compare:target has",
                    run=name,
                    value=_fmt(r["value"]),
                    unit=L.unit(r["unit"]),
                    status=L("met" if met else "missed"),
                    price=_fmt(r["shadow_price"]),
                    price_unit=L.unit(r["shadow_price_unit"]),
                )
            else:
                status = L("compare:would be met" if met else "compare:would be missed")
                text = L.fill("compare:target without", run=name, value=_fmt(r["value"]), unit=L.unit(r["unit"]), status=status)
            ax.text(width + 2, yy, text, va="center", fontsize=7.5)
    ax.axvline(100, color="black", linestyle="--", linewidth=1)
    ax.set_yticks(y, [L(t) for t in ids])
    ax.set_xlim(0, 420)
    ax.set_xticks([0, 50, 100, 150, 200])
    ax.set_xlabel(L("compare:targets axis"))
    ax.grid(axis="y", visible=False)
    handles = [Patch(facecolor=plt.get_cmap("tab10")(j), label=name) for j, name in enumerate(names)]
    handles.append(Patch(facecolor="white", edgecolor="#666666", hatch="///", label=L("compare:without target")))
    ax.legend(handles=handles, loc="lower right", frameon=False)
    fig.suptitle(f"{L('compare:targets title')} — {L('compare:vs').join(names)}", fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def compare_runs(folders, out: str | Path, lang: str = "en") -> dict:
    """Load, check, and write the difference table and charts (labels in ``lang``) into ``out``; return a summary.

    ``difference.csv`` keeps English column names and category names in every
    language (a machine-readable table); the charts and the summary's lines
    (:func:`summary_lines`) are in ``lang``.
    """
    runs = load_runs(folders)
    check_comparable(runs)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = difference_table(runs)
    table.to_csv(out / "difference.csv", index=False, float_format="%.9g", lineterminator="\n")
    charts = compare_charts(runs, lang)
    names = sorted(charts.figures)
    save_charts(charts, out / "charts")
    totals = table[(table["category"] == "cost (present value)") & (table["item"] == "total")]
    return {
        "headlines": headlines(runs),
        "runs": [r.label for r in runs],
        "charts": names,
        "difference_rows": len(table),
        "total_cost_pv": totals.iloc[0][[r.label for r in runs]].to_dict() if not totals.empty else {},
        "lang": charts.lang,
        "notes": charts.notes,
        "out": out,
    }


def summary_lines(summary: dict) -> list[str]:
    """What ``transim compare`` prints, in the summary's language: the headlines first, then totals and where the files are."""
    L = Labels(summary.get("lang", "en"))
    out = Path(summary["out"])
    lines = [h.text(L) for h in summary["headlines"]]
    lines.append(L.fill("compare:compared", runs=L.sep.join(run_name(r, L) for r in summary["runs"])))
    for label, value in summary["total_cost_pv"].items():
        lines.append(L.fill("compare:total cost", run=run_name(label, L), value=f"{value:,.1f}"))
    lines.append(L.fill("compare:table", path=out / "difference.csv", rows=summary["difference_rows"]))
    lines.append(L.fill("compare:charts", names=", ".join(summary["charts"]), folder=out / "charts"))
    return lines
