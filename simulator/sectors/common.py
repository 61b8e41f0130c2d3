"""Helpers every sector module uses to give its block the contract components."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyomo.core as pyo
from pyomo.core.expr.numvalue import is_fixed

GWH_PER_TWH = 1000.0


#: the prices of the carriers, a table of their own (its sources back prices only; carriers.csv: conversion and CO2 factors)
CARRIER_PRICES = "carrier_prices"


def carriers(inputs) -> pd.DataFrame:
    """The carriers indexed by carrier: unit, mtce_per_unit, co2_mt_per_unit (carriers.csv), price_mcny_per_unit.

    The price is read from carrier_prices.csv, joined on the carrier (a carrier in
    one file but not the other is refused with its file and row); a data set
    without carrier_prices.csv gives the price in carriers.csv itself.
    """
    physical = ["carrier", "unit", "mtce_per_unit", "co2_mt_per_unit"]
    if CARRIER_PRICES not in inputs.tables:
        return inputs.table("carriers", [*physical, "price_mcny_per_unit"]).set_index("carrier")
    inputs.table("carriers", physical)
    inputs.table(CARRIER_PRICES, ["carrier", "price_mcny_per_unit"])
    return inputs.joined(CARRIER_PRICES).set_index("carrier")


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
      part is (mapping y → TWh expression, profile column); see :func:`_load`,
    * ``cost[y]`` (M CNY/yr),
    * ``emissions[y] = Σ_c use[y,c] · co2[c] + extra[y]`` (Mt CO2).
    """
    table = carriers(inputs)
    co2 = table["co2_mt_per_unit"].astype(float).to_dict()
    block.use = pyo.Expression(model.Y, model.C, rule=lambda b, y, c: use.get((y, c), 0.0), doc="final energy use, TWh or Mtce")
    block.baseline_use = pyo.Param(
        model.Y, model.C, initialize=lambda b, y, c: float(baseline_use.get((y, c), 0.0)), doc="use with no new measures"
    )
    _load(block, model, loads)
    block.cost = pyo.Expression(model.Y, rule=lambda b, y: cost.get(y, 0.0), doc="M CNY/yr")
    extra = extra_emissions or {}
    block.emissions = pyo.Expression(
        model.Y,
        rule=lambda b, y: sum(co2[c] * b.use[y, c] for c in model.C if co2.get(c, 0.0) != 0.0) + extra.get(y, 0.0),
        doc="direct CO2, Mt",
    )


def _load(block, model, loads: list[tuple[Mapping, str]]) -> None:
    """load[y,s] = Σ_shape load_energy[y,shape] · 1000 · shape[s] + fixed[y,s]   (GW).

    Parts with the same profile column are summed first. A part whose energy
    is a decision (it holds unfixed variables) gets a variable
    ``load_energy[y,shape]`` (TWh/yr) with
    ``load_energy_definition[y,shape]: load_energy[y,shape] = Σ_parts E_part[y]``,
    so that each hourly balance row holds one column per load shape instead
    of every measure variable behind it; fixed parts become numbers. The block
    keeps ``load_shapes`` (column → GW per TWh/yr by slice) and
    ``load_fixed_gw`` (year × slice array) for the result tables.
    """
    years = list(model.Y)
    n = model.time.n
    by_column: dict[str, list[Mapping]] = {}
    for part, column in loads:
        by_column.setdefault(column, []).append(part)
    columns = list(by_column)
    shapes = {c: model.time.shape(c) * GWH_PER_TWH for c in columns}  # GW per TWh/yr
    fixed_gw = np.zeros((len(years), n))
    decided: dict[tuple[int, str], object] = {}
    for c in columns:
        for j, y in enumerate(years):
            energy = sum(part[y] for part in by_column[c])
            if is_fixed(energy):
                fixed_gw[j] += float(pyo.value(energy)) * shapes[c]
            else:
                decided[(y, c)] = energy
    block.load_shapes = shapes
    block.load_fixed_gw = fixed_gw
    keys = list(decided)
    block.load_energy = pyo.Var(keys, doc="electricity of one load shape, TWh/yr")
    block.load_energy_definition = pyo.Constraint(keys, rule=lambda b, y, c: b.load_energy[y, c] == decided[(y, c)])
    terms = {y: [(c, [float(v) for v in shapes[c]]) for c in columns if (y, c) in decided] for y in years}
    fixed = {y: [float(v) for v in fixed_gw[j]] for j, y in enumerate(years)}
    block.load = pyo.Expression(
        model.Y,
        model.S,
        rule=lambda b, y, s: sum(shape[s] * b.load_energy[y, c] for c, shape in terms[y] if shape[s] != 0.0) + fixed[y][s],
        doc="electricity load, GW",
    )
