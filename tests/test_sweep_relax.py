"""Infeasible variants explained from their one build: the hard build's targets block is replaced by the all-soft one
(``pipeline.soften_in_place``), checked against the second, all-soft build it replaces; and a sweep that reuses the
held LP checked variant by variant against cold runs, with a variant of another structure passed afresh."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import green_share_power_scenario

from simulator import sweep as sweep_mod
from simulator.errors import InfeasibleError
from simulator.results.tables import SWEEP_TABLES
from simulator.runs import pipeline
from simulator.solve.highs import compile_lp
from simulator.sweep import plan_sweep, run_serial, summarise

REPO = Path(__file__).resolve().parents[1]
IMPOSSIBLE = REPO / "scenarios" / "examples" / "impossible-pv.yaml"

# 2026 demand ≈ 86 TWh → 10 % green ≈ 8.6 TWh; local renewables ≈ 3.5 TWh at most (tests/test_sweep.py):
# a 0.5 TWh green-import limit cannot meet it, 8 TWh can. The horizon's end (2026 or 2027) changes the LP's
# structure (one more year of columns and rows).
SCENARIO = (
    green_share_power_scenario("sweep-relax")
    + """\
sweep:
  samples: 1
  seed: 7
  parameters:
    - id: horizon_end
      paths: [years.end]
      distribution: grid
      values: [2026, 2027]
    - id: green_import_limit
      paths: [overrides.imports.green.annual_limit_twh]
      distribution: grid
      values: [0.5, 8.0]
      unit: TWh/yr
    - id: pv_capex_factor
      paths: [overrides.pv_classes.utility.capex_cny_per_w]
      apply: scale
      distribution: uniform
      low: 0.8
      high: 1.2
"""
)


def _lp_by_name(model) -> dict:
    compiled = compile_lp(model)
    lp, matrix = compiled.lp, compiled.lp.a_matrix_
    out = {"rows": [row[0].name for row in compiled.repn.rows], "columns": [v.name for v in compiled.repn.columns], "offset": lp.offset_}
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        out[name] = np.asarray(getattr(lp, name))
    for name in ("start_", "index_", "value_"):
        out[name] = np.asarray(getattr(matrix, name))
    return out


def test_a_hard_build_softened_in_place_is_the_all_soft_build_and_explains_from_one_build(monkeypatch):
    """impossible-pv: PV potentials 0.15 + 0.65 + 0.10 + 0.10 = 1.0 GW against the 1.2 GW target → 0.2 GW short.
    The hard build with its targets block replaced compiles to the all-soft build's LP (rows, columns, every number,
    same order); the explanation then needs one build and says what the second build said."""
    prepared = pipeline.prepare(IMPOSSIBLE, {"time": {"days": 2}})
    ids = {t.id for t in prepared.scenario.spec.targets}
    hard = pipeline.build(prepared)
    assert "pv-capacity" in hard.targets.T and "pv-capacity" not in hard.targets.T_soft  # a hard target
    softened = pipeline.soften_in_place(hard, prepared.scenario)
    fresh = pipeline.build(prepared, soften=ids)
    a, b = _lp_by_name(softened), _lp_by_name(fresh)
    assert len(a["rows"]) > 1000 and "targets.target_met[pv-capacity]" in a["rows"] and "targets.shortfall[pv-capacity]" in a["columns"]
    for key, value in b.items():
        assert np.array_equal(a[key], value) if isinstance(value, np.ndarray) else a[key] == value, key

    builds = []
    real_build = pipeline.build
    monkeypatch.setattr(pipeline, "build", lambda *a, **k: builds.append(k.get("soften")) or real_build(*a, **k))
    with pytest.raises(InfeasibleError) as info:
        pipeline.run(prepared, conflicts=False)
    err = info.value
    assert builds == [None]  # the hard build only: the all-soft plan came from it
    assert err.missed == ["pv-capacity"]
    row = err.soft_scorecard.set_index("id").loc["pv-capacity"]
    assert row["shortfall"] == pytest.approx(0.2, abs=1e-6)
    assert row["value"] == pytest.approx(1.0, abs=1e-6)

    # the explanation of the all-soft second build it replaces
    with pytest.raises(InfeasibleError) as hard_exc:
        pipeline.solve(real_build(prepared), prepared.scenario.spec.solver)
    builds.clear()
    two_builds = pipeline.explain_infeasible(prepared, hard_exc.value, conflicts=False)
    assert builds == [ids]
    assert str(err) == str(two_builds)
    x, y = err.soft_scorecard.set_index("id"), two_builds.soft_scorecard.set_index("id")
    assert list(x.index) == list(y.index)
    for column in ("value", "target", "shortfall"):
        assert np.allclose(x[column].to_numpy(dtype=float), y[column].to_numpy(dtype=float), rtol=1e-9, atol=1e-9), column
    assert x["met"].tolist() == y["met"].tolist()


def test_sweep_explained_in_place_and_reused_equals_cold_runs_and_a_new_structure_is_passed_afresh(tmp_path):
    """4 variants (horizon 2026/2027 × import limit 0.5/8 TWh): the 0.5 TWh ones are infeasible and explained from
    their own build; every record equals a cold run of the variant (its own build and LP; an infeasible one explained
    by a second, all-soft build); the 2027 horizon changes the LP's structure, so its first variant is passed whole."""
    path = tmp_path / "sweep-relax.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    plan = plan_sweep(path)
    ids = list(plan.variants["variant"])
    assert plan.variants[["horizon_end", "green_import_limit"]].values.tolist() == [[2026, 0.5], [2026, 8.0], [2027, 0.5], [2027, 8.0]]
    sweep_mod._WARM.clear()
    table = run_serial(plan, reuse=True).set_index("variant")
    assert table["status"].tolist() == ["infeasible", "optimal", "infeasible", "optimal"]
    warm = sweep_mod._WARM["lp"]
    # hard LPs passed whole: v0 (the first) and v2 (2027: another structure); updated in place: v1 and v3
    assert (warm.passed, warm.reused) == (2, 2)
    assert table["reused_lp"].iloc[[1, 3]].tolist() == [True, True]
    # all-soft LPs: v0's and v2's, of two structures, each passed whole
    assert (sweep_mod._WARM["soft"].passed, sweep_mod._WARM["soft"].reused) == (2, 0)

    for v in ids:
        rec = table.loc[v]
        prepared = pipeline.prepare(path, overrides=plan.overrides[v])
        try:
            result = pipeline.solve(pipeline.build(prepared), prepared.scenario.spec.solver)
        except InfeasibleError as exc:
            assert rec["status"] == "infeasible", v
            cold = pipeline.explain_infeasible(prepared, exc, conflicts=False)  # a second build, every target soft
            assert rec["reason"] == str(cold), v
            assert "green-power-share" in rec["reason"]
            expected = sweep_mod._targets(cold.soft_scorecard, prices=False)
        else:
            assert rec["status"] == "optimal", (v, rec["reason"])
            outcome = pipeline.run(prepared, conflicts=False, only=SWEEP_TABLES)
            assert outcome.result.objective == result.objective
            expected = summarise(outcome.tables, outcome.result.objective)
            assert rec["objective_mcny"] == pytest.approx(result.objective, rel=1e-9, abs=0.0)
        assert len(expected) >= 3
        for key, value in expected.items():
            if isinstance(value, bool):
                assert bool(rec[key]) == value, (v, key)
            else:
                assert rec[key] == pytest.approx(value, rel=1e-9, abs=1e-9), (v, key)


def test_a_second_infeasible_variant_updates_the_held_all_soft_lp_and_says_what_a_cold_run_says(tmp_path):
    """Import limits 0.5 and 0.7 TWh, both short of the ≈ 8.6 TWh the 10 % green share needs: both variants are
    infeasible and explained by an all-soft solve. The second all-soft LP has the first one's structure, so it is
    written into the held HiGHS instance and warm-started; each record equals the explanation of a cold run (fresh
    all-soft build and LP), and the larger limit leaves the green share closer to its 10 % target."""
    text = SCENARIO.replace("values: [2026, 2027]", "values: [2026]").replace("values: [0.5, 8.0]", "values: [0.5, 0.7]")
    path = tmp_path / "sweep-soft-reuse.yaml"
    path.write_text(text, encoding="utf-8")
    plan = plan_sweep(path)
    assert plan.variants["green_import_limit"].tolist() == [0.5, 0.7]
    sweep_mod._WARM.clear()
    table = run_serial(plan, reuse=True).set_index("variant")
    assert table["status"].tolist() == ["infeasible", "infeasible"]
    soft = sweep_mod._WARM["soft"]
    assert (soft.passed, soft.reused) == (1, 1)
    shortfalls = []
    for v in plan.variants["variant"]:
        rec = table.loc[v]
        prepared = pipeline.prepare(path, overrides=plan.overrides[v])
        with pytest.raises(InfeasibleError) as info:
            pipeline.solve(pipeline.build(prepared), prepared.scenario.spec.solver)
        cold = pipeline.explain_infeasible(prepared, info.value, conflicts=False)  # a fresh all-soft build and LP
        assert rec["reason"] == str(cold), v
        expected = sweep_mod._targets(cold.soft_scorecard, prices=False)
        for key, value in expected.items():
            if isinstance(value, bool):
                assert bool(rec[key]) == value, (v, key)
            else:
                assert rec[key] == pytest.approx(value, rel=1e-9, abs=1e-9), (v, key)
        card = cold.soft_scorecard.set_index("id")
        row = card.loc["green-power-share"]
        assert float(row["target"]) == pytest.approx(10.0) and float(row["shortfall"]) == pytest.approx(
            10.0 - float(row["value"]), abs=1e-9
        )
        shortfalls.append(float(row["shortfall"]))
    assert 0.0 < shortfalls[1] < shortfalls[0]
