"""Solver method selection (``solver.method: auto``) and the fallback chain.

The LP is solved by hand: two supplies meet a demand of 10 units,
``x`` at 2 CNY/unit with at most 6 units, ``y`` at 3 CNY/unit:

    min 2x + 3y   s.t.   x + y ≥ 10,   x ≤ 6,   x, y ≥ 0

The cheap supply runs at its limit (x = 6), the dear one covers the rest
(y = 4): cost 2·6 + 3·4 = 24. One more unit of demand is met by y: the
demand row's dual is 3 CNY/unit; one more unit of x's limit saves 3 − 2 = 1:
its dual is −1.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from simulator.intake.scenario import Solver
from simulator.solve import highs
from simulator.solve.highs import method_chain, solve


def _lp():
    m = pyo.ConcreteModel()
    m.x = pyo.Var(bounds=(0, None))
    m.y = pyo.Var(bounds=(0, None))
    m.demand_met = pyo.Constraint(expr=m.x + m.y >= 10)
    m.cheap_supply_limit = pyo.Constraint(expr=m.x <= 6)
    m.total_cost = pyo.Objective(expr=2 * m.x + 3 * m.y)
    return m


def _assert_hand_solution(m, res):
    assert res.status == "optimal"
    assert res.objective == pytest.approx(24.0, abs=1e-9)
    assert m.x.value == pytest.approx(6.0, abs=1e-9)
    assert m.y.value == pytest.approx(4.0, abs=1e-9)
    assert res.duals[m.demand_met] == pytest.approx(3.0, abs=1e-9)
    assert res.duals[m.cheap_supply_limit] == pytest.approx(-1.0, abs=1e-9)


def test_auto_chain_by_lp_size():
    assert method_chain("auto", 7_000) == ["simplex", "ipx"]  # IPX only if dual simplex ends unproven
    assert method_chain("auto", highs.AUTO_IPM_ROWS) == ["ipx", "simplex"]
    assert method_chain("auto", highs.AUTO_HIPO_ROWS - 1) == ["ipx", "simplex"]
    assert method_chain("auto", 210_000) == ["hipo", "ipx", "simplex"]
    assert method_chain("ipm", 210_000) == ["ipx"]  # an explicit method is tried alone
    assert method_chain("simplex", 210_000) == ["simplex"]


def test_auto_on_a_small_lp_uses_dual_simplex_and_records_it():
    m = _lp()
    res = solve(m, Solver(method="auto"))
    _assert_hand_solution(m, res)
    assert [a["method"] for a in res.attempts] == ["simplex"]
    assert res.options["solver"] == "simplex"
    assert res.options["method_requested"] == "auto"
    assert res.fallbacks == []


def test_stalled_interior_point_falls_back_to_the_next_method(monkeypatch):
    """HiPO (then IPX) stopped by an iteration limit of 1: each hands over; dual simplex finds the basic optimum."""
    monkeypatch.setattr(highs, "AUTO_IPM_ROWS", 0)
    monkeypatch.setattr(highs, "AUTO_HIPO_ROWS", 0)
    m = _lp()
    res = solve(m, Solver(method="auto", presolve="off", ipm_iteration_limit=1))
    _assert_hand_solution(m, res)
    methods = [a["method"] for a in res.attempts]
    assert methods == ["hipo", "ipx", "simplex"]
    assert all(a["status"] != "Optimal" for a in res.attempts[:-1])
    assert res.attempts[-1]["status"] == "Optimal"
    assert res.options["solver"] == "simplex"
    assert len(res.fallbacks) == 2 and res.fallbacks[0].startswith("hipo ended")


def test_hipo_with_crossover_gives_the_basic_optimum_and_exact_duals():
    m = _lp()
    res = solve(m, Solver(method="hipo", presolve="off"))
    _assert_hand_solution(m, res)
    assert [a["method"] for a in res.attempts] == ["hipo"]


def test_a_failed_warm_start_is_solved_again_from_scratch(monkeypatch):
    """A reused LP whose warm dual simplex stops without an optimal plan is passed afresh and solved cold.

    First LP: the hand case above (x = 6, y = 4, cost 24). Second LP, same
    structure: the costs swapped, x at 3 and y at 2 CNY/unit, so y now covers
    the whole demand: x = 0, y = 10, cost 2·10 = 20; the demand row's dual is
    2 and the limit on x is slack (dual 0). Starting from the first optimal
    basis this takes at least one simplex iteration; with the warm attempt's
    iteration cap at 0 it stops ("Iteration limit reached"), and the cold
    dual simplex that follows finds the optimum.
    """
    monkeypatch.setattr(highs, "CLEANUP_MIN_ITERATIONS", 0)
    monkeypatch.setattr(highs, "CLEANUP_ITERATIONS_PER_ROW", 0)
    warm = highs.WarmStart()
    first = _lp()
    _assert_hand_solution(first, solve(first, Solver(method="simplex", presolve="off"), warm=warm))
    second = _lp()
    second.total_cost.set_value(3 * second.x + 2 * second.y)
    res = solve(second, Solver(method="simplex", presolve="off"), warm=warm)
    assert res.options["reused_lp"] is True
    assert [(a["method"], a["warm_start"]) for a in res.attempts] == [("simplex", True), ("simplex", False)]
    assert res.attempts[0]["status"] != "Optimal" and res.attempts[1]["status"] == "Optimal"
    assert res.objective == pytest.approx(20.0, abs=1e-9)
    assert second.x.value == pytest.approx(0.0, abs=1e-9)
    assert second.y.value == pytest.approx(10.0, abs=1e-9)
    assert res.duals[second.demand_met] == pytest.approx(2.0, abs=1e-9)
    assert res.duals[second.cheap_supply_limit] == pytest.approx(0.0, abs=1e-9)


def test_unproven_dual_simplex_hands_over_to_ipx_on_a_small_lp(monkeypatch):
    """auto below 40,000 rows: dual simplex stopped unproven (here an iteration limit of 0) → IPX + crossover: the hand optimum."""
    real = highs.highs_options

    def stop_simplex(solver, n_rows=0, method=None):
        options = real(solver, n_rows, method)
        if method == "simplex":
            options["simplex_iteration_limit"] = 0
        return options

    monkeypatch.setattr(highs, "highs_options", stop_simplex)
    m = _lp()
    res = solve(m, Solver(method="auto", presolve="off"))
    _assert_hand_solution(m, res)
    assert [a["method"] for a in res.attempts] == ["simplex", "ipx"]
    assert res.attempts[0]["status"] != "Optimal"
    assert res.fallbacks[0].startswith("simplex ended")


def test_dual_simplex_infeasibility_is_final():
    """x + y ≥ 10 with x ≤ 6 and y ≤ 3 cannot hold (at most 9): dual simplex proves it; IPX is not tried."""
    from simulator.errors import InfeasibleError

    m = _lp()
    m.y.setub(3)
    with pytest.raises(InfeasibleError) as caught:
        solve(m, Solver(method="auto", presolve="off"))
    assert [a["method"] for a in caught.value.diagnosis.attempts] == ["simplex"]


def test_a_reused_lp_of_the_same_pattern_is_solved_for_the_new_model_whatever_its_names():
    """The held LP is reused by pattern, not by name: the new model's numbers and its own variables count.

    Second model, other names, same pattern (two columns, rows "sum ≥ d" and
    "first ≤ cap"): ``a`` at 5 CNY/unit with at most 7, ``b`` at 1 CNY/unit,
    demand 9: b alone is cheapest, b = 9, a = 0, cost 9; the demand row's
    dual is 1 (b's cost) and the cap on a is slack (dual 0). The hand case's
    x = 6, y = 4 must not leak into it.
    """
    warm = highs.WarmStart()
    first = _lp()
    _assert_hand_solution(first, solve(first, Solver(method="simplex", presolve="off"), warm=warm))
    m = pyo.ConcreteModel()
    m.a = pyo.Var(bounds=(0, None))
    m.b = pyo.Var(bounds=(0, None))
    m.enough = pyo.Constraint(expr=m.a + m.b >= 9)
    m.a_cap = pyo.Constraint(expr=m.a <= 7)
    m.total_cost = pyo.Objective(expr=5 * m.a + 1 * m.b)  # solve() reads the objective by this name
    res = solve(m, Solver(method="simplex", presolve="off"), warm=warm)
    assert res.options["reused_lp"] is True and warm.reused == 1
    assert res.objective == pytest.approx(9.0, abs=1e-9)
    assert m.a.value == pytest.approx(0.0, abs=1e-9)
    assert m.b.value == pytest.approx(9.0, abs=1e-9)
    assert res.duals[m.enough] == pytest.approx(1.0, abs=1e-9)
    assert res.duals[m.a_cap] == pytest.approx(0.0, abs=1e-9)
    assert first.x.value == pytest.approx(6.0, abs=1e-9)  # the first model's solution is left alone


def test_work_alongside_runs_during_the_solve_and_its_error_is_dropped():
    import threading

    seen = []

    def work():
        seen.append(threading.current_thread().name)
        raise RuntimeError("only ahead of its time")

    m = _lp()
    res = solve(m, Solver(method="simplex"), alongside=work)
    assert seen == ["alongside-highs"]  # ran once, in its own thread, and was done when solve returned
    _assert_hand_solution(m, res)


def test_the_numbers_kept_for_a_reused_lp_are_those_highs_holds():
    """compile_lp keeps the numbers it hands to HiGHS: costs 2 and 3, x, y ≥ 0, rows x + y ≥ 10 and x ≤ 6
    (by hand), equal to what the HighsLp gives back. At the optimum x = 6, y = 4 both columns are off their
    bounds (the two rows bind), so both reduced costs are 0, read through the map made on first use."""
    import numpy as np

    m = _lp()
    compiled = highs.compile_lp(m)
    kept = compiled.arrays
    lp = compiled.lp  # what HiGHS holds, read back
    read_back = {
        "cost": lp.col_cost_,
        "offset": lp.offset_,
        "col_lower": lp.col_lower_,
        "col_upper": lp.col_upper_,
        "row_lower": lp.row_lower_,
        "row_upper": lp.row_upper_,
        "start": lp.a_matrix_.start_,
        "index": lp.a_matrix_.index_,
        "value": lp.a_matrix_.value_,
    }
    assert set(kept) == set(read_back)
    for key, value in kept.items():
        assert np.array_equal(np.asarray(value), np.asarray(read_back[key])), key
    assert sorted(kept["cost"].tolist()) == [2.0, 3.0]
    assert kept["col_lower"].tolist() == [0.0, 0.0] and np.isinf(kept["col_upper"]).all()
    assert sorted(zip(kept["row_lower"].tolist(), kept["row_upper"].tolist(), strict=True)) == [(-np.inf, 6.0), (10.0, np.inf)]
    res = solve(m, Solver())
    _assert_hand_solution(m, res)
    assert len(res.reduced_costs) == 2
    assert res.reduced_costs[m.x] == pytest.approx(0.0, abs=1e-9) and res.reduced_costs.get(m.y) == pytest.approx(0.0, abs=1e-9)
    assert res.reduced_costs.get(pyo.Var()) is None
