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
from simulator.results.charts import Labels, _rc, colour, save_charts

TABLES = ["capacity", "costs", "emissions", "scorecard", "generation", "energy_use", "indicators"]


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
    return Run(label=str(manifest.get("scenario", folder.name)), folder=folder, manifest=manifest, tables=tables)


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
    return out[["category", "item", "unit", "year", *labels, *[f"diff_{lab}" for lab in labels[1:]]]]


# --------------------------------------------------------------------------- charts


def _side_and_diff(title: str, wide: pd.DataFrame, unit: str, runs: list[Run], stacked: bool) -> Figure:
    """Left: one bar (stacked by item) per run; right: item differences to the first run."""
    L = Labels("en")
    labels = [r.label for r in runs]
    wide = wide.reindex(columns=labels).fillna(0.0)
    wide = wide.loc[wide.abs().max(axis=1) > 1e-9]
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
        a1.set_xticks(x, labels)
    else:
        n = len(labels)
        w = 0.8 / n
        xi = np.arange(len(wide.index))
        for j, lab in enumerate(labels):
            a1.bar(xi + (j - (n - 1) / 2) * w, wide[lab].to_numpy(), w, label=lab, color=plt.get_cmap("tab10")(j), alpha=0.85)
        a1.set_xticks(xi, [L(str(i)) for i in wide.index], rotation=30, ha="right")
    a1.set_ylabel(unit)
    a1.set_title("side by side")
    a1.axhline(0, color="black", linewidth=0.6)
    a1.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    # differences
    if len(labels) > 1:
        diff = wide[labels[1:]].sub(wide[labels[0]], axis=0)
        diff = diff.loc[diff.abs().max(axis=1) > 1e-9]
        n = len(labels) - 1
        yi = np.arange(len(diff.index))
        h = 0.8 / max(n, 1)
        for j, lab in enumerate(labels[1:]):
            vals = diff[lab].to_numpy(dtype=float)
            cols = [colour(str(i)) for i in diff.index] if n == 1 else plt.get_cmap("tab10")(j + 1)
            a2.barh(yi + (j - (n - 1) / 2) * h, vals, h, color=cols, label=f"{lab} − {labels[0]}", edgecolor="black", linewidth=0.3)
            for yy, v in zip(yi + (j - (n - 1) / 2) * h, vals, strict=True):
                a2.text(
                    v, yy, f" {v:+,.0f} " if abs(v) >= 100 else f" {v:+.3g} ", va="center", ha="left" if v >= 0 else "right", fontsize=8
                )
        a2.set_yticks(yi, [L(str(i)) for i in diff.index])
        if diff.empty:
            a2.text(0.5, 0.5, "no difference", transform=a2.transAxes, ha="center", fontsize=12)
        a2.axvline(0, color="black", linewidth=0.8)
        a2.set_xlabel(f"difference ({unit})")
        a2.set_title(f"difference to {labels[0]}" + (f": total {diff.sum().iloc[0]:+,.4g} {unit}" if n == 1 else ""))
        lo, hi = (diff.min().min(), diff.max().max()) if not diff.empty else (0, 1)
        span = max(hi - min(lo, 0), abs(lo), 1e-9)
        a2.set_xlim(min(lo, 0) - 0.3 * span, max(hi, 0) + 0.3 * span)
        if n > 1:
            a2.legend(frameon=False, fontsize=8)
        a2.grid(axis="y", visible=False)
    fig.suptitle(f"{title} — {' vs '.join(labels)}", fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def _last_year(frame: pd.DataFrame) -> int:
    return int(frame["year"].max())


def compare_charts(runs: list[Run]) -> dict[str, Figure]:
    figs: dict[str, Figure] = {}
    with plt.rc_context(_rc(None)):
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
            figs["compare_capacity"] = _side_and_diff(f"Capacity in {y} (GW)", wide, "GW", runs, stacked=False)
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
                f"Cost by component, present value {years[0]}–{years[-1]} (M CNY)", wide, "M CNY", runs, stacked=True
            )
        em = {r.label: r.tables.get("emissions") for r in runs}
        if all(e is not None and not e.empty for e in em.values()):
            wide = pd.DataFrame({lab: e.groupby("year")["value_mtco2"].sum() for lab, e in em.items()})
            figs["compare_emissions"] = _emissions_chart(wide, runs)
        gen = {r.label: r.tables.get("generation") for r in runs}
        if all(g is not None and not g.empty for g in gen.values()):
            y = _last_year(next(iter(gen.values())))
            wide = pd.DataFrame(
                {
                    lab: g[(g["year"] == y) & ~g["source"].str.startswith("load_") & ~g["source"].isin(["storage_charge", "curtailment"])]
                    .groupby("source")["value_twh"]
                    .sum()
                    for lab, g in gen.items()
                }
            )
            figs["compare_supply_mix"] = _side_and_diff(f"Electricity supply in {y} (TWh/yr)", wide, "TWh/yr", runs, stacked=True)
        eu = {r.label: r.tables.get("energy_use") for r in runs}
        if all(e is not None and not e.empty for e in eu.values()):
            y = _last_year(next(iter(eu.values())))
            wide = pd.DataFrame(
                {
                    lab: e[(e["year"] == y) & (e["sector"] != "power")]
                    .assign(mtce=lambda f: f["value"] * np.where(f["unit"] == "TWh", 0.1229, 1.0))
                    .groupby("carrier")["mtce"]
                    .sum()
                    for lab, e in eu.items()
                }
            )
            figs["compare_energy_use"] = _side_and_diff(
                f"Final energy use by carrier in {y} (Mtce/yr, electricity at 0.1229 kgce/kWh)", wide, "Mtce/yr", runs, stacked=True
            )
        fig = _targets_chart(runs)
        if fig is not None:
            figs["compare_targets"] = fig
    return figs


def _emissions_chart(wide: pd.DataFrame, runs: list[Run]) -> Figure:
    labels = [r.label for r in runs]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(13, 5.5))
    for j, lab in enumerate(labels):
        a1.plot(wide.index, wide[lab], marker="o", color=plt.get_cmap("tab10")(j), label=lab)
    a1.set_ylabel("Mt CO2/yr")
    a1.set_xlabel("year")
    a1.set_xticks(wide.index)
    a1.set_title("side by side")
    a1.legend(frameon=False)
    for j, lab in enumerate(labels[1:], start=1):
        d = wide[lab] - wide[labels[0]]
        a2.bar(wide.index + (j - len(labels) / 2) * 0.3, d, 0.3, color=plt.get_cmap("tab10")(j), label=f"{lab} − {labels[0]}")
        for xx, v in zip(wide.index, d, strict=True):
            a2.text(xx + (j - len(labels) / 2) * 0.3, v, f"{v:+.3g}", ha="center", va="bottom" if v >= 0 else "top", fontsize=8.5)
    a2.axhline(0, color="black", linewidth=0.8)
    a2.set_ylabel("difference (Mt CO2/yr)")
    a2.set_xlabel("year")
    a2.set_xticks(wide.index)
    a2.set_title(f"difference to {labels[0]}")
    a2.legend(frameon=False)
    fig.suptitle(f"CO2 emissions — {' vs '.join(labels)}", fontsize=13, fontweight="bold")
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


def _targets_chart(runs: list[Run]) -> Figure | None:
    """Each target's value as % of target per run, with shadow prices written beside.

    A run without the target (a baseline) shows the value it reaches anyway,
    hatched, so the chart reads as "what the policy changes".
    """
    view = target_view(runs)
    ids = sorted({i for v in view.values() for i in v.index})
    if not ids:
        return None
    labels = [r.label for r in runs]
    fig, ax = plt.subplots(figsize=(14, 1.2 + 0.55 * len(ids) * max(1, len(labels) / 2)))
    n = len(labels)
    h = 0.8 / n
    y = np.arange(len(ids))[::-1]
    for j, lab in enumerate(labels):
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
                text = f"{lab}: {r['value']:.4g} {r['unit']} ({'met' if met else 'missed'}); shadow price {r['shadow_price']:.4g} {r['shadow_price_unit']}"
            else:
                text = f"{lab}: {r['value']:.4g} {r['unit']} without this target ({'would be met' if met else 'would be missed'})"
            ax.text(width + 2, yy, text, va="center", fontsize=7.5)
    ax.axvline(100, color="black", linestyle="--", linewidth=1)
    ax.set_yticks(y, ids)
    ax.set_xlim(0, 420)
    ax.set_xticks([0, 50, 100, 150, 200])
    ax.set_xlabel("value as % of target (%, ≥ 200 % clipped); frame green = met, red = missed; hatched = run without this target")
    ax.grid(axis="y", visible=False)
    handles = [Patch(facecolor=plt.get_cmap("tab10")(j), label=lab) for j, lab in enumerate(labels)]
    handles.append(Patch(facecolor="white", edgecolor="#666666", hatch="///", label="run without this target"))
    ax.legend(handles=handles, loc="lower right", frameon=False)
    fig.suptitle(f"Targets and their shadow prices — {' vs '.join(labels)}", fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def compare_runs(folders, out: str | Path) -> dict:
    """Load, check, and write the difference table and charts into ``out``; return a summary."""
    runs = load_runs(folders)
    check_comparable(runs)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = difference_table(runs)
    table.to_csv(out / "difference.csv", index=False, float_format="%.9g", lineterminator="\n")
    from simulator.results.charts import ChartSet

    figs = compare_charts(runs)
    save_charts(ChartSet(figures=figs), out / "charts")
    totals = table[(table["category"] == "cost (present value)") & (table["item"] == "total")]
    return {
        "runs": [r.label for r in runs],
        "charts": sorted(figs),
        "difference_rows": len(table),
        "total_cost_pv": totals.iloc[0][[r.label for r in runs]].to_dict() if not totals.empty else {},
    }
