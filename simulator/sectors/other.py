"""The rest of the city: electricity the enabled sectors do not cover.

``electricity_demand.csv`` (year, demand_twh, source) gives whole-society
electricity use; years after the last given year grow at the parameter
``electricity_demand_growth`` (parameters.csv, per year). This sector's use is

    other[y] = city_demand[y] − Σ_sectors baseline_use[y, electricity]   (TWh)

so that the city total in a no-new-measure world equals the data. Its load
shape is ``load_city`` when no demand sector is enabled, else ``load_other``.
It has no measures and no cost.
"""

from __future__ import annotations

import pyomo.environ as pyo

from ..errors import DataError, Problem
from ..scenario import StrictModel
from .common import attach_contract, series_by_year


class Settings(StrictModel):
    """``sectors.other`` takes no settings; it is always built."""


def parameter(inputs, name: str) -> float:
    frame = inputs.table("parameters", ["parameter", "value", "unit"]).set_index("parameter")
    if name not in frame.index:
        raise DataError(
            problems=[Problem(inputs.where("parameters"), "parameter", f"parameter '{name}' not found", "a row with that parameter")]
        )
    return float(frame.at[name, "value"])


def city_demand(inputs, years: list[int]):
    """Whole-society electricity use by year, TWh."""
    return series_by_year(inputs, "electricity_demand", "demand_twh", years, growth=parameter(inputs, "electricity_demand_growth"))


def build(model, scenario, inputs, covered: dict | None = None):
    """Build ``model.other``. ``covered[y]``: TWh of baseline use the sectors cover."""
    years = list(model.Y)
    demand = city_demand(inputs, years)
    covered = covered or {}
    residual = {y: float(demand[y]) - float(covered.get(y, 0.0)) for y in years}
    negative = [y for y, v in residual.items() if v < 0]
    if negative:
        raise DataError(
            problems=[
                Problem(
                    inputs.where("electricity_demand"),
                    "demand_twh",
                    f"the sectors' baseline electricity ({covered[y]:.2f} TWh) exceeds the city total ({demand[y]:.2f} TWh) in {y}",
                    "city demand ≥ the sum of modelled sectors",
                )
                for y in negative
            ]
        )
    b = pyo.Block()
    model.other = b
    b.electricity = pyo.Param(model.Y, initialize=residual, doc="TWh")
    column = "load_other" if covered else "load_city"
    use = {(y, "electricity"): b.electricity[y] for y in years}
    attach_contract(b, model, inputs, use=use, baseline_use={k: residual[k[0]] for k in use}, loads=[(b.electricity, column)], cost={})
    b.indicators = {}
    return b
