"""Buildings sector: PV on new roofs, the renewable share, new-construction shares.

Figures worked by hand from inputs/wuhan/buildings_stock.csv and
measures_buildings.csv and technologies_buildings.csv (see the comments); the LP runs on 2 representative days.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from simulator.errors import DataError
from simulator.intake.inputs import load_inputs
from simulator.intake.scenario import scenario_from_dict
from simulator.model.core import build_model
from simulator.model.targets import collect_indicators
from simulator.model.timeslices import make_timeslices
from simulator.results.tables import result_tables
from simulator.solve.highs import solve

WUHAN = Path(__file__).resolve().parents[1] / "inputs" / "wuhan"


def _target(tid, indicator, value):
    return {"id": tid, "clause": "II.5.4", "indicator": indicator, "year": 2026, "value": value, "sense": ">="}


@pytest.fixture(scope="module")
def wuhan():
    inputs = load_inputs(WUHAN)
    time = make_timeslices(inputs.table("profiles_hourly"), 2, None, "hierarchical")
    return inputs, time


def _solve(wuhan, buildings=None, targets=(), accounting=None):
    inputs, time = wuhan
    data = {
        "name": "bt",
        "dataset": str(WUHAN),
        "accounting": accounting or {},
        "years": {"base": 2023, "start": 2024, "end": 2026},
        "time": {"days": 2},
        "sectors": {"power": {}, "buildings": buildings or {}},
        "targets": list(targets),
    }
    scenario = scenario_from_dict(data)
    m = build_model(scenario, inputs, time)
    result = solve(m, scenario.spec.solver)
    assert result.status == "optimal"
    return m, result


def test_roof_pv_minimum_is_area_times_coverage_times_density(wuhan):
    # public: 2.0 Mm² new floor/yr × 0.25 roof/floor × 0.6 installable × 120 W/m² = 36 MW = 0.036 GW
    # factory: 2.0 × 0.9 × 0.7 × 120 = 151.2 MW = 0.1512 GW installable, 0.216 GW over the whole roof;
    # at 50 %: public over its installable roof 0.018 GW, factories over the whole roof 0.108 GW
    m, result = _solve(
        wuhan,
        targets=[
            _target("public-roof-pv", "buildings.public_roof_pv_coverage", 50.0),
            _target("factory-roof-pv", "buildings.factory_roof_pv_coverage", 50.0),
        ],
    )
    b = m.buildings
    assert pyo.value(b.new_roof_pv_potential[2026, "public"]) == pytest.approx(0.036)
    assert pyo.value(b.new_roof_pv_potential[2026, "factory"]) == pytest.approx(0.1512)
    # the minimum binds: exactly half the installable PV, no more (new-roof PV costs extra)
    assert pyo.value(b.new_roof_pv[2026, "public"]) == pytest.approx(0.018, abs=1e-9)
    assert pyo.value(b.new_roof_pv[2026, "factory"]) == pytest.approx(0.108, abs=1e-9)
    assert pyo.value(b.roof_pv[2026, "ci_rooftop"]) == pytest.approx(0.108, abs=1e-9)
    # and the power sector builds at least that much in those classes by 2026
    built_ci = sum(pyo.value(m.power.pv_new[y, "ci_rooftop"]) for y in m.Y)
    assert built_ci >= 0.108 - 1e-9
    ind = collect_indicators(m)
    assert ind["buildings.public_roof_pv_coverage"].value(2026) == pytest.approx(50.0)
    card = result_tables(m, result.duals, ind)["scorecard"].set_index("id")
    assert card.loc["public-roof-pv", "met"] and card.loc["factory-roof-pv", "met"]
    assert card.loc["factory-roof-pv", "shadow_price"] > 0  # the minimum is what binds


def test_yearly_coverage_floor_setting(wuhan):
    # new_roof_pv_coverage_min = 0.5 holds every planning year: 0.018 GW of public-roof PV in 2024, 2025, 2026
    m, _ = _solve(wuhan, buildings={"new_roof_pv_coverage_min": 0.5})
    for y in m.Y:
        assert pyo.value(m.buildings.new_roof_pv[y, "public"]) == pytest.approx(0.018, abs=1e-9)
    # cumulative claim on the public_rooftop class: 3 × 0.018 = 0.054 GW ≤ public PV built
    built = sum(pyo.value(m.power.pv_new[y, "public_rooftop"]) for y in m.Y)
    assert built >= 0.054 - 1e-9


def test_renewable_share_equals_ratio_from_result_tables(wuhan):
    # the calorific reading (10 % is out of reach by 2026 at the coal-equivalent default, see test_reference)
    m, result = _solve(
        wuhan,
        targets=[_target("building-renewable-share", "buildings.renewable_share", 10.0)],
        accounting={"building_electricity_basis": "calorific"},
    )
    tables = result_tables(m, result.duals, collect_indicators(m))
    energy = tables["energy_use"]
    energy = energy[(energy.sector == "buildings") & (energy.year == 2026)].set_index("carrier")["value"]
    meas = tables["measures"]
    adopted = meas[(meas.sector == "buildings") & (meas.year == 2026)].set_index("measure")["adopted"]
    cap = tables["capacity"]
    cap = cap[(cap.variable == "capacity") & (cap.year == 2026)].set_index("technology")["value"]

    catalogue = pd.read_csv(WUHAN / "technologies_buildings.csv").set_index("measure")
    heat = float((catalogue["renewable_heat_mtce_per_unit"] * adopted.reindex(catalogue.index)).sum())  # Mtce
    # full-load hours of the two building PV classes on the same slices: Σ_s weight_s · cf_s
    _inputs, time = wuhan
    w = np.asarray(time.weight, dtype=float)
    flh = {k: float(np.dot(w, time.factor(f"cf_pv_{k}"))) for k in ["public_rooftop", "residential_rooftop"]}
    # all PV of the two building classes counts, existing and new, as the power sector builds it
    pv_twh = sum(flh[k] * cap[f"pv_{k}"] for k in flh) / 1000.0  # GW·h → TWh
    numerator = heat + 0.1229 * pv_twh
    purchased = 0.1229 * energy["electricity"] + energy["gas"] + energy["heat"]  # Mtce (calorific)
    share = 100.0 * numerator / (purchased + heat)
    assert share == pytest.approx(10.0, abs=1e-6)
    # the hourly load carries the whole electricity use: Σ_s weight_s · load[2026,s] / 1000 = use (TWh)
    load_twh = sum(w[s] * pyo.value(m.buildings.load[2026, s]) for s in m.S) / 1000.0
    assert load_twh == pytest.approx(energy["electricity"], rel=1e-9)
    value = collect_indicators(m)["buildings.renewable_share"].value(2026)
    assert value == pytest.approx(share, rel=1e-6)


@pytest.mark.parametrize(("basis", "factor"), [("calorific", 0.1229), ("coal_equivalent", 0.30)])
def test_base_year_share_and_new_construction_shares(wuhan, basis, factor):
    m, _ = _solve(
        wuhan,
        targets=[
            _target("residential-efficiency", "buildings.new_residential_standard_share", 100.0),
            _target("public-electrification", "buildings.new_public_electric_share", 100.0),
        ],
        accounting={"building_electricity_basis": basis},
    )
    ind = collect_indicators(m)
    # base 2023: electricity 600·23.7 + 80·80 + 120·100 GWh = 32.62 TWh at f (0.1229 calorific → 4.00900 Mtce,
    # 0.30 coal-equivalent → 9.786 Mtce); gas 600·2.4 + 80·4 + 120·4 = 2240 ktce → 2.24; heat 80·0.5 + 120·0.5 → 0.10 Mtce
    # renewable heat: SWH 250·0.00098 + HP (60·0.00114 + 8·0.00192 + 12·0.00192) + geothermal 10·0.00277 = 0.3569
    # rooftop PV 0.15 GW at the slices' full-load hours (computed below), also at f
    _inputs, time = wuhan
    w = np.asarray(time.weight, dtype=float)
    pv_twh = (0.05 * np.dot(w, time.factor("cf_pv_public_rooftop")) + 0.10 * np.dot(w, time.factor("cf_pv_residential_rooftop"))) / 1000
    heat = 0.245 + 0.0684 + 0.01536 + 0.02304 + 0.0277
    expected = 100 * (heat + factor * pv_twh) / (32.62 * factor + 2.24 + 0.10 + heat)
    assert ind["buildings.renewable_share"].base_value == pytest.approx(expected, rel=1e-9)
    assert ind["buildings.new_residential_standard_share"].value(2026) == pytest.approx(100.0)
    # new residential 25 Mm² in 2026 all built to the 75 % standard
    assert pyo.value(m.buildings.new_adopted[2026, "new_residential_75"]) == pytest.approx(25.0)
    # public + commercial new floor 2 + 5 Mm², all electric
    assert ind["buildings.new_public_electric_share"].value(2026) == pytest.approx(100.0)


def test_bad_measure_row_is_named(wuhan):
    inputs, time = wuhan
    table = inputs.tables["measures_buildings"].copy()
    table.loc[2, "product"] = "villa"  # the third measure (row 3, line 4 of the file)
    bad = replace(inputs, tables={**inputs.tables, "measures_buildings": table})
    scenario = scenario_from_dict({"name": "bad", "dataset": str(WUHAN), "time": {"days": 2}, "sectors": {"power": {}, "buildings": {}}})
    with pytest.raises(DataError) as err:
        build_model(scenario, bad, time)
    text = str(err.value)
    assert "measures_buildings.csv:row 3 (line 4)" in text and "product" in text and "'villa'" in text


def test_baseline_solves_and_leaves_the_share_below_ten_percent():
    from simulator.runs import pipeline

    prepared = pipeline.prepare(WUHAN.parents[1] / "scenarios" / "baseline.yaml", overrides={"time": {"days": 2}})
    outcome = pipeline.run(prepared)
    assert outcome.result.status == "optimal"
    ind = outcome.tables["indicators"].set_index(["indicator", "year"])["value"]
    # coal-equivalent (default): with cost alone the share grows from ~3.4 % (2023) to ~4.7 % in 2026, and the
    # catalogue's most is ~6.6 %: the reference's 10 % is out of reach and stated soft
    assert 3.4 < ind["buildings.renewable_share", 2026] < 6.6
    assert ind["buildings.public_roof_pv_coverage", 2026] == pytest.approx(0.0, abs=1e-9)  # new-roof PV costs extra
