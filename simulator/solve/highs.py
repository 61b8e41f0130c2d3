"""Solve with HiGHS: Pyomo's standard-form compiler straight into highspy.

The LP is compiled once by ``LinearStandardFormCompiler`` (mixed form: each
row keeps its sense), passed to HiGHS with ``passModel``, and solved with the
scenario's recorded options: one method or, for ``method: auto``, a chain
chosen by LP size (dual simplex; IPX; HiPO for hourly multi-year LPs), each
method handing over to the next when it ends without an optimal plan.
Interior-point methods run with crossover, so the plan is a basic optimum and
its duals are exact. Only an optimal solve loads values back into the model;
every other termination raises with a planner-facing message.
Duals are d(objective)/d(right-hand side) in objective units (M CNY, present
value) per unit of the row; reduced costs are the same for a column's active
bound (what binding variable bounds such as build-rate caps are worth).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.common.collections import ComponentMap
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler, LinearStandardFormInfo, RowEntry

from simulator.errors import InfeasibleError, SolveError
from simulator.model.matrix import is_matrix_rows, scipy_sparse

INF = highspy.kHighsInf
_NO_LIMIT = 2_147_483_647  # HiGHS's default iteration limits (kHighsIInf)


class ReducedCosts(Mapping):
    """VarData → reduced cost (M CNY per unit) of each LP column, a ``ComponentMap`` made on first read.

    Only the ``limits`` table reads them; a sweep variant never does, and
    making the map of a 12-day LP's 7,000 columns took about 6 ms a solve.
    """

    def __init__(self, columns: list, values: np.ndarray):
        self._columns, self._values, self._map = columns, values, None

    def _made(self) -> ComponentMap:
        if self._map is None:
            self._map = ComponentMap(zip(self._columns, self._values.tolist(), strict=True))
        return self._map

    def __getitem__(self, var) -> float:
        return self._made()[var]

    def __iter__(self):
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._columns)


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
    reduced_costs: Mapping = field(default_factory=ComponentMap)  # VarData → d(objective)/d(active bound), M CNY per unit
    n_rows: int = 0
    n_cols: int = 0
    highs: object = None  # the Highs instance (for diagnosis)
    lp_rows: list = field(default_factory=list)
    attempts: list = field(default_factory=list)  # one dict per method tried: method, status, seconds, iterations

    @property
    def method(self) -> str:
        """The method whose result is used (the last attempt's)."""
        return self.attempts[-1]["method"] if self.attempts else self.options.get("solver", "")

    @property
    def fallbacks(self) -> list[str]:
        """One line per attempt that ended without an optimal plan and was followed by another method."""
        return [
            f"{a['method']} ended '{a['status']}' after {a['seconds']:.1f} s; next: {b['method']}"
            for a, b in itertools.pairwise(self.attempts)
        ]

    lp_columns: list = field(default_factory=list)  # the Pyomo variable of each LP column


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


@functools.cache
def highs_version() -> str:
    h = new_highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


#: ``method: auto`` switches from dual simplex to IPX (HiGHS's first interior-point
#: solver) with crossover at this many rows. Measured (benchmarks/README.md): at
#: 8,760 h × 1 year (61k rows) IPX with crossover took about a quarter of dual
#: simplex's time; at 12 days × 12 years (26k rows) dual simplex solves in under 2 s.
AUTO_IPM_ROWS = 40_000
#: ``method: auto`` takes HiPO (HiGHS's newer interior-point solver, needs
#: ``highspy-extras``) with crossover first from this many rows on: hourly
#: multi-year LPs (8,760 h × 2 years ≈ 120k rows). Measured at 8,760 h × 2024–26
#: (184k rows): HiPO + crossover 50 s against 312 s for IPX (benchmarks/README.md).
#: Below it (8,760 h × 1 year with soft-target penalties) HiPO was seen to stall.
AUTO_HIPO_ROWS = 100_000

#: the scenario's ``method`` → the HiGHS ``solver`` option value
HIGHS_SOLVER = {"simplex": "simplex", "ipm": "ipx", "ipx": "ipx", "hipo": "hipo", "pdlp": "pdlp", "choose": "choose"}
#: the method tried next when one ends without an optimal plan (``auto`` only)
FALLBACK = {"hipo": "ipx", "ipx": "simplex"}
#: HiGHS restarts dual simplex from scratch when an interior-point solve ends
#: imprecise ("clean-up"); on an attempt that has a next method, that clean-up
#: is cut at ``max(CLEANUP_MIN_ITERATIONS, CLEANUP_ITERATIONS_PER_ROW · rows)``
#: simplex iterations and the next method runs instead. After a converged
#: crossover the clean-up takes a few hundred iterations (8,760 h × 3 years);
#: dual simplex from scratch takes about one per row (64,715 at 61k rows).
CLEANUP_MIN_ITERATIONS = 10_000
CLEANUP_ITERATIONS_PER_ROW = 0.2


def method_chain(method: str, n_rows: int) -> list[str]:
    """The methods tried in turn for the scenario's ``method`` and an LP of ``n_rows`` rows.

    ``auto``: dual simplex, then IPX + crossover, below ``AUTO_IPM_ROWS`` rows; IPX + crossover, then
    dual simplex, up to ``AUTO_HIPO_ROWS``; HiPO + crossover, then IPX, then
    dual simplex from there on. An explicit method is tried alone.
    """
    if method != "auto":
        return [method if method != "ipm" else "ipx"]
    if n_rows < AUTO_IPM_ROWS:
        # dual simplex, then IPX: of 200 data-range variants of the reference (12 days), 3 infeasible
        # ones ended in dual simplex with HiGHS status "Unknown"; IPX proved them infeasible
        return ["simplex", "ipx"]
    chain = ["ipx" if n_rows < AUTO_HIPO_ROWS else "hipo"]
    while chain[-1] in FALLBACK:
        chain.append(FALLBACK[chain[-1]])
    return chain


def choose_method(method: str, n_rows: int) -> str:
    """The first method tried for the scenario's ``method`` and an LP of ``n_rows`` rows."""
    return method_chain(method, n_rows)[0]


def highs_options(solver, n_rows: int = 0, method: str | None = None) -> dict:
    """The HiGHS options of one attempt (``method``, default: the first of the chain); all recorded in the manifest."""
    method = method or choose_method(solver.method, n_rows)
    options = {
        "solver": HIGHS_SOLVER.get(method, method),
        "threads": solver.threads,
        "random_seed": solver.random_seed,
        "run_crossover": "on" if solver.crossover else "off",
        "presolve": solver.presolve,
        "time_limit": float(solver.time_limit_s),
        "primal_feasibility_tolerance": solver.primal_feasibility_tolerance,
        "dual_feasibility_tolerance": solver.dual_feasibility_tolerance,
    }
    if solver.ipm_iteration_limit is not None and method in ("ipx", "hipo"):
        options["ipm_iteration_limit"] = int(solver.ipm_iteration_limit)
    return options


#: mantissa bits kept of every LP coefficient, cost, bound and right-hand side: 40 bits, a relative
#: precision of 2^-40 ≈ 9.1e-13 (about 12 significant digits)
LP_MANTISSA_BITS = 40


def canonical(values) -> np.ndarray:
    """``values`` rounded to :data:`LP_MANTISSA_BITS` bits of mantissa, identically on every IEEE-754 machine.

    Float noise in the last bits of a coefficient (summation order of numpy's
    SIMD reductions, BLAS, libm) differs between CPUs; rounding every number
    handed to HiGHS removes it, so that the same model gives the same LP
    bit for bit. Only exact operations are used (``frexp``, scaling by a
    power of two, round-half-even, ``ldexp``). Infinite bounds pass through.
    """
    v = np.asarray(values, dtype=float)
    finite = np.isfinite(v)
    mantissa, exponent = np.frexp(np.where(finite, v, 0.0))
    scale = float(2**LP_MANTISSA_BITS)
    rounded = np.ldexp(np.round(mantissa * scale) / scale, exponent)
    return np.where(finite, rounded, v)


@dataclass
class CompiledLP:
    repn: object
    lp: object
    #: the numbers handed to ``lp`` (cost, offset, col/row bounds, CSC start/index/value), as numpy arrays: read
    #: back from ``lp`` each would be copied out of HiGHS again (about 8 ms a 12-day LP)
    arrays: dict


def _matrix_families(model) -> list:
    """The active matrix-block constraint families of ``model`` (``simulator.model.matrix.MatrixRows``)."""
    return [c for c in model.component_objects(pyo.Constraint, active=True, descend_into=True) if is_matrix_rows(c)]


class _IdIndex:
    """Positions of Pyomo variables by identity, looked up for whole arrays at once (sorted ids, ``searchsorted``)."""

    def __init__(self, variables: list):
        self.ids = np.fromiter(map(id, variables), dtype=np.int64, count=len(variables))
        self.positions = np.arange(len(variables))
        self._sort()

    def _sort(self) -> None:
        order = np.argsort(self.ids, kind="stable")
        self.ids, self.positions = self.ids[order], self.positions[order]

    def find(self, variables) -> np.ndarray:
        """Position of each variable, −1 for one not indexed."""
        ids = np.fromiter(map(id, variables), dtype=np.int64, count=len(variables))
        at = np.minimum(np.searchsorted(self.ids, ids), max(len(self.ids) - 1, 0))
        found = (self.ids[at] == ids) if len(self.ids) else np.zeros(len(ids), dtype=bool)
        return np.where(found, self.positions[at] if len(self.ids) else -1, -1)

    def add(self, variables: list, positions: np.ndarray) -> None:
        self.ids = np.concatenate([self.ids, np.fromiter(map(id, variables), dtype=np.int64, count=len(variables))])
        self.positions = np.concatenate([self.positions, positions])
        self._sort()


def _append_matrix_rows(repn, families: list):
    """``repn`` (the standard form of the rest of the model) with the rows of the matrix ``families`` appended.

    Each family's columns are mapped to the compiler's columns; a variable that
    appears only in matrix rows becomes a new column with its bounds; a fixed
    variable moves to the right-hand side (as the compiler does). Rows are in
    mixed form like the compiler's: an equality is one row (sense 0), an upper
    bound one row (sense 1), a lower bound one row (sense −1), a range two rows
    (upper, then lower). A row left without variables is dropped if its bounds
    hold, else the LP is refused (``InfeasibleConstraintException``, as the
    compiler does).
    """
    sparse = scipy_sparse()
    columns = list(repn.columns)
    known = _IdIndex(columns)  # the compiler's columns are the model's unfixed variables outside the families
    old = sparse.coo_array(repn.A)
    parts_row, parts_col, parts_data = [old.row], [old.col], [old.data]
    rhs_parts, rows = [np.asarray(repn.rhs, dtype=float)], list(repn.rows)
    n_lp_rows = old.shape[0]
    for family in families:
        x = family._x
        n_rows = len(family._keys)
        block = sparse.csr_array((family._A_data, family._A_indices, family._A_indptr), shape=(n_rows, len(x)))
        lower, upper = family.lower_array, family.upper_array
        position = known.find(x)
        unknown = np.flatnonzero(position < 0)
        fixed = np.zeros(len(x), dtype=bool)
        fixed[unknown] = [x[j].fixed for j in unknown]
        if fixed.any():
            values = np.zeros(len(x))
            values[fixed] = [float(x[j].value) for j in np.flatnonzero(fixed)]
            shift = block @ values
            lower, upper = lower - shift, upper - shift
        missing = np.flatnonzero((position < 0) & ~fixed)
        if len(missing):  # variables in no row of the compiled part: new columns, in the family's order
            position[missing] = np.arange(len(columns), len(columns) + len(missing))
            added = [x[j] for j in missing]
            columns.extend(added)
            known.add(added, position[missing])
        entries = block.tocoo()
        keep = ~fixed[entries.col]
        entry_row, entry_col, entry_data = entries.row[keep], position[entries.col[keep]], entries.data[keep]
        empty = np.bincount(entry_row, minlength=n_rows) == 0
        bad = np.flatnonzero(empty & ((lower > 0.0) | (upper < 0.0)))
        if len(bad):
            raise InfeasibleConstraintException(f"model contains a trivially infeasible constraint, '{family[family._keys[bad[0]]].name}'")
        equal = (lower == upper) & ~empty
        has_upper = np.isfinite(upper) & ~equal & ~empty
        has_lower = np.isfinite(lower) & ~equal & ~empty
        # one entry per LP row: (family row, sense), in family order, the upper-bound row before the lower-bound row
        row = np.concatenate([np.flatnonzero(equal), np.flatnonzero(has_upper), np.flatnonzero(has_lower)])
        sense = np.concatenate([np.zeros(equal.sum(), int), np.ones(has_upper.sum(), int), -np.ones(has_lower.sum(), int)])
        order = np.lexsort((-sense, row))
        row, sense = row[order], sense[order]
        if len(np.unique(row)) == len(row):  # no range: each family row is at most one LP row
            lp_row = np.full(n_rows, -1)
            lp_row[row] = np.arange(len(row))
            used = lp_row[entry_row] >= 0
            parts_row.append(n_lp_rows + lp_row[entry_row[used]])
            parts_col.append(entry_col[used])
            parts_data.append(entry_data[used])
        else:  # LP row r takes family row row[r] (a range's row twice)
            pick = sparse.csr_array((np.ones(len(row)), (np.arange(len(row)), row)), shape=(len(row), n_rows))
            picked = (pick @ sparse.csr_array((entry_data, (entry_row, entry_col)), shape=(n_rows, len(columns)))).tocoo()
            parts_row.append(n_lp_rows + picked.row)
            parts_col.append(picked.col)
            parts_data.append(picked.data)
        n_lp_rows += len(row)
        rhs_parts.append(np.where(sense == -1, lower[row], upper[row]))
        rows.extend(map(RowEntry, map(family._data.__getitem__, row.tolist()), sense.tolist()))
    n_cols = len(columns)
    A = sparse.csc_array((np.concatenate(parts_data), (np.concatenate(parts_row), np.concatenate(parts_col))), shape=(n_lp_rows, n_cols))
    c = sparse.coo_array(repn.c)
    c = sparse.csc_array((c.data, (c.row, c.col)), shape=(c.shape[0], n_cols))
    return LinearStandardFormInfo(c, repn.c_offset, A, np.concatenate(rhs_parts), rows, columns, repn.objectives, repn.eliminated_vars)


def compile_lp(model) -> CompiledLP:
    """Pyomo model → highspy ``HighsLp`` (columns, rows, bounds, costs), every number :func:`canonical`.

    Pyomo's ``LinearStandardFormCompiler`` compiles the model without its
    matrix-block families (:mod:`simulator.model.matrix`), whose rows are then
    appended as they are (:func:`_append_matrix_rows`).
    """
    families = _matrix_families(model)
    for family in families:
        family.deactivate()
    try:
        repn = LinearStandardFormCompiler().write(model, mixed_form=True)
    finally:
        for family in families:
            family.activate()
    if families:
        repn = _append_matrix_rows(repn, families)
    A = repn.A.tocsc()
    n_rows, n_cols = A.shape
    sense = np.array([r[1] for r in repn.rows], dtype=int)
    rhs = canonical(repn.rhs)
    c = repn.c.toarray().ravel() if repn.c.shape[0] else np.zeros(n_cols)
    bounds = np.array([v.bounds for v in repn.columns], dtype=float).reshape(-1, 2)  # None → nan
    arrays = {
        "cost": canonical(c) if len(c) == n_cols else np.zeros(n_cols),
        "offset": float(canonical(repn.c_offset[0])) if len(repn.c_offset) else 0.0,
        "col_lower": canonical(np.where(np.isnan(bounds[:, 0]), -INF, bounds[:, 0])),
        "col_upper": canonical(np.where(np.isnan(bounds[:, 1]), INF, bounds[:, 1])),
        "row_lower": np.where(sense <= 0, rhs, -INF),
        "row_upper": np.where(sense >= 0, rhs, INF),
        "start": np.asarray(A.indptr),
        "index": np.asarray(A.indices),
        "value": canonical(A.data),
    }
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = arrays["cost"]
    lp.offset_ = arrays["offset"]
    lp.col_lower_ = arrays["col_lower"]
    lp.col_upper_ = arrays["col_upper"]
    lp.row_lower_ = arrays["row_lower"]
    lp.row_upper_ = arrays["row_upper"]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = arrays["start"]
    lp.a_matrix_.index_ = arrays["index"]
    lp.a_matrix_.value_ = arrays["value"]
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    return CompiledLP(repn=repn, lp=lp, arrays=arrays)


_STATUS = {
    "Optimal": "optimal",
    "Infeasible": "infeasible",
    "Unbounded": "unbounded",
    "Primal infeasible or unbounded": "infeasible",
    "Time limit reached": "time_limit",
    "Iteration limit reached": "time_limit",
}


def _status(h) -> tuple[str, str]:
    text = h.modelStatusToString(h.getModelStatus())
    return _STATUS.get(text, "numerical" if "numerical" in text.lower() else "other"), text


@dataclass
class WarmStart:
    """One HiGHS instance kept across solves of LPs of one structure (a sweep's variants on one worker).

    The first :func:`solve` given this object passes its LP to a new instance;
    each later LP with the same rows, columns and sparsity pattern (the same
    structure, other numbers) is written into that instance in place: costs,
    the objective offset, column and row bounds and the changed matrix values.
    HiGHS keeps the previous solve's optimal basis, so dual simplex starts from
    it. An LP of another structure is passed afresh (a full build).
    """

    highs: object = None
    signature: str = ""
    arrays: dict = field(default_factory=dict)  # the numbers of the LP the instance holds
    reused: int = 0  # solves that updated the held LP in place
    passed: int = 0  # solves that passed a whole LP


def _signature(compiled: CompiledLP) -> str:
    """Rows, columns and sparsity pattern of an LP: equal signatures, same structure.

    Names are not part of it: when the counts and the pattern agree,
    :func:`_update_in_place` writes every cost, bound and matrix value of the
    new LP into the held one, which is then that LP number for number (and
    the solution is read back through the new LP's own rows and columns).
    Building the 20,000-odd Pyomo names of a 36-day LP took about 1 s a variant.
    """
    lp, arrays = compiled.lp, compiled.arrays
    digest = hashlib.sha256()
    digest.update(f"{lp.num_row_}x{lp.num_col_}".encode())
    digest.update(np.asarray(arrays["start"], dtype=np.int64).tobytes())
    digest.update(np.asarray(arrays["index"], dtype=np.int64).tobytes())
    return digest.hexdigest()


def _update_in_place(h, old: dict, new: dict) -> int:
    """Write the numbers of ``new`` that differ from ``old`` into ``h`` (same structure); returns how many changed."""
    changed = 0
    idx = np.flatnonzero(old["cost"] != new["cost"])
    if len(idx):
        h.changeColsCost(len(idx), idx.astype(np.int32), new["cost"][idx])
    changed += len(idx)
    if old["offset"] != new["offset"]:
        h.changeObjectiveOffset(new["offset"])
        changed += 1
    idx = np.flatnonzero((old["col_lower"] != new["col_lower"]) | (old["col_upper"] != new["col_upper"]))
    if len(idx):
        h.changeColsBounds(len(idx), idx.astype(np.int32), new["col_lower"][idx], new["col_upper"][idx])
    changed += len(idx)
    idx = np.flatnonzero((old["row_lower"] != new["row_lower"]) | (old["row_upper"] != new["row_upper"]))
    if len(idx):
        h.changeRowsBounds(len(idx), idx.astype(np.int32), new["row_lower"][idx], new["row_upper"][idx])
    changed += len(idx)
    nz = np.flatnonzero(old["value"] != new["value"])
    if len(nz):
        cols = np.searchsorted(new["start"], nz, side="right") - 1
        for k, col in zip(nz, cols, strict=True):
            h.changeCoeff(int(new["index"][k]), int(col), float(new["value"][k]))
    return changed + len(nz)


def _objective_value(repn, x: np.ndarray, sense) -> float:
    """The objective at the columns' values ``x``: c·x + offset of the compiled LP, in the objective's own sense (M CNY).

    The compiler's unrounded costs (fixed variables already in the offset), so
    the value is the model's objective expression at ``x`` up to the order of
    summation; one sparse product instead of walking the expression tree (about
    0.15 s a 12-day reference variant).
    """
    c = repn.c.tocsr()[[0]] if repn.c.shape[0] else None
    value = float((c @ x)[0]) if c is not None else 0.0
    value += float(repn.c_offset[0]) if len(repn.c_offset) else 0.0
    return value if sense == pyo.minimize else -value


def _start_alongside(work: Callable[[], object] | None) -> threading.Thread | None:
    """Start ``work`` in a daemon thread (see :func:`solve`); what it raises is dropped."""
    if work is None:
        return None

    def run() -> None:
        with contextlib.suppress(Exception):
            work()

    thread = threading.Thread(target=run, name="alongside-highs", daemon=True)
    thread.start()
    return thread


def solve(
    model, solver, log_dir: str | Path | None = None, warm: WarmStart | None = None, alongside: Callable[[], object] | None = None
) -> SolveResult:
    """Compile, solve and load the solution. Raises InfeasibleError / SolveError.

    ``alongside``: work for another thread while HiGHS solves (HiGHS releases
    Python's lock while it runs, so the two use two cores); e.g. importing
    what writing the results will need. Done before this returns; what it
    raises is ignored (the work is only ahead of its time).

    The methods of :func:`method_chain` are tried in turn on the same HiGHS
    instance: when one ends without an optimal plan (a stall, an iteration
    limit, an imprecise interior point whose simplex clean-up is cut), the
    solver state is cleared and the next method solves the LP. Every attempt
    (method, HiGHS status, seconds, iterations) is kept in ``attempts``;
    ``options`` are those of the attempt whose result is used.

    With ``warm`` (:class:`WarmStart`), an LP of the structure it holds is
    updated in place and solved by dual simplex from the previous basis
    (``options["reused_lp"]`` is then true; that attempt has ``warm_start``
    true); if that attempt ends without an optimal plan, the LP is passed
    afresh and the usual chain follows. Any other LP is passed afresh and
    kept in ``warm`` for the next call.
    """
    t0 = time.perf_counter()
    compiled = compile_lp(model)
    t1 = time.perf_counter()
    n_rows = compiled.lp.num_row_
    chain = method_chain(solver.method, n_rows)
    log_fd, log_path = tempfile.mkstemp(prefix="highs-", suffix=".log", dir=log_dir)
    os.close(log_fd)
    reused = False
    if warm is not None:
        signature, arrays = _signature(compiled), compiled.arrays
        if warm.highs is not None and signature == warm.signature:
            h, reused = warm.highs, True
            _update_in_place(h, warm.arrays, arrays)
            # dual simplex from the previous basis first; if it ends without an optimal plan
            # (a data-range sweep met HiGHS status "Unknown" there), the LP is passed afresh
            # and the usual chain solves it from scratch
            chain = ["simplex", *chain]
            warm.reused += 1
        else:
            warm.highs, warm.signature = new_highs(), signature
            warm.passed += 1
        warm.arrays = arrays
        h = warm.highs
    else:
        h = new_highs()
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("log_file", str(log_path))
    if not reused:
        h.passModel(compiled.lp)
    t2 = time.perf_counter()
    attempts: list[dict] = []
    iterations = 0
    deadline = t2 + float(solver.time_limit_s)
    helper = _start_alongside(alongside)
    for k, method in enumerate(chain):
        options = highs_options(solver, n_rows, method)
        options["time_limit"] = max(deadline - time.perf_counter(), 1e-3)
        has_next = k + 1 < len(chain)
        warm_attempt = reused and k == 0
        if has_next and (method in ("ipx", "hipo") or warm_attempt):
            options["simplex_iteration_limit"] = int(max(CLEANUP_MIN_ITERATIONS, CLEANUP_ITERATIONS_PER_ROW * n_rows))
        if k == 1 and reused:
            h.passModel(compiled.lp)  # the warm attempt failed: the LP afresh, without its basis
        elif k:
            h.clearSolver()
        for key in ("simplex_iteration_limit", "ipm_iteration_limit"):  # an earlier attempt's limits do not carry over
            h.setOptionValue(key, options.get(key, _NO_LIMIT))
        for key, value in options.items():
            h.setOptionValue(key, value)
        ta = time.perf_counter()
        run_status = h.run()
        info = h.getInfo()
        status, status_text = _status(h)
        if run_status == highspy.HighsStatus.kError and status == "optimal":
            status, status_text = "other", f"error ({status_text})"
        its = int(info.simplex_iteration_count + max(info.ipm_iteration_count, 0) + max(info.crossover_iteration_count, 0))
        iterations += its
        attempts.append(
            {
                "method": method,
                "warm_start": warm_attempt,
                "status": status_text,
                "seconds": round(time.perf_counter() - ta, 3),
                "iterations": its,
                "ipm_iterations": max(int(info.ipm_iteration_count), 0),
                "crossover_iterations": max(int(info.crossover_iteration_count), 0),
                "simplex_iterations": max(int(info.simplex_iteration_count), 0),
            }
        )
        proven = status == "optimal" or (method == "simplex" and status in ("infeasible", "unbounded"))
        if proven or not has_next or time.perf_counter() >= deadline:
            break  # dual simplex's infeasibility or unboundedness is a proof; an interior point's is retried
    t3 = time.perf_counter()
    if helper is not None:
        helper.join()
    options["time_limit"] = float(solver.time_limit_s)
    options["method_requested"] = solver.method
    if warm is not None:
        options["reused_lp"] = reused
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
        iterations=iterations,
        highs_version=highs_version(),
        n_rows=n_rows,
        n_cols=compiled.lp.num_col_,
        highs=h,
        lp_rows=compiled.repn.rows,
        attempts=attempts,
        lp_columns=list(compiled.repn.columns),
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
    result.reduced_costs = ReducedCosts(compiled.repn.columns, np.asarray(sol.col_dual, dtype=float))
    result.objective = _objective_value(compiled.repn, x, model.total_cost.sense)
    result.timings["load_solution_s"] = time.perf_counter() - t4
    return result
