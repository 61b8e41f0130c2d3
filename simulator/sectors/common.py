"""Helpers every sector module uses to give its block the contract components."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyomo.environ as pyo

GWH_PER_TWH = 1000.0


def carriers(inputs) -> pd.DataFrame:
    """carriers.csv indexed by carrier: unit, mtce_per_unit, co2_mt_per_unit, price_mcny_per_unit."""
    frame = inputs.table("carriers", ["carrier", "unit", "mtce_per_unit", "co2_mt_per_unit", "price_mcny_per_unit"])
    return frame.set_index("carrier")


def series_by_year(inputs, table: str, column: str, years: list[int], growth: float | None = None, key: str = "year") -> pd.Series:
    """A yearly series from ``table``: given years as read; later years grow at ``growth``/yr.

    Earlier missing years are interpolated linearly between given years.
    """
    frame = inputs.table(table, [key, column])
    data = frame.set_index(key)[column].astype(float).sort_index()
    index = sorted(set(data.index.astype(int)) | set(years))
    full = data.reindex(index).interpolate(method="index", limit_area="inside")
    last_year = int(data.index.max())
    if growth is not None:
        for y in index:
            if y > last_year:
                full[y] = full[last_year] * (1.0 + growth) ** (y - last_year)
    return full.loc[years]


def attach_contract(
    block,
    model,
    inputs,
    use: Mapping,
    baseline_use: Mapping,
    loads: list[tuple[Mapping, str]],
    cost: Mapping,
    extra_emissions: Mapping | None = None,
) -> None:
    """Give ``block`` the contract components of DESIGN.md.

    * ``use[y,c]`` (TWh or Mtce) from ``use`` (a mapping (y, c) → expression;
      missing pairs are 0),
    * ``baseline_use[y,c]`` (Param) from ``baseline_use``,
    * ``load[y,s] = Σ_parts E_part[y] · 1000 · shape_part[s]`` (GW), where each
      part is (mapping y → TWh expression, profile column),
    * ``cost[y]`` (M CNY/yr),
    * ``emissions[y] = Σ_c use[y,c] · co2[c] + extra[y]`` (Mt CO2).
    """
    table = carriers(inputs)
    co2 = table["co2_mt_per_unit"].astype(float).to_dict()
    block.use = pyo.Expression(model.Y, model.C, rule=lambda b, y, c: use.get((y, c), 0.0), doc="final energy use, TWh or Mtce")
    block.baseline_use = pyo.Param(
        model.Y, model.C, initialize=lambda b, y, c: float(baseline_use.get((y, c), 0.0)), doc="use with no new measures"
    )
    shapes = [(part, model.time.shape(column) * GWH_PER_TWH) for part, column in loads]
    block.load = pyo.Expression(
        model.Y,
        model.S,
        rule=lambda b, y, s: sum(float(shape[s]) * part[y] for part, shape in shapes if shape[s] != 0.0),
        doc="electricity load, GW",
    )
    block.cost = pyo.Expression(model.Y, rule=lambda b, y: cost.get(y, 0.0), doc="M CNY/yr")
    extra = extra_emissions or {}
    block.emissions = pyo.Expression(
        model.Y,
        rule=lambda b, y: sum(co2[c] * b.use[y, c] for c in model.C if co2.get(c, 0.0) != 0.0) + extra.get(y, 0.0),
        doc="direct CO2, Mt",
    )


def as_float_array(values) -> np.ndarray:
    return np.asarray(values, dtype=float)
