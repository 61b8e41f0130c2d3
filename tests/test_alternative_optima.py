"""Reproduce on any machine: a canonical LP, and equal-cost alternative optima proven rather than failed.

* ``canonical`` rounds every number handed to HiGHS to 40 bits of mantissa,
  so a 1e-15 relative perturbation of a coefficient (float noise of another
  CPU's summation order) leaves the LP, and so every table, unchanged.
* A tie worked on paper: min 2x + 2y s.t. x + y ≥ 1 has every x in [0, 1]
  optimal; with costs 2x + 3y only x = 1 is.
* The 2-day reference has ties in its dispatch (grid import can move between
  hours of equal price); a run recorded at another optimal vertex is
  reported as an ``alternative optimum``, a dispatch value outside the
  optimal range stays ``DIFFERENT``.
"""

from __future__ import annotations

import hashlib
import json

import highspy
import numpy as np
import pyomo.environ as pyo
import pytest
from conftest import SCENARIOS, WUHAN

from simulator.intake.scenario import Solver
from simulator.model.targets import collect_indicators
from simulator.results.tables import result_tables, write_tables
from simulator.runs import pipeline
from simulator.runs import run_folder as runs
from simulator.runs.reproduce import reproduce
from simulator.solve.alternatives import optimal_face
from simulator.solve.highs import canonical, compile_lp, solve


def test_canonical_rounding_absorbs_float_noise():
    x = np.array([0.95, 1 / 3, 1e-7 * 7, 4380.0 * 0.1229, -2.5e5 / 3, 0.0, np.inf, -np.inf])
    noisy = x * (1 + 1e-15)
    assert np.array_equal(canonical(x), canonical(noisy))  # not near a rounding boundary: the same LP numbers
    assert np.all(np.abs(canonical(x[:6]) - x[:6]) <= 2.0**-40 * np.abs(x[:6]))  # at most 2^-40 relative
    assert np.array_equal(canonical(canonical(x)), canonical(x))  # idempotent


def _two_columns(cost_y: float):
    m = pyo.ConcreteModel()
    m.x = pyo.Var(within=pyo.NonNegativeReals)
    m.y = pyo.Var(within=pyo.NonNegativeReals)
    m.cover = pyo.Constraint(expr=m.x + m.y >= 1)
    m.total_cost = pyo.Objective(expr=2 * m.x + cost_y * m.y)
    result = solve(m, Solver())
    column = {id(v): j for j, v in enumerate(result.lp_columns)}
    return m, result, column


def test_optimal_face_range_on_paper():
    m, result, column = _two_columns(2.0)
    assert result.objective == pytest.approx(2.0)
    low, high = optimal_face(result)([column[id(m.x)]], [1.0])
    assert low == pytest.approx(0.0, abs=1e-7) and high == pytest.approx(1.0, abs=1e-7)  # a tie: any split is optimal
    m, result, column = _two_columns(3.0)
    low, high = optimal_face(result)([column[id(m.x)]], [1.0])
    assert low == pytest.approx(1.0, abs=1e-6) and high == pytest.approx(1.0, abs=1e-6)  # unique: x = 1


def test_values_attainable_together_on_the_optimal_face_on_paper():
    """min 2x + 2y, x + y ≥ 1: every split with x + y = 1 costs 2.

    x = 0.3, y = 0.7 together: optimal. x = 0.8 and y = 0.8 each lie in
    their own range [0, 1], but together cost 3.2 > 2: not an optimum.
    x = 0.3, y = 0.3 violates x + y ≥ 1. The check leaves the face as it
    was: x's range is still [0, 1] afterwards.
    """
    m, result, column = _two_columns(2.0)
    face = optimal_face(result)
    x, y = [column[id(m.x)]], [column[id(m.y)]]
    tol = 1e-6
    assert face.attainable([(x, [1.0], 0.3, tol), (y, [1.0], 0.7, tol)])
    assert not face.attainable([(x, [1.0], 0.8, tol), (y, [1.0], 0.8, tol)])
    assert not face.attainable([(x, [1.0], 0.3, tol), (y, [1.0], 0.3, tol)])
    low, high = face(x, [1.0])
    assert low == pytest.approx(0.0, abs=1e-7) and high == pytest.approx(1.0, abs=1e-7)


def test_perturbed_coefficient_gives_the_same_lp_and_tables(tmp_path):
    prepared = pipeline.prepare(SCENARIOS / "reference.yaml", {"time": {"days": 2}})
    model = pipeline.build(prepared)
    first = compile_lp(model).lp
    storage = prepared.inputs.tables["storage"].copy()
    storage["charge_efficiency"] = storage["charge_efficiency"] * (1 + 1e-15)
    prepared.inputs.tables["storage"] = storage
    perturbed_model = pipeline.build(prepared)
    second = compile_lp(perturbed_model).lp
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        assert np.array_equal(np.asarray(getattr(first, name)), np.asarray(getattr(second, name))), name
    assert np.array_equal(np.asarray(first.a_matrix_.value_), np.asarray(second.a_matrix_.value_))
    a = pipeline.run(pipeline.prepare(SCENARIOS / "reference.yaml", {"time": {"days": 2}}))
    prepared.inputs.tables["storage"] = storage
    b = pipeline.run(prepared)
    write_tables(a.tables, (tmp_path / "a").mkdir() or tmp_path / "a")
    write_tables(b.tables, (tmp_path / "b").mkdir() or tmp_path / "b")
    for name in a.tables:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes(), name


def _record(outcome, folder_root, tables):
    """Write a run folder whose tables are ``tables`` (as another machine would have recorded them)."""
    outcome.tables = tables
    folder = runs.write_run(outcome, folder_root, command=["test"])
    return folder


def _rehash(folder, name):
    man = json.loads((folder / "manifest.json").read_text())
    man["tables"][name]["sha256"] = hashlib.sha256((folder / f"{name}.csv").read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(man))


def test_recorded_alternative_optimum_is_proven_not_failed(tmp_path):
    prepared = pipeline.prepare(SCENARIOS / "reference.yaml", {"time": {"days": 2}})
    outcome = pipeline.run(prepared)
    model, result = outcome.model, outcome.result
    column = {id(v): j for j, v in enumerate(result.lp_columns)}
    year = list(model.Y)[1]
    # another optimal vertex: the most storage charging at the last valley hour of the second day (05:00-06:00,
    # slice 29) at the optimal cost; the six valley hours 00:00-06:00 cost the same (hubei-tou-2024)
    target = [column[id(model.power.charge[year, 29, r])] for r in model.power.R]
    face = optimal_face(result)
    low, high = face(target, [1.0] * len(target))
    assert high - low > 0.1  # the reference's 2-day dispatch has a tie here
    h = result.highs
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.changeColsCost(len(target), np.array(target, dtype=np.int32), np.ones(len(target)))
    h.run()
    x = np.asarray(h.getSolution().col_value)
    for var, value in zip(result.lp_columns, x, strict=True):
        var.set_value(float(value), skip_validation=True)
    alternative = result_tables(model, result.duals, collect_indicators(model))
    recorded = _record(outcome, tmp_path / "rec", alternative)
    report = reproduce(recorded, inputs_root=WUHAN)
    verdicts = {t.name: t for t in report.tables}
    assert verdicts["dispatch"].status == "alternative optimum", "\n".join(report.lines())
    assert report.ok
    text = "\n".join(report.lines())
    assert "equal-cost alternative" in text and "verdict: REPRODUCED" in text
    # a recorded value outside the optimal range is not explained away
    path = recorded / "dispatch.csv"
    lines = path.read_text().split("\n")
    i = next(k for k, line in enumerate(lines) if line.startswith(f"{year},29,") and ",storage_charge," in line)
    cells = lines[i].split(",")
    cells[-1] = "-50"
    lines[i] = ",".join(cells)
    path.write_text("\n".join(lines))
    _rehash(recorded, "dispatch")
    report = reproduce(recorded, inputs_root=WUHAN)
    assert {t.name: t for t in report.tables}["dispatch"].status == "DIFFERENT" and not report.ok
