"""iamc.csv: columns, the fixed variable list, and aggregates equal to the sum of their parts.

The file is loaded with pyam (a test dependency) and every variable with
children is checked with pyam's ``check_aggregate``; the same rule (a variable
equals the sum of its direct children) is also written out with pandas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator.results import iamc
from simulator.runs import pipeline
from simulator.runs import run_folder as runs

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def frame(tmp_path_factory) -> pd.DataFrame:
    prepared = pipeline.prepare(REPO / "scenarios" / "reference.yaml", {"time": {"days": 2}})
    outcome = pipeline.run(prepared)
    folder = runs.write_run(outcome, tmp_path_factory.mktemp("out"), command=["test"], extra_writers=[iamc.write_run_iamc])
    return pd.read_csv(folder / "iamc.csv")


def children(frame: pd.DataFrame, parent: str) -> list[str]:
    depth = parent.count("|") + 1
    return sorted(v for v in frame["variable"].unique() if v.startswith(parent + "|") and v.count("|") == depth)


def test_columns_and_keys(frame):
    assert list(frame.columns) == ["model", "scenario", "region", "variable", "unit", "year", "value"]
    assert not frame.duplicated(["model", "scenario", "region", "variable", "year"]).any()
    assert set(frame["scenario"]) == {"reference"} and set(frame["region"]) == {"Wuhan"}


def test_every_variable_is_in_the_mapping_table_with_its_unit(frame):
    table = iamc.variables(base_year=2023)
    for var, unit in frame[["variable", "unit"]].drop_duplicates().itertuples(index=False):
        assert var in table, var
        assert unit == table[var], (var, unit, table[var])
    want = {
        "Capacity|Electricity|Solar|PV",
        "Capacity|Electricity|Solar|PV|Rooftop",
        "Capacity|Electricity|Solar|PV|Utility",
        "Secondary Energy|Electricity|Solar|PV",
        "Trade|Secondary Energy|Electricity|Volume",
        "Final Energy|Industry|Iron and Steel|Solids|Coal",
        "Final Energy|Industry|Chemicals",
        "Emissions|CO2|Energy|Demand|Transportation",
        "Emissions|CO2|Energy|Supply|Electricity",
        "Cost",
        "Price|Secondary Energy|Electricity",
    }
    assert want <= set(frame["variable"]), want - set(frame["variable"])
    assert set(frame.loc[frame["variable"].str.startswith("Cost"), "unit"]) == {"million CNY_2023/yr"}


def test_storage_discharge_is_not_secondary_energy(frame):
    v = frame.set_index(["variable", "year"])["value"]
    y = int(frame["year"].max())
    local = [x for x in frame["variable"].unique() if x.startswith("Secondary Energy|Electricity|") and x.count("|") == 2]
    assert "Secondary Energy|Electricity|Storage Discharge" not in frame["variable"].values
    assert v[("Secondary Energy|Electricity", y)] == pytest.approx(sum(v[(x, y)] for x in local), rel=1e-7)
    assert v[("Storage Discharge|Electricity", y)] > 0


def test_every_aggregate_is_the_sum_of_its_children(frame):
    checked = 0
    wide = frame.pivot_table(index="variable", columns="year", values="value")
    for parent in wide.index:
        kids = children(frame, parent)
        if not kids:
            continue
        pd.testing.assert_series_equal(
            wide.loc[kids].sum(), wide.loc[parent], check_names=False, rtol=1e-7, atol=1e-9
        )  # CSV keeps 9 significant digits
        assert frame[frame["variable"].isin(kids)]["unit"].nunique() == 1, parent
        checked += 1
    assert checked >= 8


def test_values_match_the_run_tables():
    # hand-made tables: PV 0.2 GW utility + 0.5 C&I + 0.1 public → Solar|PV 0.8, Rooftop 0.6;
    # steel: 10 TWh × 0.0036 EJ/TWh = 0.036 EJ electricity, 2 Mtce coal + 1 Mtce coke × 0.0293076 EJ/Mtce = 0.0879228 EJ
    # Solids|Coal; Final Energy 0.1239228 EJ/yr; imports 5 TWh → Trade volume −0.018 EJ/yr (net exports)
    tables = {
        "capacity": pd.DataFrame(
            {
                "year": [2026] * 3,
                "variable": ["capacity"] * 3,
                "technology": ["pv_utility", "pv_ci_rooftop", "pv_public_rooftop"],
                "unit": ["GW"] * 3,
                "value": [0.2, 0.5, 0.1],
            }
        ),
        "energy_use": pd.DataFrame(
            {
                "year": [2026] * 3,
                "sector": ["steel"] * 3,
                "carrier": ["electricity", "coal", "coke"],
                "unit": ["TWh", "Mtce", "Mtce"],
                "value": [10.0, 2.0, 1.0],
                "baseline": [10.0, 2.0, 1.0],
            }
        ),
        "generation": pd.DataFrame(
            {"year": [2026] * 3, "source": ["import_grid", "storage_discharge", "pv_utility"], "value_twh": [5.0, 0.4, 0.3]}
        ),
    }
    out, notes = iamc.iamc_table(tables, "t", base_year=2023)
    v = out.set_index("variable")["value"]
    assert v["Capacity|Electricity|Solar|PV"] == pytest.approx(0.8)
    assert v["Capacity|Electricity|Solar|PV|Rooftop"] == pytest.approx(0.6)
    assert v["Final Energy|Industry|Iron and Steel|Electricity"] == pytest.approx(0.036)
    assert v["Final Energy|Industry|Iron and Steel|Solids|Coal"] == pytest.approx(0.0879228)
    assert v["Final Energy"] == pytest.approx(0.1239228)
    assert v["Trade|Secondary Energy|Electricity|Volume"] == pytest.approx(-0.018)
    assert v["Secondary Energy|Electricity"] == pytest.approx(0.3 * 0.0036)  # storage discharge not counted
    assert v["Storage Discharge|Electricity"] == pytest.approx(0.4 * 0.0036)
    assert notes == []


def test_pyam_loads_the_file_and_every_aggregate_checks(frame, tmp_path):
    pyam = pytest.importorskip("pyam")
    path = tmp_path / "iamc.csv"
    frame.to_csv(path, index=False)
    df = pyam.IamDataFrame(str(path))
    assert set(df.variable) == set(frame["variable"])
    parents = [v for v in df.variable if children(frame, v)]
    assert parents, "the variable list has aggregates"
    for parent in parents:
        assert df.check_aggregate(parent, components=children(frame, parent)) is None, parent
