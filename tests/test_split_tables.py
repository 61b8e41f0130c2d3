"""Tables split so that each row's sources back every number in it, joined again when read.

``carriers.csv`` (conversion and CO2 factors) + ``carrier_prices.csv`` (prices):
``measures_<sector>.csv`` (Wuhan's deployment) + ``technologies_<sector>.csv``
(per-unit technology): the sectors see one frame, the same as a data set
keeping both in one file; a problem is located in the file and row where the
number lives.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import WUHAN

from simulator.errors import DataError
from simulator.intake.inputs import load_inputs
from simulator.model.measures import check_catalogue
from simulator.sectors import buildings
from simulator.sectors.common import carriers


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "inputs" / "wuhan"
    shutil.copytree(WUHAN, folder)
    return folder


def _drop_row(path, column: str, value: str) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame[frame[column] != value].to_csv(path, index=False)


def _problems(folder) -> str:
    with pytest.raises(DataError) as err:
        load_inputs(folder)
    return str(err.value)


# --------------------------------------------------------------------------- carriers


def test_carriers_read_from_two_files_equal_the_one_file_layout(data, tmp_path):
    """The prices of carrier_prices.csv put back into carriers.csv by hand give the same carrier frame, price by price."""
    split = carriers(load_inputs(data))
    one = tmp_path / "one"
    shutil.copytree(data, one)
    physical = pd.read_csv(one / "carriers.csv")
    prices = pd.read_csv(one / "carrier_prices.csv").set_index("carrier")["price_mcny_per_unit"]
    physical.insert(4, "price_mcny_per_unit", physical["carrier"].map(prices))
    physical.to_csv(one / "carriers.csv", index=False)
    (one / "carrier_prices.csv").unlink()
    single = carriers(load_inputs(one))
    columns = ["unit", "mtce_per_unit", "co2_mt_per_unit", "price_mcny_per_unit"]
    pd.testing.assert_frame_equal(split[columns], single[columns])
    assert split.at["coal", "price_mcny_per_unit"] == 1100.0 and split.at["coal", "co2_mt_per_unit"] == 2.616
    assert split.at["electricity", "mtce_per_unit"] == 0.1229 and split.at["electricity", "price_mcny_per_unit"] == 0.0


@pytest.mark.parametrize(
    ("dropped_from", "key", "row_id", "expected"),
    [
        # a carrier without a price is located in carriers.csv, a price of an unknown carrier in carrier_prices.csv
        (
            "carrier_prices.csv",
            "carrier",
            "hydrogen",
            "carriers.csv:row 10 (line 11): carrier: 'hydrogen' has no row in carrier_prices.csv",
        ),
        ("carriers.csv", "carrier", "coke", "carrier_prices.csv:row 3 (line 4): carrier: 'coke' has no row in carriers.csv"),
        # a measure without technology, and a technology without deployment, each located in the file that has it
        (
            "technologies_transport.csv",
            "measure",
            "shore_power",
            "measures_transport.csv:row 8 (line 9): measure: 'shore_power' has no row in technologies_transport.csv",
        ),
        (
            "measures_steel.csv",
            "measure",
            "motors_drives",
            "technologies_steel.csv:row 4 (line 5): measure: 'motors_drives' has no row in measures_steel.csv",
        ),
    ],
)
def test_id_in_one_half_only_is_located_in_the_file_that_has_it(data, dropped_from, key, row_id, expected):
    _drop_row(data / dropped_from, key, row_id)
    assert expected in _problems(data)


def test_bad_price_is_located_in_carrier_prices_csv(data):
    frame = pd.read_csv(data / "carrier_prices.csv")
    frame.loc[frame["carrier"] == "gas", "price_mcny_per_unit"] = -5.0  # row 4 (line 5)
    frame.to_csv(data / "carrier_prices.csv", index=False)
    text = _problems(data)
    assert "carrier_prices.csv:row 4 (line 5): price_mcny_per_unit: outside the physical range" in text
    assert "carriers.csv:" not in text


def test_price_in_both_files_is_refused(data):
    frame = pd.read_csv(data / "carriers.csv")
    frame["price_mcny_per_unit"] = 1.0
    frame.to_csv(data / "carriers.csv", index=False)
    assert "carrier_prices.csv: price_mcny_per_unit: column also in carriers.csv" in _problems(data)


# --------------------------------------------------------------------------- measure catalogues

SECTORS = ["steel", "petrochemicals", "buildings", "transport"]


def _catalogue(inputs, sector: str) -> pd.DataFrame:
    return check_catalogue(inputs, f"measures_{sector}", list(carriers(inputs).index)).set_index("measure")


def _set(path, measure: str, column: str, value) -> None:
    frame = pd.read_csv(path)
    frame.loc[frame["measure"] == measure, column] = value
    frame.to_csv(path, index=False)


@pytest.mark.parametrize("sector", SECTORS)
def test_catalogue_from_two_files_equals_the_one_file_layout(data, tmp_path, sector):
    """Deployment and technology joined by hand into one measures_<sector>.csv give the same catalogue the sector sees."""
    split = _catalogue(load_inputs(data), sector)
    one = tmp_path / "one"
    shutil.copytree(data, one)
    deployment = pd.read_csv(one / f"measures_{sector}.csv")
    technology = pd.read_csv(one / f"technologies_{sector}.csv").drop(columns=["unit", "description"], errors="ignore")
    merged = deployment.merge(technology, on="measure", suffixes=("", "_technology"))
    merged["source"] = merged["source"] + ";" + merged.pop("source_technology")
    merged.to_csv(one / f"measures_{sector}.csv", index=False)
    (one / f"technologies_{sector}.csv").unlink()
    single = _catalogue(load_inputs(one), sector)
    columns = [c for c in single.columns if c not in ("source", "description")]
    pd.testing.assert_frame_equal(split[columns], single[columns])


def test_catalogue_joins_the_numbers_of_both_files():
    """Coke dry quenching: 11 of 15 Mt/yr covered (measures_steel.csv), 58 M CNY and 35 kWh per Mt/yr (technologies_steel.csv)."""
    cat = _catalogue(load_inputs(WUHAN), "steel")
    row = cat.loc["coke_dry_quenching"]
    assert (row["existing"], row["potential"], row["max_rate_per_yr"]) == (11.0, 15.0, 2.0)
    assert (row["lifetime_yr"], row["capex_mcny_per_unit"], row["saving_electricity"]) == (20, 58.0, 0.035)
    assert row["unit"] == "Mt/yr crude steel covered"


def test_bad_capex_is_located_in_the_technology_file(data):
    _set(data / "technologies_steel.csv", "trt_dry_upgrade", "capex_mcny_per_unit", -7.2)  # row 2 (line 3)
    inputs = load_inputs(data)
    with pytest.raises(DataError) as err:
        _catalogue(inputs, "steel")
    text = str(err.value)
    assert "technologies_steel.csv:row 2 (line 3): capex_mcny_per_unit: must be a number ≥ 0 (got -7.2)" in text
    assert "measures_steel.csv" not in text


def test_bad_potential_is_located_in_the_deployment_file(data):
    _set(data / "measures_petrochemicals.csv", "refining_furnace_upgrade", "potential", 1.0)  # row 2: existing 2.0 > 1.0
    inputs = load_inputs(data)
    with pytest.raises(DataError) as err:
        _catalogue(inputs, "petrochemicals")
    text = str(err.value)
    assert "measures_petrochemicals.csv:row 2 (line 3): existing: exceeds the potential (got 2.0)" in text
    assert "technologies_petrochemicals.csv" not in text


def test_bad_renewable_heat_is_located_in_the_technology_file(data):
    _set(data / "technologies_buildings.csv", "geothermal_heating", "renewable_heat_mtce_per_unit", -0.00277)  # row 11
    inputs = load_inputs(data)
    with pytest.raises(DataError) as err:
        buildings._tables(inputs, list(carriers(inputs).index), list(inputs.tables["pv_classes"]["pv_class"]))
    assert "technologies_buildings.csv:row 11 (line 12): renewable_heat_mtce_per_unit: must be ≥ 0" in str(err.value)


def test_unit_differing_between_the_two_files_is_refused(data):
    _set(data / "technologies_transport.csv", "ev_bus", "unit", "vehicles")  # row 3; measures_transport.csv says thousand vehicles
    text = _problems(data)
    assert (
        "technologies_transport.csv:row 3 (line 4): unit: 'vehicles' differs from measures_transport.csv row 3 ('thousand vehicles')"
        in text
    )


def test_binding_limit_names_the_deployment_file():
    """A binding potential or rate lives in measures_<sector>.csv: the limits table names that table (the reference run's limits.csv)."""
    limits = pd.read_csv(WUHAN.parent.parent / "outputs" / "published" / "reference" / "limits.csv")
    measure_rows = limits[limits["column"].isin(["potential", "max_rate_per_yr"])]
    assert len(measure_rows) and measure_rows["table"].str.startswith("measures_").all()
    for table, rows in measure_rows.groupby("table"):
        deployment = pd.read_csv(WUHAN / f"{table}.csv")
        assert set(rows["row"]) <= set(deployment["measure"]), table
        assert {"potential", "max_rate_per_yr"} <= set(deployment.columns)
        assert not {"potential", "max_rate_per_yr"} & set(
            pd.read_csv(WUHAN / f"technologies_{table.removeprefix('measures_')}.csv").columns
        )


# --------------------------------------------------------------------------- the joins a build keeps


def test_a_builds_view_keeps_each_join_and_sees_a_replaced_table():
    """Coal at 1,100 M CNY/Mt (carrier_prices.csv); the view's kept join gives it again, and gives 1,320 once the
    price table is replaced by one with coal at 1.2 × 1,100 = 1,320; an edit of a returned frame stays in it."""
    view = load_inputs(WUHAN).for_build()
    first = view.joined("carrier_prices")
    assert first.set_index("carrier").at["coal", "price_mcny_per_unit"] == 1100.0
    first.loc[first["carrier"] == "coal", "price_mcny_per_unit"] = -1.0  # the caller's copy only
    assert carriers(view).at["coal", "price_mcny_per_unit"] == 1100.0
    prices = view.tables["carrier_prices"].copy()
    prices.loc[prices["carrier"] == "coal", "price_mcny_per_unit"] *= 1.2
    view.tables["carrier_prices"] = prices
    assert carriers(view).at["coal", "price_mcny_per_unit"] == pytest.approx(1320.0, rel=1e-15)
    assert carriers(view).at["coke", "price_mcny_per_unit"] == 2060.0  # the other rows as read


def test_a_builds_carriers_are_made_once_and_again_when_carriers_csv_is_replaced():
    """Coal's CO2 factor 2.616 Mt per Mt (carriers.csv) in a build's view, kept; a caller's edit stays in its copy;
    2.616 × 0.5 = 1.308 once carriers.csv is replaced by one with half the factor; outside a view read every time."""
    inputs = load_inputs(WUHAN)
    view = inputs.for_build()
    first = carriers(view)
    assert first.at["coal", "co2_mt_per_unit"] == 2.616
    first.loc["coal", "co2_mt_per_unit"] = -1.0
    assert carriers(view).at["coal", "co2_mt_per_unit"] == 2.616
    table = view.tables["carriers"].copy()
    table.loc[table["carrier"] == "coal", "co2_mt_per_unit"] *= 0.5
    view.tables["carriers"] = table
    assert carriers(view).at["coal", "co2_mt_per_unit"] == pytest.approx(1.308, rel=1e-15)
    assert carriers(view).at["coal", "price_mcny_per_unit"] == 1100.0
    plain = load_inputs(WUHAN)
    plain.tables["carriers"].loc[plain.tables["carriers"]["carrier"] == "coal", "co2_mt_per_unit"] = 3.0
    assert carriers(plain).at["coal", "co2_mt_per_unit"] == 3.0


def test_every_build_reads_the_carrier_prices_its_inputs_hold_now():
    """Builds of one power-only scenario on one Inputs object: coal's fuel price is 1,100 M CNY/Mt as read; after the
    price is edited in place (× 0.9 = 990) the next build's is 990; with a scenario override of 1,210 it is 1,210."""
    from conftest import small_wuhan

    from simulator.intake.inputs import apply_overrides
    from simulator.intake.scenario import scenario_from_dict
    from simulator.model.core import build_model
    from simulator.model.timeslices import make_timeslices

    inputs = load_inputs(WUHAN)
    time = make_timeslices(inputs.table("profiles_hourly"), 1, None, "hierarchical")
    scenario = scenario_from_dict(small_wuhan(days=1))
    assert build_model(scenario, inputs, time).fuel_price["coal"] == 1100.0
    prices = inputs.tables["carrier_prices"]
    prices.loc[prices["carrier"] == "coal", "price_mcny_per_unit"] *= 0.9
    assert build_model(scenario, inputs, time).fuel_price["coal"] == pytest.approx(990.0, rel=1e-15)
    raised = apply_overrides(inputs, {"carrier_prices": {"coal": {"price_mcny_per_unit": 1210.0}}}, lambda loc: str(loc))
    assert build_model(scenario, raised, time).fuel_price["coal"] == 1210.0
    assert build_model(scenario, inputs, time).fuel_price["coal"] == pytest.approx(990.0, rel=1e-15)
