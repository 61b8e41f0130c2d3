"""Helpers every sector module uses to give its block the contract components."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyomo.core as pyo
from pyomo.core.expr.numvalue import is_fixed

from simulator.model.matrix import LinearTerms, LinearView

GWH_PER_TWH = 1000.0


#: the prices of the carriers, a table of their own (its sources back prices only; carriers.csv: conversion and CO2 factors)
CARRIER_PRICES = "carrier_prices"


def carriers(inputs) -> pd.DataFrame:
    """The carriers indexed by carrier: unit, mtce_per_unit, co2_mt_per_unit (carriers.csv), price_mcny_per_unit.

    The price is read from carrier_prices.csv, joined on the carrier (a carrier in
    one file but not the other is refused with its file and row); a data set
    without carrier_prices.csv gives the price in carriers.csv itself. Made once
    in a build (read by every sector block): :meth:`Inputs.once_per_build`.
    """
    return inputs.once_per_build(_carriers, "carriers", CARRIER_PRICES)


def _carriers(inputs) -> pd.DataFrame:
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
      part is (mapping y → TWh expression, profile column); see :func:`_load`
      (a :class:`~simulator.model.matrix.LinearView`: rows the balance reads as a matrix block),
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
    of every measure variable behind it; fixed parts become numbers. ``load``
    is a :class:`~simulator.model.matrix.LinearView` over (year, slice): its
    ``terms`` go into the balance's matrix block, ``load[y, s]`` is the row's
    expression and ``load.values_array()`` every row's value. The block
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
    # load[y,s] as rows over (year, slice): shape_c[s] · load_energy[y,c] (shape ≠ 0) + fixed[y,s]
    row = {y: j for j, y in enumerate(years)}
    parts = [LinearTerms.empty(len(years) * n)]
    for (y, c), energy in zip(keys, block.load_energy.values(), strict=True):
        shape = np.asarray(shapes[c], dtype=float)
        nonzero = np.flatnonzero(shape != 0.0)
        variables = np.empty(len(nonzero), dtype=object)
        variables[:] = [energy] * len(nonzero)
        parts.append(LinearTerms.of(row[y] * n + nonzero, variables, shape[nonzero], len(years) * n))
    terms = parts[0]
    for part in parts[1:]:
        terms = terms + part
    terms.constant = fixed_gw.reshape(-1).astype(float)
    block.load = LinearView([(y, s) for y in years for s in range(n)], terms, doc="electricity load, GW")
