"""Solve with HiGHS: Pyomo's standard-form compiler straight into highspy.

The LP is compiled once by ``LinearStandardFormCompiler`` (mixed form: each
row keeps its sense), passed to HiGHS with ``passModel``, and solved with the
scenario's recorded options. Only an optimal solve loads values back into the
model; every other termination raises with a planner-facing message.
Duals are d(objective)/d(right-hand side) in objective units (M CNY, present
value) per unit of the row; reduced costs are the same for a column's active
bound (what binding variable bounds such as build-rate caps are worth).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.collections import ComponentMap
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from simulator.errors import InfeasibleError, SolveError

INF = highspy.kHighsInf


@dataclass
class SolveResult:
    status: str  # optimal | infeasible | unbounded | time_limit | numerical | other
    objective: float
    options: dict
    timings: dict
    log: str
    warnings: list[str]
    iterations: int
    highs_version: str
    duals: dict = field(default_factory=dict)  # ConstraintData → dual
    reduced_costs: ComponentMap = field(default_factory=ComponentMap)  # VarData → d(objective)/d(active bound), M CNY per unit
    n_rows: int = 0
    n_cols: int = 0
    highs: object = None  # the Highs instance (for diagnosis)
    lp_rows: list = field(default_factory=list)


def new_highs() -> highspy.Highs:
    """A Highs instance; its start-up banner goes to /dev/null, not the user's stdout."""
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    return h


def highs_version() -> str:
    h = new_highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


#: ``method: auto`` switches from dual simplex to IPM with crossover at this many rows.
#: Measured (benchmarks/README.md): at 8,760 h × 1 year (61k rows) IPM with
#: crossover took about a quarter of dual simplex's time; at 12 days × 12
#: years (26k rows) dual simplex solves in under 2 s.
AUTO_IPM_ROWS = 40_000


def choose_method(method: str, n_rows: int) -> str:
    """The HiGHS ``solver`` option for the scenario's ``method`` and an LP of ``n_rows`` rows."""
    if method == "auto":
        return "ipm" if n_rows >= AUTO_IPM_ROWS else "simplex"
    return method


def highs_options(solver, n_rows: int = 0) -> dict:
    """The HiGHS options a run uses; all recorded in the manifest (``auto`` resolved by LP size)."""
    method = choose_method(solver.method, n_rows)
    return {
        "solver": method,
        "threads": solver.threads,
        "random_seed": solver.random_seed,
        "run_crossover": "on" if solver.crossover else "off",
        "presolve": solver.presolve,
        "time_limit": float(solver.time_limit_s),
        "primal_feasibility_tolerance": solver.primal_feasibility_tolerance,
        "dual_feasibility_tolerance": solver.dual_feasibility_tolerance,
    }


@dataclass
class CompiledLP:
    repn: object
    lp: object


def compile_lp(model) -> CompiledLP:
    """Pyomo model → highspy ``HighsLp`` (columns, rows, bounds, costs)."""
    repn = LinearStandardFormCompiler().write(model, mixed_form=True)
    A = repn.A.tocsc()
    n_rows, n_cols = A.shape
    sense = np.array([r[1] for r in repn.rows], dtype=int)
    rhs = np.asarray(repn.rhs, dtype=float)
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    c = repn.c.toarray().ravel() if repn.c.shape[0] else np.zeros(n_cols)
    lp.col_cost_ = c if len(c) == n_cols else np.zeros(n_cols)
    lp.offset_ = float(repn.c_offset[0]) if len(repn.c_offset) else 0.0
    lower = np.array([INF * -1 if v.lb is None else v.lb for v in repn.columns], dtype=float)
    upper = np.array([INF if v.ub is None else v.ub for v in repn.columns], dtype=float)
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.where(sense <= 0, rhs, -INF)
    lp.row_upper_ = np.where(sense >= 0, rhs, INF)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    return CompiledLP(repn=repn, lp=lp)


_STATUS = {
    "Optimal": "optimal",
    "Infeasible": "infeasible",
    "Unbounded": "unbounded",
    "Primal infeasible or unbounded": "infeasible",
    "Time limit reached": "time_limit",
    "Iteration limit reached": "time_limit",
}


def solve(model, solver, log_dir: str | Path | None = None) -> SolveResult:
    """Compile, solve and load the solution. Raises InfeasibleError / SolveError."""
    t0 = time.perf_counter()
    compiled = compile_lp(model)
    t1 = time.perf_counter()
    h = new_highs()
    options = highs_options(solver, compiled.lp.num_row_)
    log_fd, log_path = tempfile.mkstemp(prefix="highs-", suffix=".log", dir=log_dir)
    os.close(log_fd)
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("log_file", str(log_path))
    for key, value in options.items():
        h.setOptionValue(key, value)
    h.passModel(compiled.lp)
    t2 = time.perf_counter()
    h.run()
    t3 = time.perf_counter()
    status_text = h.modelStatusToString(h.getModelStatus())
    status = _STATUS.get(status_text, "numerical" if "numerical" in status_text.lower() else "other")
    info = h.getInfo()
    h.setOptionValue("log_file", "")
    log = Path(log_path).read_text(errors="replace")
    Path(log_path).unlink(missing_ok=True)
    warnings = [line for line in log.splitlines() if "WARNING" in line.upper()]
    result = SolveResult(
        status=status,
        objective=float("nan"),
        options=options,
        timings={"translate_s": t1 - t0, "pass_s": t2 - t1, "highs_run_s": t3 - t2},
        log=log,
        warnings=warnings,
        iterations=int(info.simplex_iteration_count + max(info.ipm_iteration_count, 0)),
        highs_version=highs_version(),
        n_rows=compiled.lp.num_row_,
        n_cols=compiled.lp.num_col_,
        highs=h,
        lp_rows=compiled.repn.rows,
    )
    if status != "optimal":
        if status == "infeasible":
            raise InfeasibleError("the hard targets and limits of this scenario cannot all be met", diagnosis=result)
        if status == "unbounded":
            raise SolveError(
                "the model is unbounded: a cost is missing or negative somewhere in the inputs (the solver could lower cost without limit)"
            )
        if status == "time_limit":
            raise SolveError(
                f"HiGHS stopped at the time limit ({solver.time_limit_s:g} s) without an optimal plan; raise solver.time_limit_s or use fewer days"
            )
        raise SolveError(f"HiGHS stopped without an optimal plan ({status_text}); the inputs may contain badly scaled numbers")
    t4 = time.perf_counter()
    sol = h.getSolution()
    x = np.asarray(sol.col_value)
    for var, value in zip(compiled.repn.columns, x, strict=True):
        var.set_value(float(value), skip_validation=True)
    row_dual = np.asarray(sol.row_dual)
    duals: dict = {}
    for (con, _), d in zip(compiled.repn.rows, row_dual, strict=True):
        duals[con] = duals.get(con, 0.0) + float(d)
    result.duals = duals
    result.reduced_costs = ComponentMap(zip(compiled.repn.columns, np.asarray(sol.col_dual, dtype=float).tolist(), strict=True))
    result.objective = float(pyo.value(model.total_cost))
    result.timings["load_solution_s"] = time.perf_counter() - t4
    return result
