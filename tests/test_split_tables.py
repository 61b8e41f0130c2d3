"""Tables split so that each row's sources back every number in it, joined again when read.

``carriers.csv`` (conversion and CO2 factors) + ``carrier_prices.csv`` (prices):
the sectors see one frame, the same as a data set keeping both in one file;
a problem is located in the file and row where the number lives.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import WUHAN

from simulator.errors import DataError
from simulator.intake.inputs import load_inputs
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


def test_carrier_without_a_price_is_located_in_carriers_csv(data):
    _drop_row(data / "carrier_prices.csv", "carrier", "hydrogen")
    text = _problems(data)
    assert "carriers.csv:row 10 (line 11): carrier: 'hydrogen' has no row in carrier_prices.csv" in text


def test_price_of_an_unknown_carrier_is_located_in_carrier_prices_csv(data):
    _drop_row(data / "carriers.csv", "carrier", "coke")
    text = _problems(data)
    assert "carrier_prices.csv:row 3 (line 4): carrier: 'coke' has no row in carriers.csv" in text


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
