"""``transim sweep SCENARIO --data-ranges``: every estimated input sampled within its own range (Latin hypercube,
seeded), solved on a 2-worker LocalCluster, summarised per target (robustness)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import WUHAN

from simulator.intake.inputs import load_inputs
from simulator.sweep import apply_data_sample, data_range_inputs, plan_data_sweep, robustness, run_serial, run_sweep

SCENARIO = f"""\
name: data-ranges-test
dataset: {WUHAN}
years: {{base: 2023, start: 2024, end: 2026}}
time: {{days: 2}}
sectors:
  power: {{}}
  steel: {{}}
targets:
  - id: green-power-share
    indicator: power.green_share
    year: 2026
    value: 8.0
    unit: "%"
  - id: steel-intensity
    indicator: steel.energy_intensity
    year: 2026
    change_vs_base: -0.02
"""


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scenarios") / "data-ranges-test.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_a_draw_maps_zero_to_low_and_one_to_high():
    inputs = load_inputs(WUHAN)
    cells = data_range_inputs(inputs)
    steel = cells[cells["input"] == "steel_activity.crude_steel_mt"]
    assert len(steel) == 4  # the four years move together (one level)
    draws = dict.fromkeys(cells["input"], 0.5)
    draws["steel_activity.crude_steel_mt"] = 0.0
    draws["generators.wind.capacity_gw"] = 1.0
    out = apply_data_sample(inputs, cells, draws)
    # 15 Mt × 0.93 (est-wisco-output 0.93-1.07) = 13.95 Mt in every year
    assert out.tables["steel_activity"]["crude_steel_mt"].tolist() == pytest.approx([13.95] * 4)
    # wind at the top of its absolute range 0.12-0.18 GW
    assert out.tables["generators"].set_index("plant").at["wind", "capacity_gw"] == pytest.approx(0.18)
    # coal CHP capacity at the middle of 4 × 0.8 … 4 × 1.2 = 4.0 GW; shares are not sampled
    assert out.tables["generators"].set_index("plant").at["coal_chp", "capacity_gw"] == pytest.approx(4.0)
    assert "transport_loads" not in set(cells["table"])
    assert inputs.tables["steel_activity"]["crude_steel_mt"].tolist() == [15.0] * 4  # the original is untouched


def test_data_range_sweep_on_two_workers(scenario_file, tmp_path):
    plan = plan_data_sweep(scenario_file, 8, seed=5)
    inputs = [c for c in plan.variants.columns if c != "variant"]
    cells = plan.bundle["data_cells"]
    assert sorted(inputs) == sorted(cells["input"].unique())
    # every estimated input varies: 8 distinct values inside its range (one per Latin hypercube stratum)
    first = cells.drop_duplicates("input").set_index("input")
    for name in inputs:
        column = plan.variants[name]
        assert column.nunique() == 8, name
        assert ((column >= first.at[name, "low"] - 1e-12) & (column <= first.at[name, "high"] + 1e-12)).all(), name
        strata = np.floor(np.array([plan.data[v][name] for v in plan.variants["variant"]]) * 8)
        assert sorted(strata) == list(range(8)), name

    table = run_sweep(plan, tmp_path / "out", workers=2)
    assert len(table) == 8 and set(table["status"]) <= {"optimal", "infeasible"}
    robust = robustness(table, plan)
    assert list(robust["target"]) == ["green-power-share", "steel-intensity"]  # a row per target
    assert (robust["variants"] == 8).all()
    assert ((robust["met_share"] >= 0) & (robust["met_share"] <= 1)).all()
    solved = table[table["status"] == "optimal"]
    assert (solved["policy_cost_mcny"] >= -1e-6).all()  # targets never make the plan cheaper
    assert (robust["policy_cost_p5_mcny"] <= robust["policy_cost_p95_mcny"]).all()

    # seeded: the same seed draws exactly the same variants; a rerun of two variants repeats their results
    # (to 1e-9: the Dask workers start HiGHS from the previous variant's basis, the rerun from scratch)
    again = plan_data_sweep(scenario_file, 8, seed=5)
    assert again.fingerprint == plan.fingerprint
    pd.testing.assert_frame_equal(again.variants, plan.variants, check_exact=True)
    rerun = run_serial(again, ["v00000", "v00003"])
    keep = [c for c in rerun.columns if c not in ("seconds", "worker", "reused_lp")]
    pd.testing.assert_frame_equal(
        rerun[keep].reset_index(drop=True),
        table[table["variant"].isin(["v00000", "v00003"])][keep].reset_index(drop=True),
        check_exact=False,
        rtol=1e-9,
    )
    other = plan_data_sweep(scenario_file, 8, seed=6)
    assert not other.variants.equals(plan.variants)
