"""One scenario from file to solved tables: load → slices → build → solve → results.

Also explains infeasible scenarios in planner's terms: when the hard targets
cannot all be met, the scenario is solved again with every target soft; the
targets left with a shortfall are named with their clause, the value the plan
can reach and the shortfall.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.errors import InfeasibleError, Problem, ScenarioError, SolveError
from simulator.intake.inputs import Inputs, apply_overrides, load_inputs
from simulator.intake.scenario import Scenario, load_scenario
from simulator.model.core import KeptModel, build_model, set_aside
from simulator.model.targets import collect_indicators
from simulator.model.timeslices import TimeSlices, make_timeslices

if TYPE_CHECKING:
    from simulator.solve.highs import SolveResult, WarmStart


# the solver (highspy) and the result tables are imported where a scenario is solved, so that loading and
# checking one (``transim validate``) does not import them


def solve(*args, **kwargs):
    """:func:`simulator.solve.highs.solve` (same arguments), imported on first use."""
    from simulator.solve.highs import solve as highs_solve

    return highs_solve(*args, **kwargs)


def result_tables(*args, **kwargs):
    """:func:`simulator.results.tables.result_tables` (same arguments), imported on first use."""
    from simulator.results.tables import result_tables as tables

    return tables(*args, **kwargs)


def _quiet(_msg: str) -> None:
    return None


@dataclass
class Prepared:
    scenario: Scenario
    inputs: Inputs
    time: TimeSlices
    timings: dict = field(default_factory=dict)


@dataclass
class Outcome:
    prepared: Prepared
    model: object
    result: SolveResult
    tables: dict
    timings: dict
    soft_targets: list[str] = field(default_factory=list)


def dataset_root(scenario: Scenario) -> Path:
    """``inputs/<dataset>`` beside the scenarios folder (or an absolute path)."""
    ds = Path(scenario.spec.dataset)
    if ds.is_absolute():
        return ds
    for parent in scenario.path.resolve().parents:
        candidate = parent / "inputs" / ds
        if candidate.is_dir():
            return candidate
    return Path("inputs") / ds


def prepare(scenario_path, overrides: dict | None = None, progress: Callable = _quiet, inputs_root: Path | None = None) -> Prepared:
    """Load and validate the scenario and its inputs, make the time slices."""
    t0 = time.perf_counter()
    progress(f"loading scenario {scenario_path}")
    scenario = load_scenario(scenario_path, overrides)
    root = inputs_root or dataset_root(scenario)
    if not root.is_dir():
        raise ScenarioError(
            problems=[
                Problem(
                    scenario.where(("dataset",)),
                    "dataset",
                    f"no input folder for data set '{scenario.spec.dataset}' (looked for {root})",
                    "the name of a folder under inputs/, or a path to one",
                )
            ]
        )
    progress(f"reading inputs from {root}")
    inputs = load_inputs(root)
    inputs = apply_overrides(inputs, scenario.spec.overrides, scenario.where)
    t1 = time.perf_counter()
    spec = scenario.spec.time
    hourly = inputs.table("profiles_hourly", ["hour", "hour_of_day", "day_of_year"])
    progress(
        "time slices: " + ("8760 hours" if spec.hours == 8760 else f"clustering {spec.days} representative days ({spec.representation})")
    )
    slices = make_timeslices(hourly, spec.days, spec.hours, spec.method, spec.representation, spec.extreme_days)
    t2 = time.perf_counter()
    return Prepared(scenario, inputs, slices, {"load_s": t1 - t0, "timeslices_s": t2 - t1})


def build(prepared: Prepared, soften: set[str] | None = None, unserved: bool = False, keep: KeptModel | None = None):
    return build_model(prepared.scenario, prepared.inputs, prepared.time, soften=soften, unserved=unserved, keep=keep)


def run(
    prepared: Prepared,
    soft_targets: bool = False,
    progress: Callable = _quiet,
    log_dir=None,
    warm: WarmStart | None = None,
    conflicts: bool = True,
    only: frozenset[str] | None = None,
    alongside: Callable[[], object] | None = None,
    soft_warm: WarmStart | None = None,
    keep: KeptModel | None = None,
) -> Outcome:
    """Build, solve and tabulate; explain an infeasible scenario.

    ``warm``: a :class:`simulator.solve.highs.WarmStart` kept between runs of
    LPs of one structure (sweep variants): updated in place, warm-started.
    ``conflicts``: name an infeasible scenario's conflicting targets from
    HiGHS's IIS (:func:`explain_infeasible`); false reports the targets the
    all-soft plan misses, without the IIS search (sweeps: minutes a variant).
    ``only``: the result tables to make (default all; a sweep needs four).
    ``alongside``: work done in another thread while HiGHS solves
    (:func:`simulator.solve.highs.solve`), e.g. importing the chart library.
    ``soft_warm``: like ``warm``, for the all-soft LPs that explain infeasible
    runs (their structure differs from the hard LP's: one more column per
    target), passed to :func:`explain_infeasible`.
    ``keep``: the previous build of a sweep's variants in this process
    (:class:`simulator.model.core.KeptModel`), whose unchanged sector blocks
    the build uses again.
    """
    scenario = prepared.scenario
    soften = {t.id for t in scenario.spec.targets} if soft_targets else None
    t0 = time.perf_counter()
    progress("building the model")
    model = build(prepared, soften, keep=keep)
    t1 = time.perf_counter()
    progress("solving with HiGHS")
    try:
        result = solve(model, scenario.spec.solver, log_dir=log_dir, warm=warm, alongside=alongside)
    except InfeasibleError as exc:
        raise explain_infeasible(prepared, exc, progress, conflicts=conflicts, model=model, warm=soft_warm) from None
    t2 = time.perf_counter()
    progress("extracting results")
    tables = result_tables(model, result.duals, collect_indicators(model), result.reduced_costs, only=only)
    t3 = time.perf_counter()
    timings = dict(prepared.timings)
    timings.update({"build_s": t1 - t0, "solve_s": t2 - t1, "results_s": t3 - t2})
    timings.update(result.timings)
    return Outcome(prepared, model, result, tables, timings, soft_targets=sorted(soften or []))


SCORECARD = frozenset({"scorecard"})

#: above this many LP rows the IIS search is skipped (it can take many minutes)
IIS_MAX_ROWS = 60_000


def soften_in_place(model, scenario: Scenario):
    """``model``, a build of ``scenario`` found infeasible, turned into its build with every target soft (no second build).

    The two builds differ only in the targets block (``add_targets`` with
    ``soften``): the block is replaced by the all-soft one made from the same
    target rows, and the objective's penalty term (the old block's ``penalty``
    expression) now reads the new block's. Like the targets block of a fresh
    build, the new one holds the model's last rows, so the compiled LP has
    the rows, columns and numbers of the all-soft build in the same order
    (tests/test_sweep_relax.py compares them). Returns ``model``.
    """
    from simulator.model.targets import add_targets

    old = model.targets
    model.del_component(old)
    ids = {t.id for t in scenario.spec.targets}
    add_targets(model, list(old.rows.values()), scenario.spec.economics.soft_target_penalty_mcny_per_unit, soften=ids)
    old.penalty.set_value(model.targets.penalty)
    set_aside(model, old)  # its penalty expression stays in the objective
    return model


def explain_infeasible(
    prepared: Prepared,
    exc: InfeasibleError,
    progress: Callable = _quiet,
    conflicts: bool = True,
    model=None,
    warm: WarmStart | None = None,
) -> InfeasibleError:
    """Explain an infeasible scenario in planner's terms.

    ``model``: the build found infeasible; without the IIS search (``conflicts``
    false), its all-soft version is made from it (:func:`soften_in_place`)
    instead of a second build. ``warm``: the all-soft solve goes through this
    :class:`~simulator.solve.highs.WarmStart` (a sweep's earlier all-soft LP
    of the same structure is updated in place and warm-started).

    1. Solve with every target soft. If even that is infeasible, the supply
       cannot cover demand: solve once more with unserved load allowed and
       say in which years and by how much (:func:`explain_supply_gap`).
    2. Otherwise name the conflicting targets from HiGHS's irreducible
       infeasible subsystem (:mod:`simulator.diagnose`; skipped above
       ``IIS_MAX_ROWS`` rows, or with ``conflicts`` false) with their
       shortfalls, or, failing that, the targets left short when every
       target is soft.
    """
    scenario = prepared.scenario
    ids = {t.id for t in scenario.spec.targets}
    progress("infeasible: solving again with every target soft")
    # the IIS reads the hard build's rows: its targets block stays for it
    in_place = model is not None and not (conflicts and any(t.mode == "hard" for t in scenario.spec.targets))
    soft_model = soften_in_place(model, scenario) if in_place else build(prepared, soften=ids)
    try:
        soft_result = solve(soft_model, scenario.spec.solver, warm=warm)
    except (InfeasibleError, SolveError):
        return explain_supply_gap(prepared, exc, progress)
    hard = [t for t in scenario.spec.targets if t.mode == "hard"]
    rows = getattr(exc.diagnosis, "n_rows", 0) or 0
    if conflicts and hard and rows <= IIS_MAX_ROWS:
        from simulator.solve import diagnose
        from simulator.solve.highs import compile_lp

        try:
            err, _ = diagnose.explain(
                prepared,
                exc,
                build=lambda soften: build(prepared, soften),
                solve=lambda model: solve(model, scenario.spec.solver),
                compile_lp=compile_lp,
                tables=lambda model, result: result_tables(model, result.duals, collect_indicators(model), only=SCORECARD)["scorecard"],
                progress=progress,
            )
        except (AttributeError, RuntimeError, ValueError) as diag_exc:  # an IIS failure must not hide the infeasibility
            progress(f"IIS not available ({type(diag_exc).__name__}: {diag_exc}); using the all-soft solve instead")
            err = None
        if err is not None:
            return err
    card = result_tables(soft_model, soft_result.duals, collect_indicators(soft_model), only=SCORECARD)["scorecard"]
    short = card[card["shortfall"] > 1e-6]
    hard_ids = {t.id for t in hard}
    is_hard = short["id"].astype(str).str.split("@").str[0].isin(hard_ids)  # <id>@<year>: a path year
    missed, soft_short = short[is_hard], short[~is_hard]
    lines = ["the hard targets of this scenario cannot all be met:"]
    for _, row in missed.iterrows():
        spec = next(t for t in scenario.spec.targets if t.id == str(row["id"]).split("@")[0])  # <id>@<year>: a path year
        clause = f" ({spec.clause})" if spec.clause else ""
        word = {">=": "at least", "<=": "at most", "==": "exactly"}[spec.sense]
        lines.append(
            f"  {row['id']}{clause}: {row['indicator']} {word} {row['target']:.4g} {row['unit']} by {row['year']} cannot be met; "
            f"the best this plan reaches is {row['value']:.4g} {row['unit']}; shortfall {row['shortfall']:.4g} {row['unit']}"
        )
    if missed.empty:
        lines.append("  (no single hard target shows a shortfall; the conflict lies in the limits of the inputs)")
    if not soft_short.empty:
        lines.append("  soft targets also short in this plan (penalised as usual): " + ", ".join(map(str, soft_short["id"])))
    lines.append("run again with --soft-targets to get the full plan with these shortfalls penalised")
    err = InfeasibleError("\n".join(lines), diagnosis=exc.diagnosis)
    err.soft_scorecard = card
    err.missed = list(missed["id"])
    return err


def explain_supply_gap(prepared: Prepared, exc: InfeasibleError, progress: Callable = _quiet) -> InfeasibleError:
    """Where supply cannot cover demand: unserved load by year, and the import limit that binds."""
    scenario = prepared.scenario
    progress("infeasible even with every target soft: measuring the supply gap (unserved load allowed)")
    model = build(prepared, soften={t.id for t in scenario.spec.targets}, unserved=True)
    try:
        solve(model, scenario.spec.solver)
    except (InfeasibleError, SolveError):
        return InfeasibleError(
            "the scenario is infeasible even with every target soft and unserved load allowed: "
            "the measure limits of a sector contradict each other (check potentials, rates and first years)",
            diagnosis=exc.diagnosis,
        )
    import numpy as np

    weight = np.asarray(prepared.time.weight, dtype=float)
    lines = ["electricity supply cannot cover demand, even with every target relaxed:"]
    for y in model.Y:
        gw = np.array([model.unserved[y, s].value or 0.0 for s in model.S])
        if gw.max() > 1e-6:
            grid = ", ".join(f"{i} {model.power.import_capacity[y, i].value:.3g} GW" for i in model.power.I)
            lines.append(
                f"  {y}: up to {gw.max():.3g} GW of load unserved ({float(weight @ gw) * 1e-3:.3g} TWh in the year); imports at {grid}"
            )
    lines.append(
        "  raise the import limits (imports.csv max_gw, max_expansion_gw_per_yr), local PV potentials or storage build rates, "
        "or lower demand growth (electricity_demand_growth.csv)"
    )
    return InfeasibleError("\n".join(lines), diagnosis=exc.diagnosis)
