"""Steel, transport and buildings on the two-slice data of ``test_tiny_storage``, numbers worked on paper.

Mutation testing (docs/testing.md) found the sectors' conversion factors, savings, pile and roof rules
pinned only by the Wuhan runs. Each case adds one sector's tables to the tiny data set (two slices of
4,380 h, PV with a capacity factor of 1 by day and 0 by night, storage, grid; discount rate 0, one
planning year 2024, base 2023) and a target that binds. Flat load shapes are 1 in both slices, so
E TWh/yr draws E·1000/8760 GW in each.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo
import pytest
from conftest import two_hand_slices
from test_tiny_storage import SRC, tiny_inputs  # noqa: F401 (tiny_inputs is a fixture)

from simulator.errors import InfeasibleError
from simulator.intake.inputs import load_inputs
from simulator.intake.scenario import Solver, scenario_from_dict
from simulator.model.core import build_model
from simulator.model.targets import collect_indicators, shadow_price
from simulator.solve.highs import solve


def _slices():
    flat = [1.0, 1.0]
    return two_hand_slices(
        {
            "cf_pv": [1.0, 0.0],
            "load_city": flat,
            "load_other": flat,
            "load_industry": flat,
            "load_office": flat,
            "load_ev_home": [0.0, 1.0],
            "load_ev_public": flat,
            "tou_multiplier": [0.5, 1.0],
        }
    )


def _write(inputs, tables: dict[str, list[dict]]):
    for name, rows in tables.items():
        pd.DataFrame([{**r, "source": SRC} for r in rows]).to_csv(inputs.root / f"{name}.csv", index=False)
    return load_inputs(inputs.root)


def _carrier(name, unit="Mtce", mtce=1.0, co2=0.0):
    return {"carrier": name, "unit": unit, "mtce_per_unit": mtce, "co2_mt_per_unit": co2, "price_mcny_per_unit": 0.0}


ELECTRICITY = _carrier("electricity", "TWh", 0.1229)


def _measure(**kw):
    base = {"unit": "unit", "existing": 0.0, "first_year": 2024, "fixed_opex_mcny_per_unit_yr": 0.0}
    return {"measure": kw.pop("measure"), **base, **kw}  # the id column first


def _solve(inputs, sectors: dict, targets=(), accounting=None):
    scenario = scenario_from_dict(
        {
            "name": "tiny",
            "years": {"base": 2023, "start": 2024, "end": 2024},
            "economics": {"discount_rate": 0.0},
            "accounting": accounting or {},
            "sectors": {"power": {}, **sectors},
            "targets": list(targets),
        }
    )
    m = build_model(scenario, inputs, _slices())
    result = solve(m, Solver())
    rows = {r.id: r for r in m.targets.rows.values()}
    return m, result, rows


# --------------------------------------------------------------------------- steel


@pytest.fixture
def steel_inputs(tiny_inputs):  # noqa: F811 (the fixture imported above)
    """Crude steel 2 Mt/yr; 500 kgce/t of coal and 400 kWh/t; one measure saving 0.2 Mtce of coal per unit
    (Mt/yr covered), 0.5 units standing in the base year, capex 100 M CNY over 10 years (10 M CNY/yr)."""
    return _write(
        tiny_inputs,
        {
            # gas: a carrier steel has no intensity for (its use stays 0)
            "carriers": [ELECTRICITY, _carrier("coal", co2=2.66), _carrier("gas", co2=1.6)],
            "steel_activity": [{"year": 2023, "crude_steel_mt": 2.0}, {"year": 2024, "crude_steel_mt": 2.0}],
            "steel_intensity": [
                {"id": "s.coal", "product": "crude_steel", "carrier": "coal", "value": 500.0, "unit": "kgce/t"},
                {"id": "s.el", "product": "crude_steel", "carrier": "electricity", "value": 400.0, "unit": "kWh/t"},
            ],
            "measures_steel": [
                _measure(
                    measure="pci",
                    product="crude_steel",
                    existing=0.5,
                    potential=2.0,
                    max_rate_per_yr=2.0,
                    lifetime_yr=10,
                    capex_mcny_per_unit=100.0,
                    saving_coal=0.2,
                    saving_electricity=0.0,
                    saving_gas=0.0,
                )
            ],
        },
    )


def test_steel_intensity_target_adopts_by_hand(steel_inputs):
    """Base: coal 2·0.5 = 1.0 Mtce, electricity 2·0.4 = 0.8 TWh; at 0.3 kgce/kWh (the steel statistic's factor)
    the intensity is 1000·(1.0 + 0.3·0.8)/2 = 620 kgce/t. One unit beyond the standing 0.5 saves 0.2 Mtce,
    1000·0.2/2 = 100 kgce/t. Target ≤ 570: 0.5 unit more (adopted 1.0), coal 0.9 Mtce, cost 10·0.5 = 5 M CNY/yr;
    a kgce/t tighter costs 10/100 = 0.1 M CNY. Energy use 0.9 + 0.24 = 1.14 Mtce; CO2 0.9·2.66 = 2.394 Mt.
    Electricity 0.8 TWh flat: 0.8·1000/8760 = 0.0913242 GW of load in each slice.
    """
    target = {"id": "steel", "indicator": "steel.energy_intensity", "year": 2024, "value": 570.0, "sense": "<="}
    m, result, rows = _solve(steel_inputs, {"steel": {}}, [target], accounting={"steel_electricity_kgce_per_kwh": 0.3})
    s = m.steel
    ind = collect_indicators(m)
    assert ind["steel.energy_intensity"].base_value == pytest.approx(620.0)
    assert ind["steel.energy_use"].base_value == pytest.approx(1.24)
    assert pyo.value(s.adopted[2024, "pci"]) == pytest.approx(1.0)
    assert ind["steel.energy_intensity"].value(2024) == pytest.approx(570.0)
    assert ind["steel.energy_use"].value(2024) == pytest.approx(1.14)
    assert pyo.value(s.use[2024, "coal"]) == pytest.approx(0.9)
    assert pyo.value(s.baseline_use[2024, "coal"]) == pytest.approx(1.0)
    assert pyo.value(s.use[2024, "electricity"]) == pytest.approx(0.8)
    assert pyo.value(s.use[2024, "gas"]) == 0.0
    assert pyo.value(s.emissions[2024]) == pytest.approx(2.394)
    assert pyo.value(s.cost[2024]) == pytest.approx(5.0)
    assert [pyo.value(s.load[2024, t]) for t in m.S] == pytest.approx([0.8 / 8.76] * 2)
    assert shadow_price(rows["steel"], result.duals[m.targets.target_met["steel"]]) == pytest.approx(0.1)
    # final energy of the city counts the steel electricity at the calorific factor 0.1229, not the statistic's 0.3
    other = 8.76 - 0.8
    assert ind["city.final_energy"].value(2024) == pytest.approx(0.9 + 0.1229 * (0.8 + other))
    assert s.mtce_per_unit == {"electricity": 0.1229, "coal": 1.0, "gas": 1.0}  # the block's final-energy factors
    assert s.product_mtce_per_unit["crude_steel"]["electricity"] == 0.3


def test_steel_coal_use_stays_non_negative(steel_inputs):
    """use_nonnegative: with the measure mis-stated at 0.8 Mtce of coal per unit, 1.25 units beyond the standing 0.5
    save all 1.0 Mtce of coal: intensity 1000·(0 + 0.3·0.8)/2 = 120 kgce/t (adopted 1.75 of a potential 2).
    ≤ 100 kgce/t would need coal below zero: infeasible (without the guard, 2 units would give −0.2 Mtce, 20 kgce/t).
    """
    inputs = _steel_measure_restated(steel_inputs, saving_coal=0.8)
    m = _solve_steel_intensity_at_most(inputs, 120.0)
    assert pyo.value(m.steel.adopted[2024, "pci"]) == pytest.approx(1.75)
    assert pyo.value(m.steel.use[2024, "coal"]) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(InfeasibleError):
        _solve_steel_intensity_at_most(inputs, 100.0)


def _steel_measure_restated(steel_inputs, **columns):
    """The steel measure of ``steel_inputs`` with ``columns`` set in measures_steel.csv, read again."""
    path = steel_inputs.root / "measures_steel.csv"
    pd.read_csv(path).assign(**columns).to_csv(path, index=False)
    return load_inputs(steel_inputs.root)


def _solve_steel_intensity_at_most(inputs, kgce_per_t: float):
    """The steel sector alone with its 2024 intensity held at most ``kgce_per_t`` (electricity at 0.3 kgce/kWh)."""
    target = {"id": "steel", "indicator": "steel.energy_intensity", "year": 2024, "value": kgce_per_t, "sense": "<="}
    m, _, _ = _solve(inputs, {"steel": {}}, [target], accounting={"steel_electricity_kgce_per_kwh": 0.3})
    return m


def test_steel_saving_of_exactly_one_unit_per_unit_counts(steel_inputs):
    """The measure counted per 10 Mt/yr covered: exactly 1.0 Mtce of coal saved per unit (100 kgce/t), 0.05 units
    standing, capex 1,000 M CNY per unit over 10 years (100 M CNY/yr). Intensity ≤ 570 kgce/t (620 in the base):
    2 Mt · 50 kgce/t = 0.1 Mtce less coal → 0.1 units more (adopted 0.15), coal 1.0 − 1.0·0.1 = 0.9 Mtce,
    cost 100·0.1 = 10 M CNY/yr; a kgce/t tighter is 0.002 Mtce, 0.002 units: 0.2 M CNY.
    """
    path = steel_inputs.root / "measures_steel.csv"
    pd.read_csv(path).assign(unit="10 Mt/yr", existing=0.05, potential=0.2, saving_coal=1.0, capex_mcny_per_unit=1000.0).to_csv(
        path, index=False
    )
    inputs = load_inputs(steel_inputs.root)
    target = {"id": "steel", "indicator": "steel.energy_intensity", "year": 2024, "value": 570.0, "sense": "<="}
    m, result, rows = _solve(inputs, {"steel": {}}, [target], accounting={"steel_electricity_kgce_per_kwh": 0.3})
    assert pyo.value(m.steel.adopted[2024, "pci"]) == pytest.approx(0.15)
    assert pyo.value(m.steel.use[2024, "coal"]) == pytest.approx(0.9)
    assert pyo.value(m.steel.cost[2024]) == pytest.approx(10.0)
    assert shadow_price(rows["steel"], result.duals[m.targets.target_met["steel"]]) == pytest.approx(0.2)


def test_conversion_factors_of_the_block_and_of_a_line_without_its_own_setting(steel_inputs):
    """carriers.csv gives 1 Mtce per Mtce of coal and gas; electricity is counted at the scenario's calorific factor
    (here 0.2 kgce/kWh = 0.2 Mtce/TWh) except in a product line with its own statistic's factor (crude steel: 0.3).
    A line with no such setting (cement, say) falls back to the calorific 0.2."""
    from simulator.sectors.industry import conversion_mtce, product_conversion_mtce

    acct = {"electricity_calorific_kgce_per_kwh": 0.2, "steel_electricity_kgce_per_kwh": 0.3}
    scenario = scenario_from_dict({"name": "tiny", "years": {"base": 2023, "start": 2024, "end": 2024}, "accounting": acct})
    assert conversion_mtce(steel_inputs, scenario) == {"electricity": 0.2, "coal": 1.0, "gas": 1.0}
    by_line = product_conversion_mtce(steel_inputs, scenario, ["crude_steel", "cement"])
    assert by_line["crude_steel"] == {"electricity": 0.3, "coal": 1.0, "gas": 1.0}
    assert by_line["cement"] == {"electricity": 0.2, "coal": 1.0, "gas": 1.0}


# --------------------------------------------------------------------------- transport


@pytest.fixture
def transport_inputs(tiny_inputs):  # noqa: F811
    """100 thousand cars at 1 tce of gasoline each (0.001 Mtce per thousand), 0.5 piles per electric car;
    10 thousand electric cars and 4 thousand piles standing. An electric car saves 0.001 Mtce of gasoline and
    uses 0.002 TWh/yr (per thousand), charged 60 % at home (night) and 40 % in public (flat).
    Capex: 20 M CNY per thousand cars, 10 per thousand piles, 1 per thousand TEU/yr of intermodal volume
    and 5 per shore-power berth; all over 10 years."""
    act = [
        {"product": "car", "kind": "fleet", "activity": 100.0, "activity_unit": "thousand vehicles", "carrier": "gasoline"},
        {"product": "piles", "kind": "piles", "activity": 0.0, "activity_unit": "thousand piles", "carrier": ""},
        {"product": "rail_water", "kind": "intermodal", "activity": 0.0, "activity_unit": "thousand TEU", "carrier": ""},
        {"product": "berths", "kind": "coverage", "activity": 20.0, "activity_unit": "berths", "carrier": ""},
    ]
    for row in act:
        row.update(use_per_unit=0.001 if row["product"] == "car" else 0.0, piles_per_vehicle=0.5 if row["product"] == "car" else 0.0)

    def m(name, product, existing, potential, capex, gasoline=0.0, electricity=0.0):
        return _measure(
            measure=name,
            product=product,
            existing=existing,
            potential=potential,
            max_rate_per_yr=1000.0,
            lifetime_yr=10,
            capex_mcny_per_unit=capex,
            saving_electricity=electricity,
            saving_gasoline=gasoline,
        )

    return _write(
        tiny_inputs,
        {
            "carriers": [ELECTRICITY, _carrier("gasoline", co2=2.0)],
            "transport_activity": act,
            "measures_transport": [
                m("ev_car", "car", 10.0, 100.0, 20.0, gasoline=0.001, electricity=-0.002),
                m("pile", "piles", 4.0, 1000.0, 10.0),
                m("intermodal", "rail_water", 100.0, 1000.0, 1.0),
                m("shore_power", "berths", 2.0, 20.0, 5.0),
            ],
            "transport_loads": [
                {"product": "car", "profile": "load_ev_home", "share": 0.6},
                {"product": "car", "profile": "load_ev_public", "share": 0.4},
            ],
        },
    )


def test_transport_share_piles_growth_and_coverage_by_hand(transport_inputs):
    """EV share ≥ 30 % of 100 thousand cars → 30 thousand electric (20 new: 2·20 = 40 M CNY/yr);
    piles ≥ 0.5·30 = 15 thousand (11 new: 11 M CNY/yr); intermodal growth ≥ 10 % in one year from 100
    → 110 thousand TEU (10 new: 1 M CNY/yr); shore power ≥ 50 % of 20 berths → 10 (8 new: 0.5·8 = 4).
    Gasoline 100·0.001 − 30·0.001 = 0.07 Mtce (baseline with the 10 standing: 0.09); CO2 0.14 Mt;
    electricity 30·0.002 = 0.06 TWh: at home 0.036 TWh by night only = 0.036·1000/4380 = 0.0082192 GW,
    in public 0.024 TWh flat = 0.0027397 GW → load 0.0027397 GW by day, 0.0109589 GW by night.
    """
    targets = [
        {"id": "ev", "indicator": "transport.ev_share", "year": 2024, "value": 30.0},
        {"id": "tr", "indicator": "transport.intermodal_growth", "year": 2024, "value": 10.0},
        {"id": "shore", "indicator": "transport.shore_power_coverage", "year": 2024, "value": 50.0},
    ]
    m, result, rows = _solve(transport_inputs, {"transport": {}}, targets)
    t = m.transport
    adopted = {k: pyo.value(t.adopted[2024, k]) for k in ["ev_car", "pile", "intermodal", "shore_power"]}
    assert adopted == pytest.approx({"ev_car": 30.0, "pile": 15.0, "intermodal": 110.0, "shore_power": 10.0})
    assert pyo.value(t.use[2024, "gasoline"]) == pytest.approx(0.07)
    assert pyo.value(t.baseline_use[2024, "gasoline"]) == pytest.approx(0.09)
    assert pyo.value(t.baseline_use[2024, "electricity"]) == pytest.approx(0.02)
    assert pyo.value(t.use[2024, "electricity"]) == pytest.approx(0.06)
    assert pyo.value(t.emissions[2024]) == pytest.approx(0.14)
    assert [pyo.value(t.load[2024, s]) for s in m.S] == pytest.approx([0.024 / 8.76, 0.024 / 8.76 + 0.036 / 4.38])
    assert pyo.value(t.cost[2024]) == pytest.approx(40.0 + 11.0 + 1.0 + 4.0)
    ind = collect_indicators(m)
    assert ind["transport.ev_share"].base_value == pytest.approx(10.0)
    assert ind["transport.charging_piles"].base_value == pytest.approx(4.0)
    assert ind["transport.charging_piles"].value(2024) == pytest.approx(15.0)
    assert ind["transport.intermodal_volume"].base_value == pytest.approx(100.0)
    assert ind["transport.intermodal_growth"].value(2024) == pytest.approx(10.0)
    assert ind["transport.shore_power_coverage"].base_value == pytest.approx(10.0)
    assert ind["transport.shore_power_coverage"].value(2024) == pytest.approx(50.0)
    # one point more of shore power is 0.2 berth at 0.5 M CNY/yr each: 0.1 M CNY
    assert shadow_price(rows["shore"], result.duals[m.targets.target_met["shore"]]) == pytest.approx(0.1)
    # one point of growth is one thousand TEU at 0.1 M CNY/yr: 0.1 M CNY
    assert shadow_price(rows["tr"], result.duals[m.targets.target_met["tr"]]) == pytest.approx(0.1)


def test_without_a_pile_measure_the_fleet_is_not_held_back(transport_inputs):
    """With no piles measure in the catalogue there is no piles_follow_fleet row: the EV share of 30 % is met
    by 30 thousand electric cars (40 M CNY/yr) and nothing else."""
    path = transport_inputs.root / "measures_transport.csv"
    pd.read_csv(path).query("measure != 'pile'").to_csv(path, index=False)
    inputs = load_inputs(transport_inputs.root)
    m, _, _ = _solve(inputs, {"transport": {}}, [{"id": "ev", "indicator": "transport.ev_share", "year": 2024, "value": 30.0}])
    assert len(m.transport.piles_follow_fleet) == 0
    assert pyo.value(m.transport.adopted[2024, "ev_car"]) == pytest.approx(30.0)
    assert pyo.value(m.transport.cost[2024]) == pytest.approx(40.0)


# --------------------------------------------------------------------------- buildings


@pytest.fixture
def buildings_inputs(tiny_inputs):  # noqa: F811
    """Offices: 10 Mm² in 2023, 1 Mm² built a year, 100 kWh/m² and 5 kgce/m² of gas; new roofs 0.5 m² per m²
    of floor, 80 % installable, 100 W/m², in PV class ``roof`` (0.1 GW standing; 2 CNY/W, dearer than the
    utility class's 1 CNY/W at the same profile). Extra new-roof capex 0.2 CNY/W over 10 years.
    Measures: a heat pump (stock; 2 Mm² standing; renewable heat 0.004 Mtce/Mm²) and a new-build standard
    (new; capex 5 M CNY per Mm² over 10 years) counted in ``buildings.new_office_share``."""
    pv = pd.read_csv(tiny_inputs.root / "pv_classes.csv").to_dict("records")
    pv.append({**pv[0], "pv_class": "roof", "existing_gw": 0.1, "potential_gw": 1.0, "capex_cny_per_w": 2.0})
    stock = {
        "category": "office",
        "floor_area_mm2": 10.0,
        "new_floor_area_mm2_per_yr": 1.0,
        "electricity_kwh_per_m2": 100.0,
        "gas_kgce_per_m2": 5.0,
        "heat_kgce_per_m2": 0.0,
        "load_profile": "load_office",
        "roof_area_per_floor_area": 0.5,
        "installable_roof_share": 0.8,
        "pv_w_per_m2": 100.0,
        "pv_class": "roof",
    }
    common = {"product": "office", "max_rate_per_yr": 10.0, "lifetime_yr": 10, "saving_heat": 0.0}
    measures = [
        _measure(
            measure="heat_pump",
            applies_to="stock",
            existing=2.0,
            potential=10.0,
            capex_mcny_per_unit=10.0,
            saving_electricity=-0.01,
            saving_gas=0.005,
            renewable_kind="heat_pump",
            renewable_heat_mtce_per_unit=0.004,
            indicator="",
            **common,
        ),
        _measure(
            measure="standard",
            applies_to="new",
            potential=10.0,
            capex_mcny_per_unit=5.0,
            saving_electricity=0.0,
            saving_gas=0.0,
            renewable_kind="none",
            renewable_heat_mtce_per_unit=0.0,
            indicator="new_office_share",
            **common,
        ),
    ]
    return _write(
        tiny_inputs,
        {
            # coal: a carrier buildings have no intensity column for (their use of it stays 0)
            "carriers": [ELECTRICITY, _carrier("gas", co2=1.6), _carrier("heat"), _carrier("coal", co2=2.66)],
            "pv_classes": [{k: v for k, v in r.items() if k != "source"} for r in pv],
            "buildings_stock": [stock],
            "buildings_parameters": [
                {"parameter": "new_roof_pv_extra_capex_cny_per_w", "value": 0.2, "unit": "CNY/W", "note": ""},
                {"parameter": "new_roof_pv_lifetime_yr", "value": 10, "unit": "yr", "note": ""},
            ],
            "measures_buildings": measures,
        },
    )


def test_roof_pv_coverage_binds_through_the_power_sector(buildings_inputs):
    """New roof PV potential: 1 Mm² · 0.5 · 0.8 · 100 W/m² · 1e-3 = 0.04 GW; offices count over the whole
    roof (0.05 GW). Coverage ≥ 40 % → 0.02 GW on new roofs, which the power sector must build in class
    ``roof`` (pv_new = 0.02 GW). Each GW costs 0.2·1000·0.1 = 20 (roof) + 2·1000·0.1 = 200 (roof PV) − 100
    (utility PV it replaces, same profile) = 120 M CNY/yr; a point is 0.0005 GW: 0.06 M CNY.
    New-build share ≥ 50 % of 1 Mm² → 0.5 Mm² (0.5·0.5 = 0.25 M CNY/yr); a point is 0.01 Mm²: 0.005 M CNY.
    Use: floor 11 Mm² → 1.1 TWh, 0.055 Mtce of gas (the standing heat pumps are in the base intensity).
    Renewable share: heat 2·0.004 = 0.008 Mtce + 0.3 kgce/kWh · 4380 h · (0.1 + 0.02) GW · 1e-3 = 0.15768
    over 0.3·1.1 + 0.055 + 0.008 = 0.393 Mtce → 42.1323 %; base year (0.008 + 0.1314)/(0.3 + 0.05 + 0.008)
    = 38.9385 %.
    """
    targets = [
        {"id": "roof", "indicator": "buildings.office_roof_pv_coverage", "year": 2024, "value": 40.0},
        {"id": "new", "indicator": "buildings.new_office_share", "year": 2024, "value": 50.0},
    ]
    m, result, rows = _solve(buildings_inputs, {"buildings": {}}, targets, accounting={"renewable_coal_equivalent_kgce_per_kwh": 0.3})
    b = m.buildings
    assert pyo.value(b.new_roof_pv_potential[2024, "office"]) == pytest.approx(0.04)
    assert pyo.value(b.new_roof_pv[2024, "office"]) == pytest.approx(0.02)
    assert pyo.value(m.power.pv_new[2024, "roof"]) == pytest.approx(0.02)
    assert pyo.value(b.adopted[2024, "standard"]) == pytest.approx(0.5)
    assert pyo.value(b.adopted[2024, "heat_pump"]) == pytest.approx(2.0)
    assert pyo.value(b.use[2024, "electricity"]) == pytest.approx(1.1)
    assert pyo.value(b.use[2024, "gas"]) == pytest.approx(0.055)
    assert pyo.value(b.use[2024, "coal"]) == 0.0
    assert pyo.value(b.emissions[2024]) == pytest.approx(0.055 * 1.6)
    assert pyo.value(b.cost[2024]) == pytest.approx(0.02 * 20.0 + 0.25)
    assert [pyo.value(b.load[2024, s]) for s in m.S] == pytest.approx([1.1 / 8.76] * 2)
    ind = collect_indicators(m)
    assert ind["buildings.renewable_share"].value(2024) == pytest.approx(100 * (0.008 + 0.15768) / 0.393)
    assert ind["buildings.renewable_share"].base_value == pytest.approx(100 * 0.1394 / 0.358)
    assert ind["buildings.energy_use"].value(2024) == pytest.approx(0.393)
    assert shadow_price(rows["roof"], result.duals[m.targets.target_met["roof"]]) == pytest.approx(0.06)
    assert shadow_price(rows["new"], result.duals[m.targets.target_met["new"]]) == pytest.approx(0.005)


def test_new_construction_measures_are_capped_by_the_floor_built_each_year(buildings_inputs):
    """Two years (2024, 2025). The new-build standard saves 0.004 Mtce of gas per Mm² (0.5 M CNY/yr per Mm²,
    125 M CNY per Mtce) but covers at most the 1 Mm² built each year; insulating the stock saves 0.002 Mtce
    per Mm² (1 M CNY/yr per Mm², 500 M CNY per Mtce). Gas is free, so only the target asks for savings.

    Building energy use in 2025 with no new measure: floor 12 Mm² → 0.3·1.2 TWh + 0.06 Mtce of gas + the
    standing heat pumps' 0.008 Mtce of counted heat = 0.428 Mtce. Target ≤ 0.416 in 2025 (0.012 Mtce less):
    the standard on all new floor, 1 Mm² in 2024 and 1 in 2025 (adopted 1, then 2: 0.008 Mtce), the rest,
    0.004 Mtce, from 2 Mm² of insulation in 2025. Cost 0.5·1 (2024) + 0.5·2 + 1·2 (2025) = 3.5 M CNY more than
    with no target; the marginal Mtce comes from insulation: 500 M CNY. The standard covers 100 % of the
    new floor in each year (new_adopted 1 Mm² of 1 Mm²).
    """
    rows = pd.read_csv(buildings_inputs.root / "measures_buildings.csv").to_dict("records")
    standard = next(r for r in rows if r["measure"] == "standard")
    standard["saving_gas"] = 0.004
    insulation = {**rows[0], "measure": "insulation", "existing": 0.0, "saving_electricity": 0.0, "saving_gas": 0.002}
    insulation |= {"renewable_kind": "none", "renewable_heat_mtce_per_unit": 0.0, "capex_mcny_per_unit": 10.0}
    pd.DataFrame([*rows, insulation]).to_csv(buildings_inputs.root / "measures_buildings.csv", index=False)
    inputs = load_inputs(buildings_inputs.root)

    def run(targets):
        scenario = scenario_from_dict(
            {
                "name": "tiny",
                "years": {"base": 2023, "start": 2024, "end": 2025},
                "economics": {"discount_rate": 0.0},
                "accounting": {"renewable_coal_equivalent_kgce_per_kwh": 0.3},
                "sectors": {"power": {}, "buildings": {}},
                "targets": targets,
            }
        )
        m = build_model(scenario, inputs, _slices())
        return m, solve(m, Solver())

    free, free_result = run([])
    assert collect_indicators(free)["buildings.energy_use"].value(2025) == pytest.approx(0.428)
    target = {"id": "use", "indicator": "buildings.energy_use", "year": 2025, "value": 0.416, "sense": "<="}
    m, result = run([target])
    b = m.buildings
    assert [pyo.value(b.adopted[y, "standard"]) for y in m.Y] == pytest.approx([1.0, 2.0])
    assert [pyo.value(b.adopted[y, "insulation"]) for y in m.Y] == pytest.approx([0.0, 2.0])
    assert [pyo.value(b.new_adopted[y, "standard"]) for y in m.Y] == pytest.approx([1.0, 1.0])
    assert collect_indicators(m)["buildings.new_office_share"].value(2025) == pytest.approx(100.0)
    assert result.objective - free_result.objective == pytest.approx(3.5)
    row = m.targets.rows["use"]
    assert shadow_price(row, result.duals[m.targets.target_met["use"]]) == pytest.approx(500.0)


def test_no_measure_saves_more_gas_than_the_offices_use(buildings_inputs):
    """use_not_negative: the offices burn 11 Mm² · 5 kgce/m² = 0.055 Mtce of gas in 2024. A (mis-stated) measure
    saving 0.01 Mtce per Mm², twice what a Mm² burns, may still save no more than the 0.055 Mtce there is.

    Building energy use 0.3·1.1 + 0.055 + 0.008 (the standing heat pumps' heat) = 0.393 Mtce. ≤ 0.338 takes
    all the gas (5.5 Mm² of the measure, 0.55 M CNY/yr); ≤ 0.333 would need 0.06 Mtce of gas: infeasible
    (without the guard, 6 Mm² would drive gas use to −0.005 Mtce).
    """
    rows = pd.read_csv(buildings_inputs.root / "measures_buildings.csv").to_dict("records")
    swap = {**rows[0], "measure": "swap", "existing": 0.0, "saving_electricity": 0.0, "saving_gas": 0.01}
    swap |= {"renewable_kind": "none", "renewable_heat_mtce_per_unit": 0.0, "capex_mcny_per_unit": 1.0}
    pd.DataFrame([*rows, swap]).to_csv(buildings_inputs.root / "measures_buildings.csv", index=False)
    inputs = load_inputs(buildings_inputs.root)
    limit = {"id": "use", "indicator": "buildings.energy_use", "year": 2024, "value": 0.338, "sense": "<="}
    m, _, _ = _solve(inputs, {"buildings": {}}, [limit], accounting={"renewable_coal_equivalent_kgce_per_kwh": 0.3})
    assert pyo.value(m.buildings.adopted[2024, "swap"]) == pytest.approx(5.5)
    assert pyo.value(m.buildings.use[2024, "gas"]) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(InfeasibleError):
        _solve(inputs, {"buildings": {}}, [{**limit, "value": 0.333}], accounting={"renewable_coal_equivalent_kgce_per_kwh": 0.3})


def test_yearly_new_roof_pv_floor_setting(buildings_inputs):
    """sectors.buildings.new_roof_pv_coverage_min = 0.5: at least half of the 0.04 GW installable on the year's
    new office roofs, 0.02 GW, which the power sector builds in class ``roof`` (dearer than utility PV, so no more)."""
    m, _, _ = _solve(buildings_inputs, {"buildings": {"new_roof_pv_coverage_min": 0.5}})
    assert pyo.value(m.buildings.new_roof_pv[2024, "office"]) == pytest.approx(0.02)
    assert pyo.value(m.power.pv_new[2024, "roof"]) == pytest.approx(0.02)


# --------------------------------------------------------------------------- a saving of exactly 1.0 per unit


def test_transport_saving_of_exactly_one_unit_per_unit_counts(transport_inputs):
    """Cars counted in millions: 0.1 million cars at 1 tce of gasoline each (1.0 Mtce per million); an electric car
    saves exactly 1.0 Mtce per million and uses 2.0 TWh per million (2,000 kWh/yr); 0.01 million standing.
    EV share ≥ 30 % → 0.03 million electric: gasoline 0.1·1.0 − 1.0·0.03 = 0.07 Mtce (baseline 0.1 − 0.01 = 0.09),
    CO2 0.07·2.0 = 0.14 Mt, electricity 2.0·0.03 = 0.06 TWh. A saving of 1.0 is not special (mutation testing
    found one dropped when collecting savings would pass every other case).
    """
    act = [{"product": "car", "kind": "fleet", "activity": 0.1, "activity_unit": "million vehicles", "carrier": "gasoline"}]
    act[0].update(use_per_unit=1.0, piles_per_vehicle=0.0)
    ev = _measure(
        measure="ev_car",
        product="car",
        unit="million vehicles",
        existing=0.01,
        potential=0.1,
        max_rate_per_yr=1.0,
        lifetime_yr=10,
        capex_mcny_per_unit=20000.0,
        saving_electricity=-2.0,
        saving_gasoline=1.0,
    )
    inputs = _write(transport_inputs, {"transport_activity": act, "measures_transport": [ev]})
    m, _, _ = _solve(inputs, {"transport": {}}, [{"id": "ev", "indicator": "transport.ev_share", "year": 2024, "value": 30.0}])
    t = m.transport
    assert pyo.value(t.adopted[2024, "ev_car"]) == pytest.approx(0.03)
    assert pyo.value(t.use[2024, "gasoline"]) == pytest.approx(0.07)
    assert pyo.value(t.baseline_use[2024, "gasoline"]) == pytest.approx(0.09)
    assert pyo.value(t.use[2024, "electricity"]) == pytest.approx(0.06)
    assert pyo.value(t.emissions[2024]) == pytest.approx(0.14)
    assert pyo.value(t.cost[2024]) == pytest.approx(2000.0 * 0.02)  # 20,000 M CNY per million over 10 years


def test_buildings_saving_of_exactly_one_unit_per_unit_counts(buildings_inputs):
    """A lighting retrofit counted in blocks of 100 Mm² saves exactly 1.0 TWh per block (10 kWh/m²), capex
    1,000 M CNY per block over 10 years (100 M CNY/yr). Building energy use in 2024 with no retrofit:
    0.3·1.1 + 0.055 + 0.008 = 0.393 Mtce; ≤ 0.378 needs 0.015/0.3 = 0.05 TWh less → 0.05 blocks (5 Mm²):
    electricity 1.1 − 1.0·0.05 = 1.05 TWh, cost 100·0.05 = 5 M CNY/yr (nothing else is adopted: more heat pumps
    add 0.3·0.01 − 0.005 + 0.004 = +0.002 Mtce per Mm² of counted use). A Mtce less is 1/0.3 TWh less at
    100 M CNY/yr per TWh, minus what a flat TWh costs the power sector: a flat GW costs 396.2963 M CNY/yr in the
    two-slice case of test_tiny_storage (PV by day, PV through storage by night) and is 8.76 TWh, so 45.2393 per TWh:
    (100 − 45.2393)/0.3 = 182.5357 M CNY per Mtce (without the retrofit paying less for power: 333.333).
    """
    rows = pd.read_csv(buildings_inputs.root / "measures_buildings.csv").to_dict("records")
    lighting = {**rows[0], "measure": "lighting", "unit": "100 Mm2", "existing": 0.0, "potential": 0.1, "max_rate_per_yr": 0.1}
    lighting |= {"saving_electricity": 1.0, "saving_gas": 0.0, "capex_mcny_per_unit": 1000.0}
    lighting |= {"renewable_kind": "none", "renewable_heat_mtce_per_unit": 0.0}
    pd.DataFrame([*rows, lighting]).to_csv(buildings_inputs.root / "measures_buildings.csv", index=False)
    inputs = load_inputs(buildings_inputs.root)
    limit = {"id": "use", "indicator": "buildings.energy_use", "year": 2024, "value": 0.378, "sense": "<="}
    m, result, rows_by_id = _solve(inputs, {"buildings": {}}, [limit], accounting={"renewable_coal_equivalent_kgce_per_kwh": 0.3})
    b = m.buildings
    assert pyo.value(b.adopted[2024, "lighting"]) == pytest.approx(0.05)
    assert pyo.value(b.use[2024, "electricity"]) == pytest.approx(1.05)
    assert pyo.value(b.cost[2024]) == pytest.approx(5.0)
    assert shadow_price(rows_by_id["use"], result.duals[m.targets.target_met["use"]]) == pytest.approx((100.0 - 396.2962963 / 8.76) / 0.3)


def test_measures_on_new_construction_are_limited_by_the_floor_built_each_year():
    """_limit_new_construction over 3 planning years, offices built at 2 Mm²/yr (homes at 5):

    * a new-build standard stated with rate 50 and potential 100, 1 Mm² standing: rate min(50, 2) = 2 Mm²/yr,
      potential min(100, 1 + 3·2) = 7 Mm²;
    * one stated tighter (rate 1.5, potential 3): kept (min(1.5, 2) = 1.5, min(3, 1 + 6) = 3);
    * a home standard (rate 50, potential 100, none standing): min(50, 5) = 5, min(100, 0 + 3·5) = 15;
    * a measure on the stock is left as stated (rate 50, potential 100).
    """
    from simulator.sectors.buildings import _limit_new_construction

    stock = pd.DataFrame({"new_floor_area_mm2_per_yr": [2.0, 5.0]}, index=pd.Index(["office", "home"], name="category"))
    cat = pd.DataFrame(
        {
            "measure": ["standard", "tight", "home_standard", "retrofit"],
            "product": ["office", "office", "home", "office"],
            "applies_to": ["new", "new", "new", "stock"],
            "existing": [1.0, 1.0, 0.0, 1.0],
            "max_rate_per_yr": [50.0, 1.5, 50.0, 50.0],
            "potential": [100.0, 3.0, 100.0, 100.0],
        }
    )
    out = _limit_new_construction(cat, stock, 3).set_index("measure")
    assert out["max_rate_per_yr"].to_dict() == pytest.approx({"standard": 2.0, "tight": 1.5, "home_standard": 5.0, "retrofit": 50.0})
    assert out["potential"].to_dict() == pytest.approx({"standard": 7.0, "tight": 3.0, "home_standard": 15.0, "retrofit": 100.0})
    assert cat["max_rate_per_yr"].tolist() == [50.0, 1.5, 50.0, 50.0]  # the catalogue itself is not changed


def test_a_measure_saves_only_in_its_own_building_category(buildings_inputs):
    """A second category, homes: 5 Mm² (none built), 50 kWh/m² and 4 kgce/m² of gas → 0.25 TWh, 0.02 Mtce.
    An office measure ``swap`` saves 0.01 Mtce of gas per Mm² (1 M CNY per Mm² over 10 years: 0.1 M CNY/yr).

    Building energy use in 2024 with no new measure (electricity at 0.3, as in the cases above):
    0.3·(1.1 + 0.25) + 0.055 + 0.02 + 0.008 (the standing heat pumps' heat) = 0.488 Mtce. Target ≤ 0.468:
    0.02 Mtce of office gas, 2 Mm² of ``swap`` (0.2 M CNY/yr). Office gas 0.055 − 0.02 = 0.035 Mtce; the homes
    keep their 0.02 Mtce (a measure of the offices saves nothing in the homes).
    """
    stock = pd.read_csv(buildings_inputs.root / "buildings_stock.csv").to_dict("records")
    home = {**stock[0], "category": "home", "floor_area_mm2": 5.0, "new_floor_area_mm2_per_yr": 0.0}
    home |= {"electricity_kwh_per_m2": 50.0, "gas_kgce_per_m2": 4.0}
    pd.DataFrame([*stock, home]).to_csv(buildings_inputs.root / "buildings_stock.csv", index=False)
    rows = pd.read_csv(buildings_inputs.root / "measures_buildings.csv").to_dict("records")
    swap = {**rows[0], "measure": "swap", "existing": 0.0, "saving_electricity": 0.0, "saving_gas": 0.01}
    swap |= {"renewable_kind": "none", "renewable_heat_mtce_per_unit": 0.0, "capex_mcny_per_unit": 1.0}
    pd.DataFrame([*rows, swap]).to_csv(buildings_inputs.root / "measures_buildings.csv", index=False)
    inputs = load_inputs(buildings_inputs.root)
    acct = {"renewable_coal_equivalent_kgce_per_kwh": 0.3}
    free, free_result, _ = _solve(inputs, {"buildings": {}}, accounting=acct)
    assert collect_indicators(free)["buildings.energy_use"].value(2024) == pytest.approx(0.488)
    limit = {"id": "use", "indicator": "buildings.energy_use", "year": 2024, "value": 0.468, "sense": "<="}
    m, result, _ = _solve(inputs, {"buildings": {}}, [limit], accounting=acct)
    b = m.buildings
    assert pyo.value(b.adopted[2024, "swap"]) == pytest.approx(2.0)
    assert pyo.value(b.use_by_category[2024, "office", "gas"]) == pytest.approx(0.035)
    assert pyo.value(b.use_by_category[2024, "home", "gas"]) == pytest.approx(0.02)
    assert pyo.value(b.use_by_category[2024, "home", "electricity"]) == pytest.approx(0.25)
    assert result.objective - free_result.objective == pytest.approx(0.2)


def test_a_steel_measure_saving_two_carriers_keeps_both_uses_non_negative(steel_inputs):
    """The measure saves 0.2 Mtce of coal and 0.64 TWh of electricity per unit (electricity at 0.3 kgce/kWh).
    x units beyond the standing 0.5: intensity 1000·(1.0 − 0.2x + 0.3·(0.8 − 0.64x))/2 = 500·(1.24 − 0.392x).
    ≤ 375 kgce/t: x = 1.25 (adopted 1.75), electricity 0.8 − 0.8 = 0, coal 0.75 Mtce. ≤ 370 would need
    electricity below zero: infeasible (both (steel, coal) and (steel, electricity) keep a use ≥ 0 row).
    """
    inputs = _steel_measure_restated(steel_inputs, saving_electricity=0.64)
    m = _solve_steel_intensity_at_most(inputs, 375.0)
    assert pyo.value(m.steel.adopted[2024, "pci"]) == pytest.approx(1.75)
    assert pyo.value(m.steel.use[2024, "electricity"]) == pytest.approx(0.0, abs=1e-9)
    assert pyo.value(m.steel.use[2024, "coal"]) == pytest.approx(0.75)
    with pytest.raises(InfeasibleError):
        _solve_steel_intensity_at_most(inputs, 370.0)
