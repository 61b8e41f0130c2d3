"""Why a scenario is infeasible: irreducible infeasible subsystems (IIS) in planner's terms.

When the hard targets cannot all be met, HiGHS (through highspy,
``Highs.getIis`` with the elastic-filter strategy) returns an irreducible
infeasible subsystem: a smallest set of LP rows and variable bounds that
cannot hold together. Each row maps back to a Pyomo constraint through the
compiled LP's row order (``compiled.repn.rows``), each bound to a variable
(``compiled.repn.columns``). Target rows (``targets.target_met[<id>]``) name
the conflicting targets; the other members name the limits of the inputs
that block them (PV potential, build rates, import limits, …).

One infeasible LP may hold several independent conflicts. :func:`find_conflicts`
softens the targets of each IIS found and solves again until the scenario
solves or an IIS holds no target; :func:`explain` then solves with exactly
those targets soft and reports each one's shortfall.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyomo.core as pyo

from simulator.errors import InfeasibleError, SolveError

#: HiGHS elastic LP (2) + true IIS (4): an irreducible set
IIS_STRATEGY = 6
IIS_TIME_LIMIT_S = 120.0
_BOUND = {1: "free", 2: "lower", 3: "upper", 4: "boxed"}


@dataclass
class Member:
    """One member of an IIS: a constraint row or a variable bound."""

    family: str  # component name, e.g. power.pv_within_potential
    index: object
    kind: str  # row | bound
    side: str  # lower | upper | boxed

    @property
    def name(self) -> str:
        if self.index is None:
            return self.family
        idx = ",".join(str(i) for i in self.index) if isinstance(self.index, tuple) else str(self.index)
        return f"{self.family}[{idx}]"


@dataclass
class Conflict:
    """An IIS: the targets in it and the other members (limits of the inputs)."""

    targets: list[str]
    members: list[Member] = field(default_factory=list)
    model: object = None  # the model the IIS was found in

    def families(self) -> dict[str, list[Member]]:
        out: dict[str, list[Member]] = {}
        for m in self.members:
            if m.family != "targets.target_met":
                out.setdefault(m.family, []).append(m)
        return out


def compute_iis(highs, rows: list, columns: list) -> Conflict | None:
    """The IIS of an infeasible LP held by ``highs``, mapped to model names (None if HiGHS finds none)."""
    highs.setOptionValue("iis_strategy", IIS_STRATEGY)
    highs.setOptionValue("iis_time_limit", IIS_TIME_LIMIT_S)
    _status, iis = highs.getIis()
    if not iis.valid_ or (len(iis.row_index_) == 0 and len(iis.col_index_) == 0):
        return None
    members = []
    for i, b in zip(iis.row_index_, iis.row_bound_, strict=True):
        con = rows[int(i)][0]
        members.append(Member(con.parent_component().name, con.index(), "row", _BOUND.get(int(b), str(b))))
    for j, b in zip(iis.col_index_, iis.col_bound_, strict=True):
        side = _BOUND.get(int(b), str(b))
        var = columns[int(j)]
        if side == "free" or (side == "lower" and (var.lb or 0.0) == 0.0):
            continue  # a free column or plain non-negativity says nothing to a planner
        members.append(Member(var.parent_component().name, var.index(), "bound", side))
    targets = [str(m.index) for m in members if m.family == "targets.target_met"]
    return Conflict(targets=list(dict.fromkeys(targets)), members=members)


# --------------------------------------------------------------------------- planner's words


def _sum_upper_of_constraint(model, family: str) -> float:
    comp = model.find_component(family)
    return float(sum(pyo.value(c.upper) for c in comp.values() if c.upper is not None))


def _yearly_sum_of_var_ub(model, family: str) -> float:
    comp = model.find_component(family)
    first = min(model.Y)
    return float(sum(v.ub for idx, v in comp.items() if v.ub is not None and (idx[0] if isinstance(idx, tuple) else idx) == first))


def _sum_var_ub_last_year(model, family: str) -> float:
    comp = model.find_component(family)
    last = max(model.Y)
    return float(sum(v.ub for idx, v in comp.items() if v.ub is not None and (idx[0] if isinstance(idx, tuple) else idx) == last))


#: family → (text with {total}, how the total is computed)
KNOWN_LIMITS: dict[str, tuple[str, Callable]] = {
    "power.pv_within_potential": (
        "the PV potential entered totals {total:.3g} GW (pv_classes.csv, potential_gw)",
        _sum_upper_of_constraint,
    ),
    "power.pv_capacity": ("the PV potential entered totals {total:.3g} GW (pv_classes.csv, potential_gw)", _sum_var_ub_last_year),
    "power.pv_new": ("PV can be built at most {total:.3g} GW a year (pv_classes.csv, max_build_gw_per_yr)", _yearly_sum_of_var_ub),
    "power.storage_power_new": (
        "storage can be built at most {total:.3g} GW a year (storage.csv, max_build_gw_per_yr)",
        _yearly_sum_of_var_ub,
    ),
    "power.import_capacity": ("import channels hold at most {total:.3g} GW (imports.csv, max_gw)", _sum_var_ub_last_year),
    "power.import_within_annual_limit": (
        "imports are limited to {total:.3g} TWh a year (imports.csv, annual_limit_twh)",
        lambda model, fam: _sum_upper_of_constraint(model, fam) / max(len(model.Y), 1),
    ),
}

_SUFFIX_TEXT = {
    "adoption_within_potential": "the potentials of the {sector} measures entered",
    "adoption_within_rate": "the yearly adoption limits of the {sector} measures",
    "adoption_never_decreases": "adopted measures cannot be undone ({sector})",
    "balance_electricity": "the hourly electricity balance",
    "roof_pv_built": "PV on new roofs must be built as rooftop PV capacity",
    "pv_accumulation": "PV capacity grows only by what is built each year",
    "storage_accumulation": "storage capacity grows only by what is built each year",
    "storage_duration_min": "the storage duration limits",
    "storage_duration_max": "the storage duration limits",
}


def describe_limit(model, family: str, members: list[Member]) -> str:
    """A planner's phrase for a family of IIS members."""
    if family in KNOWN_LIMITS:
        text, total = KNOWN_LIMITS[family]
        try:
            return text.format(total=total(model, family))
        except (AttributeError, TypeError, ValueError, KeyError):
            pass
    sector, _, short = family.rpartition(".")
    if short in _SUFFIX_TEXT:
        return _SUFFIX_TEXT[short].format(sector=sector or "city")
    comp = model.find_component(family)
    doc = getattr(comp, "doc", None)
    what = "upper bound" if members[0].side == "upper" and members[0].kind == "bound" else "limit"
    return f"the {what} {family}" + (f" ({doc})" if doc else "") + f" ({len(members)} row{'s' if len(members) != 1 else ''})"


def find_conflicts(
    build: Callable, solve: Callable, compile_lp: Callable, hard: list[str], first_result, progress: Callable
) -> list[Conflict]:
    """IIS after IIS: soften the targets of each conflict found, solve again, until feasible.

    ``build(soften)`` builds a model, ``solve(model)`` solves it (raising
    InfeasibleError with the result as ``diagnosis``), ``compile_lp(model)``
    gives the column order. Stops when the scenario solves, when an IIS holds
    no target (the inputs alone conflict) or after one round per hard target.
    """
    conflicts: list[Conflict] = []
    softened: set[str] = set()
    result = first_result
    model = None
    for _ in range(len(hard) + 1):
        if model is None:
            model = build(set())
        columns = compile_lp(model).repn.columns
        conflict = compute_iis(result.highs, result.lp_rows, columns) if result is not None and result.highs is not None else None
        if conflict is None:
            break
        conflict.model = model
        conflicts.append(conflict)
        if not conflict.targets:
            break
        softened |= set(conflict.targets)
        progress(f"conflict {len(conflicts)}: {', '.join(conflict.targets)}; solving again with these soft")
        model = build(softened)
        try:
            solve(model)
            break
        except InfeasibleError as exc:
            result = exc.diagnosis
        except SolveError:
            break
    return conflicts


def explain(prepared, exc: InfeasibleError, build: Callable, solve: Callable, compile_lp: Callable, tables: Callable, progress: Callable):
    """Name the conflicting targets (IIS) and their shortfalls with those targets soft.

    Returns an InfeasibleError whose message is the planner's explanation, with
    ``conflicts``, ``missed`` and ``soft_scorecard`` attached; None when no IIS
    names a target (the caller falls back to softening every target).
    """
    scenario = prepared.scenario
    hard = [t.id for t in scenario.spec.targets if t.mode == "hard"]
    progress("infeasible: finding the conflicting targets (irreducible infeasible subsystem, HiGHS)")
    conflicts = find_conflicts(build, solve, compile_lp, hard, exc.diagnosis, progress)
    named = sorted({t for c in conflicts for t in c.targets})
    if not named:
        return None, conflicts
    progress(f"solving with {', '.join(named)} soft to measure the shortfalls")
    model = build(set(named))
    try:
        result = solve(model)
    except (InfeasibleError, SolveError):
        return None, conflicts
    card = tables(model, result)
    by_id = {t.id: t for t in scenario.spec.targets}
    lines = ["the hard targets of this scenario cannot all be met:"]
    for n, conflict in enumerate(conflicts, start=1):
        if not conflict.targets:
            continue
        limits = [describe_limit(conflict.model, fam, mem) for fam, mem in conflict.families().items()]
        limits = list(dict.fromkeys(limits))
        for t in conflict.targets:
            spec = by_id[t.split("@")[0]]  # a path year's row is <id>@<year>
            row = card[card["id"] == t].iloc[0]
            clause = f" ({spec.clause})" if spec.clause else ""
            word = {">=": "", "<=": "at most ", "==": "exactly "}[spec.sense]
            others = [o for o in conflict.targets if o != t]
            because = "; ".join(limits) if limits else "the limits of the inputs"
            if others:
                because += "; together with target " + ", ".join(others)
            lines.append(
                f"  {t}{clause}: {word}{_g(row['target'])} {row['unit']} by {row['year']} cannot be met: {because}; "
                f"the best reachable is {_g(row['value'])} {row['unit']}; shortfall {_g(row['shortfall'])} {row['unit']}"
            )
        names = [m.name for m in conflict.members]
        shown = ", ".join(names[:8]) + (f", … ({len(names)} in all)" if len(names) > 8 else "")
        lines.append(f"    conflict {n} (irreducible infeasible subsystem): {shown}")
    if any(not c.targets for c in conflicts):
        lines.append("  and a conflict among the inputs themselves (no target involved): the supply limits cannot cover demand")
    lines.append("run again with --soft-targets to solve with every target soft (shortfalls penalised)")
    err = InfeasibleError("\n".join(lines), diagnosis=exc.diagnosis)
    err.conflicts = conflicts
    err.missed = named
    err.soft_scorecard = card
    return err, conflicts


def _g(v) -> str:
    v = float(v) + 0.0
    if abs(v) < 5e-13:
        v = 0.0
    if not np.isfinite(v):
        return str(v)
    return f"{v:.3g}" if abs(v) >= 1e-3 else f"{v:.2g}"
