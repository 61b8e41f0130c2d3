"""The rest of the city: electricity the enabled sectors do not cover.

``electricity_demand.csv`` (year, demand_twh, source) gives whole-society
electricity use; years after the last given year grow at the rates of
``electricity_demand_growth.csv`` (until_year, growth_per_yr, source). This sector's use is

    other[y] = city_demand[y] − Σ_sectors baseline_use[y, electricity]   (TWh)

so that the city total in a no-new-measure world equals the data. Its load
shape is ``load_city`` when no demand sector is enabled, else ``load_other``.
It has no measures and no cost.
"""

from __future__ import annotations

import pandas as pd
import pyomo.core as pyo

from simulator.errors import DataError, Problem
from simulator.intake.sector_settings import OtherSettings as Settings  # noqa: F401 (the sector's schema, part of its contract)
from simulator.sectors.common import attach_contract, series_by_year


def demand_growth(inputs) -> pd.Series:
    """Growth of city electricity after the data, per year, by the last year it applies to.

    ``electricity_demand_growth.csv``: until_year, growth_per_yr, source; a year
    takes the rate of the first row whose until_year is at or after it (the
    last row's rate beyond).
    """
    table = inputs.table("electricity_demand_growth", ["until_year", "growth_per_yr"])
    inputs.check(
        "electricity_demand_growth",
        table["growth_per_yr"].between(-0.2, 0.3),
        "growth_per_yr",
        "outside -20 %..30 % a year",
        "a yearly rate such as 0.04",
    )
    return table.set_index("until_year")["growth_per_yr"].astype(float).sort_index()


def city_demand(inputs, years: list[int]):
    """Whole-society electricity use by year, TWh: data, then growing at the stated rates."""
    data = inputs.table("electricity_demand", ["year", "demand_twh"]).set_index("year")["demand_twh"].astype(float).sort_index()
    rates = demand_growth(inputs)
    last = int(data.index.max())
    out = (
        series_by_year(inputs, "electricity_demand", "demand_twh", [y for y in years if y <= last])
        if any(y <= last for y in years)
        else pd.Series(dtype=float)
    )
    value = float(data.iloc[-1])
    for y in range(last + 1, max(years) + 1):
        later = rates[rates.index >= y]
        value *= 1.0 + float(later.iloc[0] if len(later) else rates.iloc[-1])
        if y in years:
            out[y] = value
    return out.loc[years]


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
