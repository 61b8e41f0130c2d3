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


def test_documented_variables_present(frame):
    want = {
        "Capacity|Electricity|Solar",
        "Capacity|Electricity|Solar|Rooftop",
        "Capacity|Electricity|Solar|Utility",
        "Capacity|Electricity|Storage",
        "Storage Capacity|Electricity",
        "Secondary Energy|Electricity",
        "Final Energy",
        "Emissions|CO2",
        "Cost",
        "Price|Secondary Energy|Electricity",
    }
    assert want <= set(frame["variable"])
    for var in frame["variable"].unique():
        assert var.split("|")[0] in {
            "Capacity",
            "Storage Capacity",
            "Secondary Energy",
            "Electricity Import",
            "Curtailment",
            "Storage Charge",
            "Final Energy",
            "Primary Energy",
            "Emissions",
            "Cost",
            "Price",
        }, var


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
    # hand-made tables: PV 0.2 GW utility + 0.5 C&I + 0.1 public → Solar 0.8, Rooftop 0.6;
    # electricity 10 TWh × 0.1229 Mtce/TWh = 1.229 Mtce plus 2 Mtce coal in steel → Final Energy 3.229
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
                "year": [2026, 2026],
                "sector": ["steel", "steel"],
                "carrier": ["electricity", "coal"],
                "unit": ["TWh", "Mtce"],
                "value": [10.0, 2.0],
                "baseline": [10.0, 2.0],
            }
        ),
    }
    out, notes = iamc.iamc_table(tables, "t")
    v = out.set_index("variable")["value"]
    assert v["Capacity|Electricity|Solar"] == pytest.approx(0.8)
    assert v["Capacity|Electricity|Solar|Rooftop"] == pytest.approx(0.6)
    assert v["Final Energy|Industry|Steel|Electricity"] == pytest.approx(1.229)
    assert v["Final Energy|Industry"] == pytest.approx(3.229)
    assert v["Final Energy"] == pytest.approx(3.229)
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
