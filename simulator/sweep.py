"""Sweeps: many variants of one scenario, each an independent solve, on Dask.

A scenario's ``sweep:`` section (schema :class:`simulator.scenario.Sweep`)
names uncertain parameters, each a dotted path into the scenario
(``overrides.<table>.<row>.<column>`` for an input value, or a scenario field)
with a distribution. :func:`sample_parameters` draws a Latin hypercube
(``scipy.stats.qmc.LatinHypercube``, seeded) over the continuous parameters
and maps it through each inverse CDF; grid parameters are crossed with the
draws (variants = grid points × samples).

:func:`plan_sweep` prepares everything once in the calling process: the
central scenario, the raw input tables and the time slices (clustered once;
every variant shares them). :func:`run_sweep` ships that bundle to every
worker of a ``dask.distributed`` cluster (a ``LocalCluster`` with one
single-threaded worker process per core, or an existing scheduler) and
submits one task per variant (:func:`run_variant`), which returns a flat
dict of scalars: status, objective, capacities by year, annual costs,
emissions, and per target its value, met flag and shadow price. A variant
that fails or is infeasible is recorded with its reason.

Run folder ``OUT/``::

    sweep.json            fingerprint of the sweep, parameters, units, timings
    variants/<id>.json    one finished variant (written as it arrives; a rerun skips it)
    sweep.parquet         all variants, one row each (:func:`gather`)
    charts/*.png          distributions and target probabilities (:func:`write_charts`)

Resuming: rerunning the same command on the same ``OUT`` recomputes only
variants without a file (and those lost to a worker failure). A folder that
holds another sweep (different scenario, inputs, samples or seed) is refused.

Column names of ``sweep.parquet`` carry their units: ``param.<id>``
(the parameter's ``unit``), ``objective_mcny`` (M CNY, present value),
``capacity_gw.<technology>.<year>``, ``capacity_gwh.<technology>.<year>``,
``cost_mcny.<sector>.<year>`` (undiscounted annual cost, M CNY/yr),
``emissions_mtco2.total.<year>``, ``target.<id>.value`` / ``.target`` (the
target's own unit, listed in ``sweep.json``), ``target.<id>.met``,
``target.<id>.shadow_price`` (M CNY per unit of the target).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from simulator.errors import InfeasibleError, InputError, Problem, ScenarioError, SimulatorError
from simulator.intake.inputs import Inputs, apply_overrides, load_inputs
from simulator.intake.scenario import Scenario, Sweep, SweepParameter, deep_merge, scenario_from_dict

RETRY = {"lost"}  # statuses recomputed on a rerun (cluster trouble, not the model)


class SweepError(InputError):
    """A sweep cannot start (no ``sweep:`` section, bad path, another sweep in OUT)."""


# --------------------------------------------------------------------------- sampling


def _inverse_cdf(p: SweepParameter, u: np.ndarray) -> np.ndarray:
    """Map uniform draws ``u`` in (0, 1) through the parameter's inverse CDF."""
    if p.distribution == "uniform":
        return p.low + u * (p.high - p.low)
    if p.distribution == "triangular":
        width = p.high - p.low
        return stats.triang(c=(p.mode - p.low) / width, loc=p.low, scale=width).ppf(u)
    if p.distribution == "normal":
        a, b = (p.low - p.mean) / p.std, (p.high - p.mean) / p.std
        return stats.truncnorm(a, b, loc=p.mean, scale=p.std).ppf(u)
    raise ValueError(f"no inverse CDF for {p.distribution}")


def _latin_hypercube(d: int, n: int, seed: int) -> np.ndarray:
    try:
        sampler = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed))
    except TypeError:  # scipy < 1.15 names the generator ``seed``
        sampler = qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed))
    return sampler.random(n)


def sample_parameters(spec: Sweep, samples: int | None = None) -> pd.DataFrame:
    """The variants: one row each, ``variant`` id then one column per parameter id.

    Continuous parameters: ``samples`` Latin hypercube draws (seeded);
    grid parameters: every combination of their values, each crossed with
    the same draws (grid-major order).
    """
    n = samples or spec.samples
    continuous = [p for p in spec.parameters if p.distribution != "grid"]
    grids = [p for p in spec.parameters if p.distribution == "grid"]
    if continuous:
        u = _latin_hypercube(len(continuous), n, spec.seed)
        draws = pd.DataFrame({p.id: _inverse_cdf(p, u[:, j]) for j, p in enumerate(continuous)})
    else:
        draws = pd.DataFrame(index=range(1))
    if grids:
        points = pd.DataFrame(list(itertools.product(*[p.values for p in grids])), columns=[p.id for p in grids])
        frame = points.merge(draws, how="cross") if continuous else points
    else:
        frame = draws
    frame = frame[[p.id for p in spec.parameters]].reset_index(drop=True)
    width = max(5, len(str(len(frame) - 1)))
    frame.insert(0, "variant", [f"v{i:0{width}d}" for i in range(len(frame))])
    return frame


# --------------------------------------------------------------------------- plan


@dataclass
class SweepPlan:
    """Everything a sweep needs, prepared once: ship ``bundle`` to the workers."""

    scenario: Scenario
    variants: pd.DataFrame  # variant, <parameter ids>
    overrides: dict[str, dict]  # variant id → mapping deep-merged into the scenario
    bundle: dict  # resolved scenario, raw inputs, time slices (what a worker needs)
    fingerprint: str
    central: dict[str, float] = field(default_factory=dict)  # path → central value
    timings: dict = field(default_factory=dict)


def _lookup_scenario(resolved: dict, parts: list[str]):
    """Follow ``parts`` through the resolved scenario → (keys as found, value) or None."""
    node, keys = resolved, []
    for part in parts:
        if not isinstance(node, dict):
            return None
        key = part if part in node else next((k for k in node if str(k) == part), None)
        if key is None:
            return None
        keys.append(key)
        node = node[key]
    return keys, node


def _central_values(scenario: Scenario, inputs: Inputs, spec: Sweep) -> tuple[dict, dict, list[Problem]]:
    """Central value and key path of every swept path; problems located in the YAML."""
    central, keys, problems = {}, {}, []
    for i, par in enumerate(spec.parameters):
        for j, path in enumerate(par.paths):
            loc = ("sweep", "parameters", i, "paths", j)
            where, fld = scenario.where(loc), f"sweep.parameters[{i}].paths[{j}]"
            parts = path.split(".")
            if parts[0] == "overrides":
                table, row, column = parts[1:]
                if table not in inputs.tables:
                    problems.append(Problem(where, fld, f"unknown input table '{table}'", "one of: " + ", ".join(sorted(inputs.tables))))
                    continue
                frame = inputs.tables[table]
                ids = frame[frame.columns[0]].astype(str).to_numpy()
                hit = np.flatnonzero(ids == row)
                numeric = [c for c in frame.columns[1:] if c != "source" and pd.api.types.is_numeric_dtype(frame[c])]
                if len(hit) == 0:
                    problems.append(Problem(where, fld, f"no row '{row}' in {table}.csv", "one of: " + ", ".join(ids[:30])))
                    continue
                if column not in numeric:
                    problems.append(
                        Problem(where, fld, f"'{column}' is not a numeric column of {table}.csv", "one of: " + ", ".join(numeric))
                    )
                    continue
                value = frame[column].iloc[hit[0]]
                keys[path] = ["overrides", table, row, column]
            else:
                found = _lookup_scenario(scenario.resolved, parts)
                if found is None:
                    problems.append(Problem(where, fld, f"no field '{path}' in the resolved scenario", "a dotted path to a scenario field"))
                    continue
                keys[path], value = found
                if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                    problems.append(Problem(where, fld, f"'{path}' holds {value!r}, not a number", "a numeric field"))
                    continue
            if par.apply == "scale" and (value is None or pd.isna(value)):
                problems.append(Problem(where, fld, f"'{path}' has no central value to scale", "apply: value, or a path with a value"))
                continue
            central[path] = None if value is None or pd.isna(value) else float(value)
    return central, keys, problems


def _nest(keys: list, value) -> dict:
    out: dict = value
    for key in reversed(keys):
        out = {key: out}
    return out


def variant_overrides(spec: Sweep, row: dict, central: dict, keys: dict) -> dict:
    """The mapping deep-merged into the central scenario for one variant."""
    out: dict = {}
    for par in spec.parameters:
        x = float(row[par.id])
        for path in par.paths:
            value = x * central[path] if par.apply == "scale" else x
            out = deep_merge(out, _nest(keys[path], value))
    return out


def _fingerprint(resolved: dict, inputs: Inputs, variants: pd.DataFrame) -> str:
    payload = {
        "scenario": resolved,
        "inputs": dict(sorted(inputs.file_hashes.items())),
        "variants": variants.to_dict(orient="list"),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def plan_sweep(scenario_path, samples: int | None = None, overrides: dict | None = None, progress: Callable = lambda _m: None) -> SweepPlan:
    """Load the scenario and its inputs, cluster the time slices once, draw the variants."""
    from simulator.runs.pipeline import prepare

    t0 = time.perf_counter()
    prepared = prepare(scenario_path, overrides, progress)
    scenario = prepared.scenario
    spec = scenario.spec.sweep
    if spec is None:
        raise SweepError(
            problems=[Problem(scenario.where(()), "sweep", "the scenario has no sweep: section", "a sweep: section (see docs/sweeps.md)")]
        )
    raw = load_inputs(prepared.inputs.root)
    central, keys, problems = _central_values(scenario, prepared.inputs, spec)
    if problems:
        raise ScenarioError(problems=problems)
    variants = sample_parameters(spec, samples)
    progress(f"{len(variants)} variants of {len(spec.parameters)} parameters (Latin hypercube, seed {spec.seed})")
    per_variant = {row["variant"]: variant_overrides(spec, row, central, keys) for row in variants.to_dict(orient="records")}
    resolved = dict(scenario.resolved)
    resolved["sweep"] = None
    bundle = {"resolved": resolved, "path": str(scenario.path), "inputs": raw, "time": prepared.time}
    first = variants["variant"].iloc[0]
    try:  # a wrong type or bound shows now, not 200 times on the workers
        _variant_inputs(bundle, per_variant[first])
    except SimulatorError as exc:
        row = variants.iloc[0].to_dict()
        raise SweepError(
            problems=[
                Problem(
                    scenario.where(("sweep",)), "sweep", f"variant {first} ({row}) is not a valid scenario: {p.field}: {p.what}", p.expected
                )
                for p in exc.problems
            ]
            or [Problem(scenario.where(("sweep",)), "sweep", f"variant {first} is not a valid scenario: {exc}")]
        ) from None
    fingerprint = _fingerprint(scenario.resolved, raw, variants)
    timings = {"plan_s": time.perf_counter() - t0, **prepared.timings}
    return SweepPlan(scenario, variants, per_variant, bundle, fingerprint, central, timings)


# --------------------------------------------------------------------------- one variant


def _variant_inputs(bundle: dict, overrides: dict):
    data = deep_merge(bundle["resolved"], overrides)
    scenario = scenario_from_dict(data, bundle["path"])
    inputs = apply_overrides(bundle["inputs"], scenario.spec.overrides, scenario.where)
    return scenario, inputs


def summarise(tables: dict, objective: float | None) -> dict:
    """Flat scalars of one solved variant (column names carry units)."""
    out: dict = {"objective_mcny": objective}
    cap = tables["capacity"]
    cap = cap[cap["variable"] == "capacity"]
    for r in cap.itertuples(index=False):
        out[f"capacity_{r.unit.lower()}.{r.technology}.{r.year}"] = float(r.value)
    pv = cap[cap["technology"].str.startswith("pv_") & (cap["unit"] == "GW")].groupby("year")["value"].sum()
    for year, value in pv.items():
        out[f"capacity_gw.pv_total.{year}"] = float(value)
    costs = tables["costs"]
    for (sector, year), value in costs.groupby(["sector", "year"])["value_mcny"].sum().items():
        out[f"cost_mcny.{sector}.{year}"] = float(value)
    for year, value in costs.groupby("year")["value_mcny"].sum().items():
        out[f"cost_mcny.total.{year}"] = float(value)
    for year, value in tables["emissions"].groupby("year")["value_mtco2"].sum().items():
        out[f"emissions_mtco2.total.{year}"] = float(value)
    out.update(_targets(tables["scorecard"]))
    return out


def _targets(card: pd.DataFrame | None, prices: bool = True) -> dict:
    """Per target: value, target, met flag and (for an optimal plan) shadow price."""
    out: dict = {}
    if card is None:
        return out
    for r in card.itertuples(index=False):
        out[f"target.{r.id}.value"] = float(r.value)
        out[f"target.{r.id}.target"] = float(r.target)
        out[f"target.{r.id}.met"] = bool(r.met)
        if prices:  # a relaxed (soft) re-solve's duals are penalty prices, not costs of the target
            out[f"target.{r.id}.shadow_price"] = float(r.shadow_price)
    return out


#: this process's HiGHS instance kept between variants (see :func:`run_variant`)
_WARM: dict[str, object] = {}


def run_variant(bundle: dict, variant: str, overrides: dict, reuse: bool | None = None) -> dict:
    """Solve one variant; never raises. Returns a flat dict of scalars.

    ``status``: optimal, infeasible (with the targets that cannot be met, and
    the target values of the plan with every target relaxed), or failed.

    ``reuse`` (default: ``bundle["reuse_lp"]``, true unless set): the variant's
    Pyomo model is built from its inputs as always, but its LP goes to the HiGHS
    instance this process kept from its previous variant: when rows, columns
    and sparsity pattern match (the variants changed numbers only), costs,
    bounds and matrix values are changed in place and dual simplex starts from
    the previous variant's optimal basis; otherwise the LP is passed afresh
    (``reused_lp`` in the record says which).
    """
    from simulator.runs.pipeline import Prepared, run
    from simulator.solve.highs import WarmStart

    t0 = time.perf_counter()
    record: dict = {"variant": variant, "status": "failed", "reason": ""}
    reuse = bundle.get("reuse_lp", True) if reuse is None else reuse
    warm = _WARM.setdefault("lp", WarmStart()) if reuse else None
    try:
        scenario, inputs = _variant_inputs(bundle, overrides)
        outcome = run(Prepared(scenario, inputs, bundle["time"], {"load_s": 0.0, "timeslices_s": 0.0}), warm=warm)
        record.update(status="optimal", **summarise(outcome.tables, outcome.result.objective))
        record["reused_lp"] = bool(outcome.result.options.get("reused_lp", False))
    except InfeasibleError as exc:
        record.update(status="infeasible", reason=str(exc))
        record.update(_targets(getattr(exc, "soft_scorecard", None), prices=False))
    except SimulatorError as exc:
        record["reason"] = f"{type(exc).__name__}: {exc}"
    except Exception as exc:
        record["reason"] = f"internal error: {type(exc).__name__}: {exc}"
    record["seconds"] = time.perf_counter() - t0
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return record


# --------------------------------------------------------------------------- run folder


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def finished(out: Path, plan: SweepPlan) -> dict[str, dict]:
    """Stored records of this sweep's variants (a rerun skips them)."""
    done = {}
    folder = out / "variants"
    ids = set(plan.variants["variant"])
    for path in sorted(folder.glob("v*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue  # a torn file: recompute
        if record.get("variant") in ids and record.get("fingerprint") == plan.fingerprint and record.get("status") not in RETRY:
            done[record["variant"]] = record
    return done


def _check_folder(out: Path, plan: SweepPlan) -> None:
    meta = out / "sweep.json"
    if not meta.is_file():
        return
    try:
        old = json.loads(meta.read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, json.JSONDecodeError):
        old = None
    if old != plan.fingerprint:
        raise SweepError(
            problems=[
                Problem(
                    str(meta),
                    "fingerprint",
                    "this folder holds another sweep (different scenario, inputs, samples or seed)",
                    "a new --out folder, or remove this one",
                )
            ]
        )


def column_units(plan: SweepPlan) -> dict:
    """Unit of each column whose name cannot carry it (parameters, targets)."""
    units = {f"param.{p.id}": p.unit for p in plan.scenario.spec.sweep.parameters}
    for t in plan.scenario.spec.targets:
        units[f"target.{t.id}.value"] = t.unit or ""
        units[f"target.{t.id}.target"] = t.unit or ""
        units[f"target.{t.id}.shadow_price"] = f"M CNY per {t.unit or 'unit'}"
    return units


def _meta(plan: SweepPlan, extra: dict | None = None) -> dict:
    spec = plan.scenario.spec.sweep
    return {
        "scenario": plan.scenario.name,
        "scenario_file": str(plan.scenario.path),
        "scenario_sha256": plan.scenario.sha256(),
        "fingerprint": plan.fingerprint,
        "n_variants": len(plan.variants),
        "seed": spec.seed,
        "parameters": [p.model_dump(mode="json") for p in spec.parameters],
        "central_values": plan.central,
        "time_slices": plan.bundle["time"].label,
        "units": column_units(plan),
        **(extra or {}),
    }


# --------------------------------------------------------------------------- execution


def start_client(scheduler: str | None = None, workers: int | None = None):
    """A Dask client: to ``scheduler`` or to a new LocalCluster (one 1-thread process per core)."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="30s")
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster)


def run_sweep(
    plan: SweepPlan,
    out: str | Path,
    client=None,
    scheduler: str | None = None,
    workers: int | None = None,
    on_start: Callable[[int, int], None] = lambda _todo, _done: None,
    on_result: Callable[[dict], None] = lambda _r: None,
) -> pd.DataFrame:
    """Run every unfinished variant on Dask, store each as it arrives, gather.

    ``on_start(n_to_run, n_already_done)`` and ``on_result(record)`` let the
    caller show progress. Returns the gathered table (also in sweep.parquet).
    """
    from distributed import as_completed

    out = Path(out)
    _check_folder(out, plan)
    (out / "variants").mkdir(parents=True, exist_ok=True)
    done = finished(out, plan)
    todo = [v for v in plan.variants["variant"] if v not in done]
    _write_json(out / "sweep.json", _meta(plan, {"status": "running"}))
    on_start(len(todo), len(done))
    t0 = time.perf_counter()
    cluster_info = {}
    if todo:
        own = client is None
        client = client or start_client(scheduler, workers)
        try:
            cluster_info = {"scheduler": client.scheduler.address, "workers": len(client.scheduler_info(n_workers=-1)["workers"])}
            base = client.scatter(plan.bundle, broadcast=True, hash=False)
            futures = {
                client.submit(run_variant, base, v, plan.overrides[v], key=f"variant-{v}-{plan.fingerprint[:12]}", retries=0): v
                for v in todo
            }
            for future in as_completed(futures):
                v = futures[future]
                try:
                    record = future.result()
                except Exception as exc:  # the worker died or the task was cancelled
                    record = {"variant": v, "status": "lost", "reason": f"{type(exc).__name__}: {exc}"}
                record["fingerprint"] = plan.fingerprint
                _write_json(out / "variants" / f"{v}.json", record)
                on_result(record)
        finally:
            if own:
                cluster = getattr(client, "cluster", None)
                client.close()
                if cluster is not None:
                    cluster.close()
    wall = time.perf_counter() - t0
    table = gather(out, plan)
    table.to_parquet(out / "sweep.parquet", index=False)
    counts = table["status"].value_counts().to_dict()
    _write_json(
        out / "sweep.json",
        _meta(
            plan,
            {"status": "complete", "counts": counts, "wall_s_this_run": round(wall, 3), "computed_this_run": len(todo), **cluster_info},
        ),
    )
    return table


def run_serial(plan: SweepPlan, variants: list[str] | None = None, reuse: bool | None = None) -> pd.DataFrame:
    """The same variants solved one after another in this process (tests, benchmarks); ``reuse`` as in :func:`run_variant`."""
    ids = variants if variants is not None else list(plan.variants["variant"])
    records = [run_variant(plan.bundle, v, plan.overrides[v], reuse=reuse) for v in ids]
    return _table(plan, records)


def gather(out: Path, plan: SweepPlan) -> pd.DataFrame:
    """All stored variants of this sweep, one row each, sampled parameters first."""
    return _table(plan, list(finished(out, plan).values()) + _lost(out, plan))


def _lost(out: Path, plan: SweepPlan) -> list[dict]:
    records = []
    for path in sorted((out / "variants").glob("v*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if record.get("fingerprint") == plan.fingerprint and record.get("status") in RETRY:
            records.append(record)
    return records


def _table(plan: SweepPlan, records: list[dict]) -> pd.DataFrame:
    params = plan.variants.rename(columns={p: f"param.{p}" for p in plan.variants.columns if p != "variant"})
    results = pd.DataFrame(records).drop(columns=["fingerprint"], errors="ignore")
    if results.empty:
        results = pd.DataFrame(columns=["variant", "status", "reason", "seconds", "worker"])
    table = params.merge(results, on="variant", how="inner")
    head = ["variant", *[c for c in params.columns if c != "variant"], "status", "reason", "objective_mcny", "seconds", "worker"]
    head = [c for c in head if c in table.columns]
    rest = sorted(c for c in table.columns if c not in head)
    table = table[head + rest]
    for c in rest:
        if c.endswith(".met"):
            table[c] = table[c].astype("boolean")
    for c in ("status", "reason", "worker"):
        if c in table.columns:
            table[c] = table[c].fillna("").astype(str)
    return table.sort_values("variant", kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------- charts


def _final_year(table: pd.DataFrame, prefix: str) -> int | None:
    years = [int(c.rsplit(".", 1)[1]) for c in table.columns if c.startswith(prefix) and c.rsplit(".", 1)[1].isdigit()]
    return max(years) if years else None


def _num(v: float) -> str:
    """A number for a chart: thousands separators, no exponent (219,500 not 2.195e+05)."""
    if not np.isfinite(v):
        return "–"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 1 or v == 0:
        return f"{v:,.4g}"
    return f"{v:.3g}"


def _hist(ax, values: pd.Series, title: str, xlabel: str) -> None:
    """A histogram with P10/P50/P90; where every variant has the same value, that value and "identical in all variants"."""
    from matplotlib.ticker import FuncFormatter

    v = values.dropna().to_numpy(dtype=float)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("variants")
    if len(v) == 0:
        ax.text(0.5, 0.5, "no solved variant", ha="center", va="center", transform=ax.transAxes)
        return
    if v.max() - v.min() <= 1e-9 * max(1.0, abs(v).max()):
        ax.text(
            0.5,
            0.5,
            f"identical in all {len(v)} variants:\n{_num(v[0])} {xlabel}",
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=10,
        )
        ax.set_xticks([])
        ax.set_yticks([])
        return
    ax.hist(v, bins=min(30, max(5, len(v) // 5)), color="#4c72b0", edgecolor="white")
    ax.locator_params(axis="x", nbins=5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _num(x)))
    p10, p50, p90 = np.percentile(v, [10, 50, 90])
    for x, style in ((p10, ":"), (p50, "-"), (p90, ":")):
        ax.axvline(x, color="#c44e52", linestyle=style, linewidth=1)
    ax.text(
        0.98,
        0.95,
        f"P10 {_num(p10)}\nP50 {_num(p50)}\nP90 {_num(p90)}",
        ha="right",
        va="top",
        transform=ax.transAxes,
        fontsize=8,
        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
    )


def _grid(n: int):
    from matplotlib.figure import Figure

    cols = min(3, max(1, n))
    rows = int(np.ceil(n / cols))
    fig = Figure(figsize=(4.2 * cols, 3.3 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes


def plot_capacities(table: pd.DataFrame, path: Path, n_total: int) -> Path | None:
    """Histograms of the final-year capacities that differ between variants."""
    year = _final_year(table, "capacity_")
    if year is None:
        return None
    cols = [c for c in table.columns if c.startswith("capacity_") and c.endswith(f".{year}")]

    def spread(c: str) -> bool:
        return bool(table[c].max() - table[c].min() > 1e-9 * max(1.0, abs(table[c].max())))

    key = [c for c in cols if ".pv_total." in c or ".storage_" in c] + [c for c in cols if ".import_" in c and spread(c)]
    cols = key + [c for c in cols if ".pv_" in c and ".pv_total." not in c and spread(c)]
    if not cols:
        return None
    fig, axes = _grid(len(cols))
    for ax, c in zip(axes, cols, strict=False):
        unit = c.split(".")[0].split("_", 1)[1].upper().replace("GWH", "GWh")
        tech = c.split(".")[1].replace("_", " ")
        kind = "energy" if unit == "GWh" else "power"
        _hist(ax, table[c], f"{tech} ({kind}), {year}" if tech.startswith("storage") else f"{tech}, {year}", f"capacity ({unit})")
    fig.suptitle(f"Capacities in {year} across {table[cols[0]].notna().sum()} solved of {n_total} variants")
    fig.savefig(path, dpi=110)
    return path


def plot_costs(table: pd.DataFrame, path: Path, n_total: int) -> Path | None:
    """Histograms of the objective and of final-year annual costs by sector."""
    year = _final_year(table, "cost_mcny.")
    cols = [("objective_mcny", "total system cost (present value)", "M CNY")]
    if year is not None:
        cols.append((f"cost_mcny.total.{year}", f"annual cost {year}, all sectors", "M CNY/yr"))
        for c in sorted(c for c in table.columns if c.startswith("cost_mcny.") and c.endswith(f".{year}") and ".total." not in c):
            if table[c].max() - table[c].min() > 1e-6:
                cols.append((c, f"annual cost {year}, {c.split('.')[1]}", "M CNY/yr"))
    cols = [c for c in cols if c[0] in table.columns]
    if not cols or table["objective_mcny"].notna().sum() == 0:
        return None
    fig, axes = _grid(len(cols))
    for ax, (c, title, unit) in zip(axes, cols, strict=False):
        _hist(ax, table[c], title, unit)
    fig.suptitle(f"Costs across {table['objective_mcny'].notna().sum()} solved of {n_total} variants (real base-year CNY)")
    fig.savefig(path, dpi=110)
    return path


def plot_targets(table: pd.DataFrame, path: Path) -> Path | None:
    """Share of variants meeting each target (infeasible variants: in the relaxed plan)."""
    cols = [c for c in table.columns if c.startswith("target.") and c.endswith(".met")]
    solved = table[table["status"] == "optimal"]
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 0.55 * (len(cols) + 1) + 1.6), layout="constrained")
    ax = fig.subplots()
    names = [c[len("target.") : -len(".met")] for c in cols] + ["all hard targets (variant feasible)"]
    known = [table[c].dropna() for c in cols]
    probs = [float(k.astype(bool).mean()) if len(k) else np.nan for k in known]
    ns = [len(k) for k in known]
    ok = table["status"].isin(["optimal", "infeasible"])
    probs.append(float((table.loc[ok, "status"] == "optimal").mean()) if ok.any() else np.nan)
    ns.append(int(ok.sum()))
    y = np.arange(len(names))[::-1]
    ax.barh(y, np.nan_to_num(probs) * 100, color=["#55a868"] * len(cols) + ["#4c72b0"])
    for yi, p, n in zip(y, probs, ns, strict=True):
        label = f"{p * 100:.0f} % of {n}" if n else "no data"
        if n and p > 0.8:
            ax.text(p * 100 - 1, yi, label, va="center", ha="right", fontsize=9, color="white")
        else:
            ax.text(np.nan_to_num(p) * 100 + 1, yi, label, va="center", fontsize=9)
    ax.set_yticks(y, names)
    ax.set_xlim(0, 100)
    ax.set_xlabel("variants meeting the target (%)")
    ax.set_title(
        f"Probability of meeting each target: {len(solved)} optimal, {int((table['status'] == 'infeasible').sum())} infeasible variants\n"
        "(infeasible variants: targets met by their plan with every target relaxed)",
        fontsize=10,
    )
    fig.savefig(path, dpi=110)
    return path


def plot_shadow_prices(table: pd.DataFrame, path: Path, units: dict) -> Path | None:
    """Histograms of each target's shadow price over the optimal variants (every target binding in any variant)."""
    fig = shadow_price_figure(table, units)
    if fig is None:
        return None
    fig.savefig(path, dpi=110)
    return path


def shadow_price_figure(table: pd.DataFrame, units: dict):
    """The figure of :func:`plot_shadow_prices`: one panel per target with a non-zero shadow price in any optimal variant."""
    solved = table[table["status"] == "optimal"]
    # every target that binds in any variant gets a panel (the grid grows; nothing is dropped)
    cols = [c for c in table.columns if c.startswith("target.") and c.endswith(".shadow_price") and solved[c].abs().max() > 0]
    if not cols:
        return None
    fig, axes = _grid(len(cols))
    for ax, c in zip(axes, cols, strict=False):
        _hist(ax, solved[c], c[len("target.") : -len(".shadow_price")], units.get(c, "M CNY per unit"))
    fig.suptitle(f"Shadow prices of targets across {len(solved)} optimal variants (0 = not binding)")
    return fig


def plot_sensitivity(table: pd.DataFrame, path: Path, units: dict) -> Path | None:
    """Objective and final-year PV capacity against each sampled parameter."""
    params = [c for c in table.columns if c.startswith("param.")]
    year = _final_year(table, "capacity_gw.pv_total.")
    ys = [("objective_mcny", "total cost (M CNY)")]
    if year is not None:
        ys.append((f"capacity_gw.pv_total.{year}", f"PV capacity {year} (GW)"))
    if not params:
        return None
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.4 * len(params), 3.0 * len(ys)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(ys), len(params), squeeze=False))
    for i, (yc, ylabel) in enumerate(ys):
        for j, pc in enumerate(params):
            ax = axes[i, j]
            ax.scatter(table[pc], table[yc], s=8, color="#4c72b0")
            unit = units.get(pc, "")
            ax.set_xlabel(f"{pc[len('param.') :]}" + (f" ({unit})" if unit else ""))
            if j == 0:
                ax.set_ylabel(ylabel)
    fig.suptitle("Sensitivity: each optimal variant against each sampled parameter (infeasible variants have no plan)")
    fig.savefig(path, dpi=110)
    return path


def write_charts(table: pd.DataFrame, out: str | Path, units: dict | None = None) -> list[Path]:
    """All sweep charts into ``out/charts/``; returns the files written."""
    folder = Path(out) / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    units = units or {}
    written = [
        plot_capacities(table, folder / "capacities.png", len(table)),
        plot_costs(table, folder / "costs.png", len(table)),
        plot_targets(table, folder / "targets.png"),
        plot_shadow_prices(table, folder / "shadow_prices.png", units),
        plot_sensitivity(table, folder / "sensitivity.png", units),
    ]
    return [p for p in written if p is not None]
