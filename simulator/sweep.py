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
    charts/*.png          distributions and target probabilities (:func:`write_charts`; ``--lang zh``: in Chinese)

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

import gc
import hashlib
import itertools
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import InfeasibleError, InputError, Problem, ScenarioError, SimulatorError
from simulator.intake.inputs import Inputs, apply_overrides, load_inputs
from simulator.intake.scenario import Scenario, Sweep, SweepParameter, deep_merge, scenario_from_dict
from simulator.results.i18n import Labels

RETRY = {"lost"}  # statuses recomputed on a rerun (cluster trouble, not the model)


class SweepError(InputError):
    """A sweep cannot start (no ``sweep:`` section, bad path, another sweep in OUT)."""


# --------------------------------------------------------------------------- sampling


def _inverse_cdf(p: SweepParameter, u: np.ndarray) -> np.ndarray:
    """Map uniform draws ``u`` in (0, 1) through the parameter's inverse CDF."""
    from scipy import stats  # here, not at the top: a worker imports this module and never samples

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
    from scipy.stats import qmc

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
    data: dict[str, dict] = field(default_factory=dict)  # data-range mode: variant id → input id → u in [0, 1]


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


# --------------------------------------------------------------------------- data ranges

#: estimated columns a data-range sweep leaves at their value: shares that sum to one per vehicle type
DATA_FIXED_COLUMNS = ("share",)
#: (table, column, key, bound table, bound column, bound key, bound rows): a column clipped at a value of another
#: table, in the rows of the bound table whose ``kind`` is listed (the transport sector's own rule)
CROSS_BOUNDS = (("measures_transport", "potential", "product", "transport_activity", "activity", "product", ("fleet", "coverage")),)
#: (lower, upper) columns of one row that a draw must keep in order: the lower is clipped at the upper
PAIRED_BOUNDS = (
    ("existing", "potential"),
    ("existing_gw", "potential_gw"),
    ("existing_gw", "max_gw"),
    ("min_duration_h", "max_duration_h"),
)


def data_range_inputs(inputs: Inputs) -> pd.DataFrame:
    """The uncertain inputs of a data-range sweep, one row per cell (``Inputs.estimate_ranges``).

    Every estimated value whose range has a width, except :data:`DATA_FIXED_COLUMNS`.
    ``input`` names what one draw moves: the cells of one column of a
    year-indexed table together (``steel_activity.crude_steel_mt``: a level,
    each year within its own range), any other cell alone
    (``generators.coal_chp.capacity_gw``).
    """
    cells = inputs.estimate_ranges()
    cells = cells[(cells["high"] > cells["low"]) & ~cells["column"].isin(DATA_FIXED_COLUMNS)].reset_index(drop=True)
    yearly = cells["table"].map(lambda name: inputs.tables[name].columns[0] == "year").astype(bool)
    by_column = cells["table"] + "." + cells["column"]
    cells["input"] = by_column.where(yearly, cells["table"] + "." + cells["row_id"] + "." + cells["column"])
    return cells


def apply_data_sample(inputs: Inputs, cells: pd.DataFrame, draws: dict[str, float]) -> Inputs:
    """A copy of ``inputs`` with every cell of ``cells`` at low + u · (high − low), u = ``draws[input]``.

    Independent draws may put a stock above its own limit (measures in place
    above their potential, a potential above the fleet): :data:`CROSS_BOUNDS`
    and then :data:`PAIRED_BOUNDS` keep them in order by clipping the
    dependent value at its limit. A value that equals its cross-table limit
    in the data (an EV potential that is the whole fleet) moves with it.
    """
    values = cells["low"] + cells["input"].map(draws).astype(float) * (cells["high"] - cells["low"])
    tables = dict(inputs.tables)
    for name, group in cells.assign(new=values).groupby("table"):
        frame = tables[name].copy()
        for column, g in group.groupby("column"):
            frame[column] = frame[column].astype(float)
            frame.iloc[g["row"].to_numpy(dtype=int), frame.columns.get_loc(column)] = g["new"].to_numpy(dtype=float)
        tables[name] = frame
    for name, column, key, bound_table, bound_column, bound_key, kinds in CROSS_BOUNDS:
        if name in tables and bound_table in tables and name in set(cells["table"]) | {bound_table}:
            frame = tables[name].copy()
            bound = tables[bound_table]
            bound = bound[bound["kind"].isin(kinds)] if "kind" in bound else bound
            limit = frame[key].map(bound.drop_duplicates(bound_key).set_index(bound_key)[bound_column])
            raw = inputs.tables[bound_table]
            raw = raw[raw["kind"].isin(kinds)] if "kind" in raw else raw
            tied = inputs.tables[name][column] == frame[key].map(raw.drop_duplicates(bound_key).set_index(bound_key)[bound_column])
            frame[column] = frame[column].where(limit.isna() | ((frame[column] <= limit) & ~tied), limit)
            tables[name] = frame
    for name in set(cells["table"]):
        frame = tables[name]
        for lower, upper in PAIRED_BOUNDS:
            if lower in frame and upper in frame:
                frame[lower] = frame[lower].where(frame[upper].isna() | (frame[lower] <= frame[upper]), frame[upper])
    return replace(inputs, tables=tables, overridden=[*inputs.overridden, f"data ranges: {len(draws)} inputs sampled"])


def plan_data_sweep(
    scenario_path, samples: int, seed: int = 1, overrides: dict | None = None, progress: Callable = lambda _m: None
) -> SweepPlan:
    """Variants of a scenario over its data's own ranges: a seeded Latin hypercube over every uncertain input.

    Each variant's table row holds, per input, the value its first cell takes
    (``param.<input>``, the unit of that column); the draws themselves are in
    ``plan.data``. The scenario needs no ``sweep:`` section.
    """
    from simulator.runs.pipeline import prepare

    t0 = time.perf_counter()
    prepared = prepare(scenario_path, overrides, progress)
    scenario = prepared.scenario
    raw = load_inputs(prepared.inputs.root)
    cells = data_range_inputs(raw)
    if cells.empty:
        raise SweepError(
            problems=[
                Problem(str(raw.root / "ranges.csv"), "ranges", "no estimated value has a range to sample", "a ranges.csv with ranges")
            ]
        )
    ids = sorted(cells["input"].unique())
    u = _latin_hypercube(len(ids), samples, seed)
    draws = pd.DataFrame(u, columns=ids)
    first = cells.drop_duplicates("input").set_index("input")
    variants = draws.mul(first.loc[ids, "high"] - first.loc[ids, "low"], axis=1).add(first.loc[ids, "low"], axis=1)
    width = max(5, len(str(samples - 1)))
    variants.insert(0, "variant", [f"v{i:0{width}d}" for i in range(samples)])
    data = {v: dict(zip(ids, map(float, row), strict=True)) for v, row in zip(variants["variant"], u, strict=True)}
    progress(f"{samples} variants of {len(ids)} uncertain inputs ({len(cells)} estimated values; Latin hypercube, seed {seed})")
    resolved = dict(scenario.resolved)
    resolved["sweep"] = None
    bundle = {"resolved": resolved, "path": str(scenario.path), "inputs": raw, "time": prepared.time, "data_cells": cells}
    per_variant = {v: {} for v in variants["variant"]}
    fingerprint = _fingerprint({**scenario.resolved, "mode": "data-ranges", "seed": seed}, raw, variants)
    timings = {"plan_s": time.perf_counter() - t0, "seed": seed, **prepared.timings}
    return SweepPlan(scenario, variants, per_variant, bundle, fingerprint, {}, timings, data)


def robustness(table: pd.DataFrame, plan: SweepPlan, top: int = 5) -> pd.DataFrame:
    """Per target: how often it can be met across the data's ranges, the spread of its price and of the policy's cost.

    Columns: ``target, year, variants`` (solved or explained infeasible),
    ``met_share`` (share of them in which the target is met: every hard
    target holds in an optimal plan; an infeasible variant counts the targets
    its relaxed plan meets), ``shadow_price_p5/p50/p95`` (M CNY per unit of
    the target, optimal variants), ``policy_cost_p5/p50/p95_mcny`` (objective
    with the targets minus without, M CNY present value), ``drivers`` (the
    ``top`` inputs with the largest |Spearman ρ| against the outcome named in
    ``drivers_of``: whether the target is met when that varies, else its
    shadow price, else the policy's cost; ``scipy.stats.spearmanr``).
    """
    params = [c for c in table.columns if c.startswith("param.")]
    judged = table[table["status"].isin(["optimal", "infeasible"])]
    solved = table[table["status"] == "optimal"]
    cost = solved["policy_cost_mcny"] if "policy_cost_mcny" in solved else pd.Series(dtype=float)
    rows = []
    for t in plan.scenario.spec.targets:
        met_col, price_col = f"target.{t.id}.met", f"target.{t.id}.shadow_price"
        met = judged[met_col].astype(float) if met_col in judged else pd.Series(dtype=float)
        price = solved[price_col] if price_col in solved else pd.Series(dtype=float)
        if met.notna().sum() > 2 and met.nunique() > 1:
            outcome, of = met, "met"
        elif price.nunique() > 1:
            outcome, of = price, "shadow price"
        else:
            outcome, of = cost, "policy cost"
        drivers = _drivers(table.loc[outcome.index, params], outcome, top) if outcome.nunique() > 1 else []
        rows.append(
            {
                "target": t.id,
                "year": t.year,
                "variants": int(met.notna().sum()),
                "met_share": float(met.mean()) if met.notna().any() else float("nan"),
                "shadow_price_p5": _quantile(price, 0.05),
                "shadow_price_p50": _quantile(price, 0.5),
                "shadow_price_p95": _quantile(price, 0.95),
                "policy_cost_p5_mcny": _quantile(cost, 0.05),
                "policy_cost_p50_mcny": _quantile(cost, 0.5),
                "policy_cost_p95_mcny": _quantile(cost, 0.95),
                "drivers_of": of if drivers else "",
                "drivers": "; ".join(f"{name[len('param.') :]} ({rho:+.2f})" for name, rho in drivers),
            }
        )
    return pd.DataFrame(rows)


def _quantile(values: pd.Series, p: float) -> float:
    return float(values.quantile(p)) if values.notna().any() else float("nan")


def _drivers(x: pd.DataFrame, y: pd.Series, top: int) -> list[tuple[str, float]]:
    """The ``top`` columns of ``x`` with the largest |Spearman ρ| with ``y`` (ties by name)."""
    from scipy import stats

    varying = [c for c in x.columns if x[c].nunique() > 1]
    if not varying or len(y) < 3:
        return []
    rho = stats.spearmanr(x[varying].to_numpy(dtype=float), y.to_numpy(dtype=float)).statistic
    rho = np.atleast_2d(rho)[-1, :-1] if len(varying) > 1 else [float(np.atleast_1d(rho)[0])]
    ranked = sorted(zip(varying, np.nan_to_num(np.asarray(rho, dtype=float)), strict=True), key=lambda p: (-abs(p[1]), p[0]))
    return [(name, float(r)) for name, r in ranked[:top]]


# --------------------------------------------------------------------------- one variant


def _variant_inputs(bundle: dict, overrides: dict, data: dict | None = None):
    resolved = deep_merge(bundle["resolved"], overrides)
    scenario = scenario_from_dict(resolved, bundle["path"])
    raw = bundle["inputs"] if data is None else apply_data_sample(bundle["inputs"], bundle["data_cells"], data)
    inputs = apply_overrides(raw, scenario.spec.overrides, scenario.where)  # the scenario's own overrides win
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


@contextmanager
def collect_once() -> Iterator[None]:
    """Python's cyclic garbage collector paused while one variant runs, then run once over the young objects.

    A 12-day build makes some 10^5 Pyomo objects that refer to each other;
    the collector, started every 700 new objects, traversed them again and
    again (about 15 % of a variant's CPU time). Paused, every object the
    variant makes stays in the youngest generation, and one collection of
    that generation afterwards frees the variant's model without traversing
    the long-lived heap (the shipped inputs, the modules). Nothing is changed
    when the collector was already off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def run_variant(bundle: dict, variant: str, overrides: dict, data: dict | None = None, reuse: bool | None = None) -> dict:
    """Solve one variant; never raises. Returns a flat dict of scalars.

    ``status``: optimal, infeasible (with the targets that cannot be met, and
    the target values of the plan with every target relaxed), or failed.

    ``reuse`` (default: ``bundle["reuse_lp"]``, true unless set): the variant's
    Pyomo model is built from its inputs as always, but its LP goes to the HiGHS
    instance this process kept from its previous variant: when rows, columns
    and sparsity pattern match (the variants changed numbers only), costs,
    bounds and matrix values are changed in place and dual simplex starts from
    the previous variant's optimal basis; otherwise the LP is passed afresh
    (``reused_lp`` in the record says which). An infeasible variant's all-soft
    LP (its explanation) goes the same way to a second kept instance: the
    all-soft LPs of one sweep share their structure with each other, not with
    the hard LPs.

    ``data`` (data-range mode): the variant's draw u ∈ [0, 1] per uncertain
    input (:func:`apply_data_sample`); the same data are then also solved
    without targets (on a fresh LP), and ``policy_cost_mcny`` is the
    difference of the two objectives (present value, M CNY).
    """
    from simulator.model.core import KeptModel
    from simulator.solve.highs import WarmStart

    t0 = time.perf_counter()
    record: dict = {"variant": variant, "status": "failed", "reason": ""}
    reuse = bundle.get("reuse_lp", True) if reuse is None else reuse
    warm = _WARM.setdefault("lp", WarmStart()) if reuse else None
    soft_warm = _WARM.setdefault("soft", WarmStart()) if reuse else None
    keep = _WARM.setdefault("model", KeptModel()) if reuse else None
    with collect_once():
        _solve_variant(bundle, overrides, data, warm, record, soft_warm, keep)
    record["seconds"] = time.perf_counter() - t0
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return record


def _solve_variant(bundle: dict, overrides: dict, data: dict | None, warm, record: dict, soft_warm=None, keep=None) -> None:
    """:func:`run_variant`'s solve: fills ``record`` (status, reason, results); never raises."""
    from simulator.results.tables import SWEEP_TABLES
    from simulator.runs.pipeline import Prepared, run

    try:
        scenario, inputs = _variant_inputs(bundle, overrides, data)
        # an infeasible variant: the targets its all-soft plan misses, without the IIS search (minutes a variant)
        outcome = run(
            Prepared(scenario, inputs, bundle["time"], {"load_s": 0.0, "timeslices_s": 0.0}),
            warm=warm,
            conflicts=False,
            only=SWEEP_TABLES,
            soft_warm=soft_warm,
            keep=keep,
        )
        record.update(status="optimal", **summarise(outcome.tables, outcome.result.objective))
        record["reused_lp"] = bool(outcome.result.options.get("reused_lp", False))
        if data is not None:
            free, free_inputs = _variant_inputs({**bundle, "resolved": {**bundle["resolved"], "targets": []}}, overrides, data)
            no_tables = frozenset()  # only its objective is needed
            baseline = run(Prepared(free, free_inputs, bundle["time"], {"load_s": 0.0, "timeslices_s": 0.0}), only=no_tables)
            record["policy_cost_mcny"] = outcome.result.objective - baseline.result.objective
    except InfeasibleError as exc:
        record.update(status="infeasible", reason=str(exc))
        record.update(_targets(getattr(exc, "soft_scorecard", None), prices=False))
    except SimulatorError as exc:
        record["reason"] = f"{type(exc).__name__}: {exc}"
    except Exception as exc:
        record["reason"] = f"internal error: {type(exc).__name__}: {exc}"


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
    spec = plan.scenario.spec.sweep
    units = {f"param.{p.id}": p.unit for p in spec.parameters} if spec is not None and not plan.data else {}
    if plan.data:
        from simulator.intake.datacheck import column_unit

        cells = plan.bundle["data_cells"].drop_duplicates("input")
        tables = plan.bundle["inputs"].tables
        units.update({f"param.{r.input}": column_unit(r.column, list(tables[r.table].columns)) for r in cells.itertuples(index=False)})
    for t in plan.scenario.spec.targets:
        units[f"target.{t.id}.value"] = t.unit or ""
        units[f"target.{t.id}.target"] = t.unit or ""
        units[f"target.{t.id}.shadow_price"] = f"M CNY per {t.unit or 'unit'}"
    return units


def _meta(plan: SweepPlan, extra: dict | None = None) -> dict:
    spec = plan.scenario.spec.sweep
    if plan.data:
        cells = plan.bundle["data_cells"]
        mode = {
            "mode": "data-ranges",
            "seed": plan.timings.get("seed"),
            "parameters": [
                {
                    "id": i,
                    "cells": len(g),
                    "low": float(g["low"].iloc[0]),
                    "high": float(g["high"].iloc[0]),
                    "value": float(g["value"].iloc[0]),
                }
                for i, g in cells.groupby("input", sort=True)
            ],
        }
    else:
        mode = {"mode": "sweep", "seed": spec.seed, "parameters": [p.model_dump(mode="json") for p in spec.parameters]}
    return {
        "scenario": plan.scenario.name,
        "scenario_file": str(plan.scenario.path),
        "scenario_sha256": plan.scenario.sha256(),
        "fingerprint": plan.fingerprint,
        "n_variants": len(plan.variants),
        **mode,
        "central_values": plan.central,
        "time_slices": plan.bundle["time"].label,
        "units": column_units(plan),
        **(extra or {}),
    }


# --------------------------------------------------------------------------- execution


#: Dask settings of the LocalCluster's workers (a scheduler given by address keeps its own). By default every
#: worker samples its threads' stacks every 10 ms for the dashboard's profile, checks its event loop every 20 ms
#: and its memory every 100 ms, each wake-up taking Python's lock from the variant being built; no dashboard is
#: served here, so nothing reads the profiles. In one undisturbed pair of 200-variant runs (2026-11-28 22:50,
#: 12 days) the sweep took 74.3 s with the defaults and 66.2 s with these settings.
LOCAL_WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
}


def start_client(scheduler: str | None = None, workers: int | None = None):
    """A Dask client: to ``scheduler`` or to a new LocalCluster (one 1-thread process per core, :data:`LOCAL_WORKER_CONFIG`)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="30s")
    with dask.config.set(LOCAL_WORKER_CONFIG):  # each worker's nanny copies the configuration it is started with
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
                client.submit(
                    run_variant, base, v, plan.overrides[v], plan.data.get(v), key=f"variant-{v}-{plan.fingerprint[:12]}", retries=0
                ): v
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
    records = [run_variant(plan.bundle, v, plan.overrides[v], plan.data.get(v), reuse=reuse) for v in ids]
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


def _hist(ax, values: pd.Series, title: str, xlabel: str, L: Labels, unit: str | None = None) -> None:
    """A histogram with P10/P50/P90; where every variant has the same value, that value (in ``unit``, default the
    x label) and "identical in all variants"."""
    from matplotlib.ticker import FuncFormatter

    v = values.dropna().to_numpy(dtype=float)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(L("sweep:variants"))
    if len(v) == 0:
        ax.text(0.5, 0.5, L("sweep:no solved"), ha="center", va="center", transform=ax.transAxes)
        return
    if v.max() - v.min() <= 1e-9 * max(1.0, abs(v).max()):
        ax.text(
            0.5,
            0.5,
            f"{L.fill('sweep:identical', n=len(v))}\n{_num(v[0])} {xlabel if unit is None else unit}",
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


def capacities_figure(table: pd.DataFrame, n_total: int, L: Labels | None = None):
    """Histograms of the final-year capacities that differ between variants (PV total and storage always)."""
    L = L or Labels("en")
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
        tech = c.split(".")[1]
        kind = L("sweep:energy" if unit == "GWh" else "sweep:power")
        title = L.fill("sweep:storage panel", tech=L(tech), kind=kind, year=year) if tech.startswith("storage") else None
        _hist(ax, table[c], title or L.fill("sweep:panel", what=L(tech), year=year), L.fill("sweep:capacity", unit=unit), L, unit)
    fig.suptitle(L.fill("sweep:capacities", year=year, n=table[cols[0]].notna().sum(), total=n_total))
    return fig


def costs_figure(table: pd.DataFrame, n_total: int, L: Labels | None = None):
    """Histograms of the objective and of final-year annual costs by sector."""
    L = L or Labels("en")
    year = _final_year(table, "cost_mcny.")
    per_year = f"{L.unit('M CNY')}/yr"
    cols = [("objective_mcny", L("sweep:objective"), L.unit("M CNY"))]
    if year is not None:
        cols.append((f"cost_mcny.total.{year}", L.fill("sweep:annual cost", year=year, what=L("sweep:all sectors")), per_year))
        for c in sorted(c for c in table.columns if c.startswith("cost_mcny.") and c.endswith(f".{year}") and ".total." not in c):
            if table[c].max() - table[c].min() > 1e-6:
                cols.append((c, L.fill("sweep:annual cost", year=year, what=L(c.split(".")[1])), per_year))
    cols = [c for c in cols if c[0] in table.columns]
    if not cols or table["objective_mcny"].notna().sum() == 0:
        return None
    fig, axes = _grid(len(cols))
    for ax, (c, title, unit) in zip(axes, cols, strict=False):
        _hist(ax, table[c], title, unit, L)
    fig.suptitle(L.fill("sweep:costs", n=table["objective_mcny"].notna().sum(), total=n_total))
    return fig


def targets_figure(table: pd.DataFrame, L: Labels | None = None):
    """Share of variants meeting each target (infeasible variants: in the relaxed plan)."""
    L = L or Labels("en")
    cols = [c for c in table.columns if c.startswith("target.") and c.endswith(".met")]
    solved = table[table["status"] == "optimal"]
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 0.55 * (len(cols) + 1) + 1.6), layout="constrained")
    ax = fig.subplots()
    names = [L(c[len("target.") : -len(".met")]) for c in cols] + [L("sweep:all hard")]
    known = [table[c].dropna() for c in cols]
    probs = [float(k.astype(bool).mean()) if len(k) else np.nan for k in known]
    ns = [len(k) for k in known]
    ok = table["status"].isin(["optimal", "infeasible"])
    probs.append(float((table.loc[ok, "status"] == "optimal").mean()) if ok.any() else np.nan)
    ns.append(int(ok.sum()))
    y = np.arange(len(names))[::-1]
    ax.barh(y, np.nan_to_num(probs) * 100, color=["#55a868"] * len(cols) + ["#4c72b0"])
    for yi, p, n in zip(y, probs, ns, strict=True):
        label = L.fill("sweep:share of", p=f"{p * 100:.0f}", n=n) if n else L("sweep:no data")
        if n and p > 0.8:
            ax.text(p * 100 - 1, yi, label, va="center", ha="right", fontsize=9, color="white")
        else:
            ax.text(np.nan_to_num(p) * 100 + 1, yi, label, va="center", fontsize=9)
    ax.set_yticks(y, names)
    ax.set_xlim(0, 100)
    ax.set_xlabel(L("sweep:meeting"))
    ax.set_title(L.fill("sweep:targets", optimal=len(solved), infeasible=int((table["status"] == "infeasible").sum())), fontsize=10)
    return fig


def shadow_price_figure(table: pd.DataFrame, units: dict, L: Labels | None = None):
    """One histogram panel per target with a non-zero shadow price in any optimal variant (the grid grows; nothing is dropped)."""
    L = L or Labels("en")
    solved = table[table["status"] == "optimal"]
    cols = [c for c in table.columns if c.startswith("target.") and c.endswith(".shadow_price") and solved[c].abs().max() > 0]
    if not cols:
        return None
    fig, axes = _grid(len(cols))
    for ax, c in zip(axes, cols, strict=False):
        _hist(ax, solved[c], L(c[len("target.") : -len(".shadow_price")]), L.unit(units.get(c, "M CNY per unit")), L)
    fig.suptitle(L.fill("sweep:shadow prices", n=len(solved)))
    return fig


def sensitivity_figure(table: pd.DataFrame, units: dict, L: Labels | None = None):
    """Objective and final-year PV capacity against each sampled parameter (parameters named by their ids)."""
    L = L or Labels("en")
    params = [c for c in table.columns if c.startswith("param.")]
    year = _final_year(table, "capacity_gw.pv_total.")
    ys = [("objective_mcny", L.fill("sweep:total cost", unit=L.unit("M CNY")))]
    if year is not None:
        ys.append((f"capacity_gw.pv_total.{year}", L.fill("sweep:pv capacity", year=year)))
    if not params:
        return None
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.4 * len(params), 3.0 * len(ys)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(ys), len(params), squeeze=False))
    for i, (yc, ylabel) in enumerate(ys):
        for j, pc in enumerate(params):
            ax = axes[i, j]
            ax.scatter(table[pc], table[yc], s=8, color="#4c72b0")
            unit = L.unit(units.get(pc, "") or "")
            ax.set_xlabel(f"{pc[len('param.') :]}" + (f" ({unit})" if unit else ""))
            if j == 0:
                ax.set_ylabel(ylabel)
    fig.suptitle(L("sweep:sensitivity"))
    return fig


def robustness_figure(frame: pd.DataFrame, L: Labels | None = None):
    """Share of the data's variants in which each target can be met (bar), with the 90 % line."""
    L = L or Labels("en")
    if frame.empty:
        return None
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 0.5 * len(frame) + 1.5), layout="constrained")
    ax = fig.subplots()
    labels = [L.fill("sweep:target year", target=L(r.target), year=r.year) for r in frame.itertuples(index=False)]
    shares = 100 * frame["met_share"].fillna(0)
    bars = ax.barh(labels, shares, color="#4c72b0")
    ax.bar_label(bars, labels=[f"{v:.0f} %" for v in shares], padding=2, fontsize=8)  # a 0 % bar is otherwise invisible
    ax.axvline(90, color="#c44e52", linestyle="--", linewidth=1, label="90 %")
    ax.set_xlim(0, 108)
    ax.set_xlabel(L("sweep:met share"))
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    n = int(frame["variants"].max()) if len(frame) else 0
    fig.suptitle(L.fill("sweep:robustness", n=n))
    return fig


def sweep_figures(
    table: pd.DataFrame, units: dict | None = None, sensitivity: bool = True, robust: pd.DataFrame | None = None, lang: str = "en"
):
    """Every sweep chart by file stem, labels in ``lang`` (from :mod:`simulator.results.i18n`), as a ChartSet.

    ``zh`` uses the Simplified Chinese sans face the run charts use
    (:func:`simulator.results.charts.resolve_lang`) and falls back to English
    with a note when none is installed. ``robust``: the :func:`robustness`
    table of a ``--data-ranges`` sweep (its chart, ``robustness``).
    """
    import matplotlib.pyplot as plt

    from simulator.results.charts import ChartSet, _rc, resolve_lang

    used, font, notes = resolve_lang(lang)
    L = Labels(used)
    units = units or {}
    makers = {
        "capacities": lambda: capacities_figure(table, len(table), L),
        "costs": lambda: costs_figure(table, len(table), L),
        "targets": lambda: targets_figure(table, L),
        "shadow_prices": lambda: shadow_price_figure(table, units, L),
        "sensitivity": lambda: sensitivity_figure(table, units, L) if sensitivity else None,
        "robustness": lambda: robustness_figure(robust, L) if robust is not None else None,
    }
    out = ChartSet(notes=list(notes), lang=used, font=font)
    with plt.rc_context(_rc(font)):
        for name, make in makers.items():
            fig = make()
            if fig is not None:
                out.figures[name] = fig
    return out


def write_charts(
    table: pd.DataFrame,
    out: str | Path,
    units: dict | None = None,
    sensitivity: bool = True,
    robust: pd.DataFrame | None = None,
    lang: str = "en",
) -> tuple[list[Path], list[str]]:
    """All sweep charts into ``out/charts/<name>.png`` (labels in ``lang``); returns the files written and notes (font fallback)."""
    import matplotlib.pyplot as plt

    from simulator.results.charts import _rc

    folder = Path(out) / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    charts = sweep_figures(table, units, sensitivity, robust, lang)
    written = []
    with plt.rc_context(_rc(charts.font)):  # the font family is resolved when the figure is drawn
        for name, fig in charts.figures.items():
            path = folder / f"{name}.png"
            fig.savefig(path, dpi=110, metadata={"Software": "transim"})
            written.append(path)
    return written, charts.notes
