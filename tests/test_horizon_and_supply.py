"""Long horizons work; demand growth follows its periods; a supply gap is explained by year."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS, WUHAN, small_wuhan, write_scenario
from typer.testing import CliRunner

from cli import app
from simulator.intake.inputs import load_inputs
from simulator.runs import pipeline
from simulator.sectors.other import city_demand

runner = CliRunner()


def test_demand_grows_by_period_after_the_data():
    demand = city_demand(load_inputs(WUHAN), [2025, 2030, 2031, 2041, 2060])
    # 2025 is data (85.712 TWh); then 4 %/yr to 2030, 3 % to 2040, 2 % to 2050, 1 % to 2060
    assert demand[2025] == pytest.approx(85.712)
    assert demand[2030] == pytest.approx(85.712 * 1.04**5)
    assert demand[2031] == pytest.approx(85.712 * 1.04**5 * 1.03)
    assert demand[2041] == pytest.approx(85.712 * 1.04**5 * 1.03**10 * 1.02)
    assert demand[2060] == pytest.approx(85.712 * 1.04**5 * 1.03**10 * 1.02**10 * 1.01**10)


def test_horizon_to_2060_solves_with_grid_reinforcement(scenario_dir):
    path = write_scenario(scenario_dir, "long.yaml", small_wuhan(years={"base": 2023, "start": 2024, "end": 2060}))
    prepared = pipeline.prepare(path)
    outcome = pipeline.run(prepared)
    assert outcome.result.status == "optimal"
    cap = outcome.tables["capacity"]
    grid = cap[(cap.technology == "import_grid") & (cap.variable == "capacity")].set_index("year")["value"]
    assert grid[2024] >= 16.0 - 1e-9 and grid[2060] > 16.0  # the grid is reinforced as demand grows
    assert (grid.diff().dropna() >= -1e-9).all()  # and never shrinks


def test_supply_gap_is_explained_by_year(tmp_path):
    result = runner.invoke(app, ["run", str(SCENARIOS / "examples" / "impossible-supply.yaml"), "--days", "4", "--out", str(tmp_path)])
    assert result.exit_code == 3, result.output
    assert "electricity supply cannot cover demand" in result.output
    assert "2026: up to" in result.output and "GW of load unserved" in result.output
    assert not (tmp_path / "impossible-supply").exists()
