"""Every target read as 武政办〔2024〕56号 means it: accounting conventions, paths, basis.

Numbers worked by hand from inputs/wuhan (comments give the arithmetic);
models are built on 2 representative days and mostly evaluated, not solved:
an indicator is an expression, so setting its variables and reading it back
checks the formula against the hand figure.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyomo.environ as pyo
import pytest

from simulator.errors import ScenarioError
from simulator.intake.inputs import load_inputs
from simulator.intake.scenario import Accounting, load_scenario, scenario_from_dict
from simulator.model.core import build_model
from simulator.model.targets import collect_indicators, shadow_price
from simulator.model.timeslices import make_timeslices

REPO = Path(__file__).resolve().parents[1]
WUHAN = REPO / "inputs" / "wuhan"
SCENARIOS = REPO / "scenarios"


@pytest.fixture(scope="module")
def wuhan():
    inputs = load_inputs(WUHAN)
    time = make_timeslices(inputs.table("profiles_hourly"), 2, None, "hierarchical")
    return inputs, time


def _build(wuhan, sectors, targets=(), accounting=None):
    inputs, time = wuhan
    data = {
        "name": "policy",
        "years": {"base": 2023, "start": 2024, "end": 2026},
        "time": {"days": 2},
        "sectors": {"power": {}, **{s: {} for s in sectors}},
        "targets": list(targets),
    }
    if accounting:
        data["accounting"] = accounting
    scenario = scenario_from_dict(data)
    return scenario, build_model(scenario, inputs, time)


def _at_existing(block):
    """Every measure of a block at its pre-horizon adoption."""
    for (_, meas), var in block.adopted.items():
        var.value = block.measure_existing[meas]


# --------------------------------------------------------------------------- intermodal: average annual growth


def test_intermodal_growth_is_average_from_the_base_over_three_years(wuhan):
    """年均增长15%: V_y ≥ 160 · 1.15^(y − 2023) thousand TEU (2023 volume 160, measures_transport.csv)."""
    target = {"id": "g", "indicator": "transport.intermodal_growth", "year": 2026, "value": 15.0, "years": [2024, 2025, 2026]}
    _, m = _build(wuhan, ["transport"], [target])
    rows = m.targets.rows
    assert sorted(rows) == ["g", "g@2024", "g@2025"]
    # right-hand sides: 160·1.15 = 184, 160·1.15² = 211.6, 160·1.15³ = 243.34
    assert pyo.value(m.targets.target_met["g@2024"].lower) == pytest.approx(184.0)
    assert pyo.value(m.targets.target_met["g@2025"].lower) == pytest.approx(211.6)
    assert pyo.value(m.targets.target_met["g"].lower) == pytest.approx(243.34)
    ind = collect_indicators(m)["transport.intermodal_growth"]
    m.transport.adopted[2026, "intermodal_rail_water"].value = 243.34
    assert ind.value(2026) == pytest.approx(15.0)
    m.transport.adopted[2026, "intermodal_rail_water"].value = 320.0  # doubled in 3 years: 2^(1/3) − 1 = 25.99 %
    assert ind.value(2026) == pytest.approx(25.992105, abs=1e-6)
    # a fast 2026 after a flat 2025 is not 15 %/yr on average: 160 → 160 → 192 is 6.27 %/yr, not 20 %
    m.transport.adopted[2025, "intermodal_rail_water"].value = 160.0
    m.transport.adopted[2026, "intermodal_rail_water"].value = 192.0
    assert ind.value(2026) == pytest.approx(6.2658569, abs=1e-6)
    # shadow price per %: dual × d(rhs)/dT = dual · 160 · 3 · 1.15² / 100 = dual · 6.348 thousand TEU per %
    assert shadow_price(rows["g"], 2.0) == pytest.approx(12.696)


# --------------------------------------------------------------------------- industrial statistics' electricity factor


@pytest.mark.parametrize(
    ("factor", "change"),
    [
        # 4 Mt of crude covered: −4·2.5 kgce/t = −0.010 Mtce steam, +4·8.5 kWh/t = +0.034 TWh over 8.0 Mt of crude
        (0.1229, 1000 * (-0.010 + 0.034 * 0.1229) / 8.0),  # −0.72770 kgce/t: the calorific count says it saves
        (0.3714, 1000 * (-0.010 + 0.034 * 0.3714) / 8.0),  # +0.32845 kgce/t: the sector's own statistic says it costs
    ],
)
def test_compressor_electrification_under_both_conventions(wuhan, factor, change):
    _, m = _build(wuhan, ["petrochemicals"], accounting={"refining_electricity_kgce_per_kwh": factor})
    pc = m.petrochemicals
    assert pyo.value(pc.activity_mt[2026, "refining"]) == pytest.approx(8.0)
    ind = collect_indicators(m)["petrochemicals.refining_intensity"]
    _at_existing(pc)
    before = ind.value(2026)
    pc.adopted[2026, "refining_electrified_compressors"].value = 4.0
    assert ind.value(2026) - before == pytest.approx(change, abs=1e-9)


def test_switching_the_ethylene_convention_moves_the_base_by_the_electricity_term(tmp_path):
    """Base 吨乙烯综合能耗: 690 + 60 + 60 kgce/t + 250 kWh/t · f; 0.1229 → 840.725, 0.3714 → 902.85 (Δ 62.125)."""
    inputs = load_inputs(WUHAN)
    time = make_timeslices(inputs.table("profiles_hourly"), 2, None, "hierarchical")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    # one line of YAML switches the convention
    (folder / "calorific.yaml").write_text(
        "extends: baseline.yaml\nname: calorific\naccounting: {ethylene_electricity_kgce_per_kwh: 0.1229}\n", encoding="utf-8"
    )
    values = {}
    for name in ("baseline", "calorific"):
        m = build_model(load_scenario(folder / f"{name}.yaml"), inputs, time)
        values[name] = collect_indicators(m)["petrochemicals.ethylene_intensity"].base_value
    values["sector"] = values.pop("baseline")
    assert values["calorific"] == pytest.approx(840.725)
    assert values["sector"] == pytest.approx(902.85)
    assert values["sector"] - values["calorific"] == pytest.approx(250 * (0.3714 - 0.1229))


# --------------------------------------------------------------------------- renewable production: capacity × hours


def test_renewable_production_is_capacity_times_stated_hours(wuhan):
    _, time = wuhan
    _, m = _build(wuhan, [])
    power = m.power
    ind = collect_indicators(m)["power.renewable_production"]
    # fixed renewable output (generators.csv): waste-to-energy 0.30 GW·0.8·8760 h·0.5 biogenic = 1051.2 GWh,
    # biomass 0.05·0.7·8760 = 306.6 GWh, wind 0.18 GW · its profile's full-load hours
    wind_h = float((time.weight * time.factor("cf_wind")).sum())
    fixed_twh = (1051.2 + 306.6 + 0.18 * wind_h) / 1000
    # base: PV 0.15 + 0.40 + 0.05 + 0.10 = 0.70 GW · 1000 h = 0.70 TWh; all at 0.30 kgce/kWh
    assert ind.base_value == pytest.approx(0.30 * (0.70 + fixed_twh))
    for k, gw in {"utility": 0.3, "ci_rooftop": 1.0, "public_rooftop": 0.2, "residential_rooftop": 0.5}.items():
        power.pv_capacity[2026, k].value = gw
    for var in power.curtailment.values():
        var.value = 0.0
    # 2.0 GW · 1000 h = 2.0 TWh; curtailment does not reduce a capability
    assert ind.value(2026) == pytest.approx(0.30 * (2.0 + fixed_twh))
    for s in m.S:
        power.curtailment[2026, s].value = 0.05
    assert ind.value(2026) == pytest.approx(0.30 * (2.0 + fixed_twh))


def test_renewable_production_on_the_output_basis_loses_curtailment(wuhan):
    _, m = _build(wuhan, [], accounting={"renewable_production_basis": "output"})
    power = m.power
    ind = collect_indicators(m)["power.renewable_production"]
    for var in power.pv_capacity.values():
        var.value = 1.0
    for var in power.curtailment.values():
        var.value = 0.0
    before = ind.value(2026)
    for s in m.S:
        power.curtailment[2026, s].value = 0.01  # 0.01 GW in every slice: 0.01 · 8760 h = 87.6 GWh a year
    assert before - ind.value(2026) == pytest.approx(0.30 * 0.0876)


# --------------------------------------------------------------------------- roof coverage, green share


def test_factory_roof_coverage_is_over_the_whole_roof(wuhan):
    """A new factory roof filled to its installable 70 % is 70 % covered, 100 % of the installable area."""
    shares = {}
    for installable in (["public"], ["public", "factory"]):
        _, m = _build(wuhan, ["buildings"], accounting={"roof_coverage_of_installable": installable})
        b = m.buildings
        b.new_roof_pv[2026, "factory"].value = pyo.value(b.new_roof_pv_potential[2026, "factory"])
        shares[len(installable)] = collect_indicators(m)["buildings.factory_roof_pv_coverage"].value(2026)
    assert shares[1] == pytest.approx(70.0)  # installable_roof_share 0.7 of buildings_stock.csv
    assert shares[2] == pytest.approx(100.0)


def test_grid_renewable_content_enters_the_green_share(wuhan):
    _, m0 = _build(wuhan, [])
    _, m1 = _build(wuhan, [], accounting={"green_share_grid_renewable_pct": 30.0})
    for m in (m0, m1):
        for comp in (m.power.imported, m.power.curtailment, m.power.pv_capacity):
            for var in comp.values():
                var.value = 0.0
        m.power.imported[2026, 0, "grid"].value = 1.0  # 1 GW in slice 0: weight[0] GWh a year
    w0 = float(m0.time.weight[0])
    g0, g1 = pyo.value(m0.power.green_twh[2026]), pyo.value(m1.power.green_twh[2026])
    assert g1 - g0 == pytest.approx(0.30 * w0 / 1000)


# --------------------------------------------------------------------------- target paths and basis


def test_linear_path_from_the_base(wuhan):
    """50 % in 2026 from 0 in 2023: 16.67 % in 2024, 33.33 % in 2025 (share rows: new_roof_pv − T/100 · den ≥ 0)."""
    target = {
        "id": "roof",
        "indicator": "buildings.public_roof_pv_coverage",
        "year": 2026,
        "value": 50.0,
        "path": "linear",
        "path_start": 0.0,
    }
    _, m = _build(wuhan, ["buildings"], [target])
    rows = m.targets.rows
    assert {k: r.target_value for k, r in rows.items()} == pytest.approx({"roof@2024": 50 / 3, "roof@2025": 100 / 3, "roof": 50.0})


def test_path_needs_a_start_when_the_indicator_has_none(wuhan):
    target = {"id": "roof", "indicator": "buildings.public_roof_pv_coverage", "year": 2026, "value": 50.0, "path": "linear"}
    with pytest.raises(ScenarioError, match="path_start"):
        _build(wuhan, ["buildings"], [target])


def test_years_must_end_with_the_target_year():
    with pytest.raises(ScenarioError, match="must end with the target year"):
        scenario_from_dict(
            {"name": "x", "targets": [{"id": "a", "indicator": "power.pv_capacity", "year": 2026, "years": [2024, 2025], "value": 1.0}]}
        )


def _targets_md() -> dict[str, str]:
    """id → clause of the table in docs/policy/targets.md (copy of the policy's target list)."""
    out = {}
    for line in (REPO / "docs" / "policy" / "targets.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and re.fullmatch(r"II\.\d\.\d", cells[1]):
            out[cells[0]] = cells[1]
    return out


#: the clause gives no number: 提升 (green share), 创新发展 (storage), 推动 (electrification)
SCENARIO_BASIS = {"green-power-share", "new-energy-storage", "public-electrification"}


def test_every_reference_target_has_a_basis_and_a_clause_of_targets_md():
    clauses = _targets_md()
    assert len(clauses) == 16
    scenario = load_scenario(SCENARIOS / "reference.yaml")
    for t in scenario.spec.targets:
        assert t.id in clauses, t.id
        assert t.clause == clauses[t.id], t.id
        assert "basis" in scenario.resolved["targets"][[x.id for x in scenario.spec.targets].index(t.id)]
        assert t.basis == ("scenario" if t.id in SCENARIO_BASIS else "policy"), t.id
    assert {t.id for t in scenario.spec.targets} == set(clauses)
    raw = (SCENARIOS / "reference.yaml").read_text(encoding="utf-8")
    assert raw.count("\n    basis: ") == 16  # written in the file, not left to the default


def test_every_accounting_setting_cites_a_source_row():
    known = set()
    for path in WUHAN.glob("sources*.csv"):
        with path.open(encoding="utf-8") as f:
            known |= {row["id"] for row in csv.DictReader(f)}
    for name, info in Accounting.model_fields.items():
        cited = re.findall(r"\[([a-z0-9\-;, ]+)\]", info.description or "")
        assert cited, f"accounting.{name} cites no source"
        for ids in cited:
            for sid in re.split(r"[;,]\s*", ids):
                assert sid in known, f"accounting.{name}: unknown source {sid}"
