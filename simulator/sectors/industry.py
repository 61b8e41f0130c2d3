"""Industrial product lines: exogenous output, base intensity by carrier, measures.

Shared by the steel and petrochemicals sectors. A sector has one or more
product lines ``p`` (crude steel; crude oil refining; ethylene), each with

* output ``activity[y,p]`` in Mt/yr (exogenous, from ``<sector>_activity.csv``
  or the scenario's settings; held flat after the last given year),
* a base-year intensity by carrier ``base_intensity[p,c]`` in carrier units
  per Mt of product (``<sector>_intensity.csv`` gives kgce/t or kWh/t; both
  are 1e-3 Mtce/Mt or 1e-3 TWh/Mt),
* measures from ``measures_<sector>.csv`` (see :mod:`simulator.measures`),
  each applying to one product line.

Equations (all indexed by planning year y; units Mtce or TWh per year):

* ``product_saving[y,p,c] = Σ_{m of p} s[m,c] · (adopted[y,m] − existing[m])``
  — measures in place before the first planning year are already in the
  base intensity, so only adoption since then saves energy (the same rule
  as their cost). ``saving[y,c]`` that :func:`add_measures` also creates
  counts existing adoption too and is not used here;
* ``product_use[y,p,c] = activity[y,p] · base_intensity[p,c] − product_saving[y,p,c]``;
* ``use_nonnegative[y,p,c]``: product_use[y,p,c] ≥ 0 wherever a measure of p
  saves carrier c;
* ``energy_mtce[y,p] = Σ_c f_{p,c} · product_use[y,p,c]``, with f_{p,c} the Mtce
  per unit of carriers.csv and electricity at the factor of the product's own
  energy-consumption quota standard (``accounting.<product>_electricity_kgce_per_kwh``,
  kgce/kWh = Mtce/TWh: 0.1229 for crude steel, GB 21256; 0.3714 for refining
  and ethylene, GB 30251 / GB 30250, 0.26 kgoe/kWh), so that the indicator
  is the statistic the 56号 target is read against;
* ``intensity_kgce_per_t[y,p] = 1000 · energy_mtce[y,p] / activity[y,p]``
  (1 Mtce / 1 Mt = 1 tce/t = 1000 kgce/t) — linear, since output is data.

The sector's contract: ``use[y,c] = Σ_p product_use[y,p,c]``, ``baseline_use
= Σ_p activity · base_intensity``, the electricity use drawn with the
``load_industry`` profile, ``cost = measure_cost``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyomo.core as pyo

from simulator.errors import DataError, Problem
from simulator.model.measures import add_measures, check_catalogue
from simulator.sectors.common import attach_contract, carriers, series_by_year

PER_T_TO_PER_MT = 1e-3  # kgce/t → Mtce/Mt, kWh/t → TWh/Mt
KGCE_PER_T_PER_MTCE_PER_MT = 1000.0
INTENSITY_UNIT = {"Mtce": "kgce/t", "TWh": "kWh/t"}
LOAD_PROFILE = "load_industry"


def read_activity(inputs, table: str, column: str, years: list[int], override: Mapping[int, float]) -> pd.Series:
    """Output by year (Mt/yr) from ``table.column``; flat after the last given year; ``override`` wins."""
    series = series_by_year(inputs, table, column, years, growth=0.0).astype(float)
    for year, value in override.items():
        if year in series.index:
            series[year] = float(value)
    bad = [y for y in years if not (np.isfinite(series[y]) and series[y] > 0)]
    if bad:
        raise DataError(
            problems=[
                Problem(
                    inputs.where(table),
                    column,
                    f"no positive output for year {y} (got {series[y]!r}); years before the first row are not extrapolated",
                    "a row per year from the base year on, output > 0 Mt",
                )
                for y in bad
            ]
        )
    return series


def read_intensity(inputs, table: str, products: list[str]) -> pd.DataFrame:
    """Base-year intensity, product × carrier, in carrier units per Mt (Mtce/Mt or TWh/Mt) (made again when its tables change)."""
    return inputs.derived(_read_intensity, table, products)


def _read_intensity(inputs, table: str, products: list[str]) -> pd.DataFrame:
    frame = inputs.table(table, ["id", "product", "carrier", "value", "unit"])
    table_c = carriers(inputs)
    inputs.check(table, frame["product"].isin(products), "product", "unknown product line", "one of: " + ", ".join(products))
    inputs.check(table, frame["carrier"].isin(table_c.index), "carrier", "unknown carrier", "a carrier of carriers.csv")
    expected = frame["carrier"].map(table_c["unit"]).map(INTENSITY_UNIT)
    inputs.check(table, frame["unit"] == expected, "unit", "unit does not match the carrier", "kgce/t for Mtce carriers, kWh/t for TWh")
    inputs.check_nonnegative(table, ["value"])
    values = frame["value"].astype(float)
    inputs.check(table, ~frame.duplicated(["product", "carrier"]), "carrier", "product and carrier given twice", "one row each")
    wide = frame.assign(value=values * PER_T_TO_PER_MT).pivot(index="product", columns="carrier", values="value")
    return wide.reindex(index=products, columns=list(table_c.index)).fillna(0.0)


def read_catalogue(inputs, table: str, products: list[str]) -> pd.DataFrame:
    """The measure catalogue, checked, each measure tied to a known product line (made again when its tables change)."""
    return inputs.derived(_read_catalogue, table, products)


def _read_catalogue(inputs, table: str, products: list[str]) -> pd.DataFrame:
    catalogue = check_catalogue(inputs, table, list(carriers(inputs).index))
    inputs.check(table, catalogue["product"].isin(products), "product", "unknown product line", "one of: " + ", ".join(products))
    return catalogue


def conversion_mtce(inputs, scenario) -> dict[str, float]:
    """Mtce per carrier unit; electricity at the scenario's calorific factor (kgce/kWh = Mtce/TWh)."""
    factor = carriers(inputs)["mtce_per_unit"].astype(float).to_dict()
    factor["electricity"] = float(scenario.spec.accounting.electricity_calorific_kgce_per_kwh)
    return factor


def carrier_prices(inputs, model) -> dict[str, float]:
    """M CNY per carrier unit for the measure catalogue's net cost.

    Fuels at carriers.csv prices; electricity (paid in the power sector in the
    LP) at the grid import tariff averaged over the industrial load profile:
    base × (load-weighted time-of-use multiplier) + flat part (the part the
    time-of-use ratios leave alone, ``flat_price_cny_per_kwh``, 0 if absent);
    CNY/kWh × 1000 = M CNY/TWh.
    """
    price = carriers(inputs)["price_mcny_per_unit"].astype(float).to_dict()
    tariff = inputs.derived(grid_tariff)
    if tariff is None:
        price["electricity"] = float("nan")
        return price
    base, time_of_use, flat = tariff
    tou = 1.0
    profiles = model.time.profiles
    if time_of_use and "tou_multiplier" in profiles and LOAD_PROFILE in profiles:
        shape = model.time.shape(LOAD_PROFILE)
        tou = float(np.dot(model.time.weight * shape, model.time.factor("tou_multiplier")))
    price["electricity"] = (base * tou + flat) * 1000.0
    return price


def grid_tariff(inputs) -> tuple[float, bool, float] | None:
    """The grid channel's tariff in ``imports.csv`` (the first row with ``green`` 0, else the first row):
    (base price CNY/kWh, time-of-use applies, flat part CNY/kWh, 0 when absent); None without import rows.

    Read through :meth:`Inputs.derived`, so a block made from it stands while other rows (the green channel) change.
    """
    imports = inputs.tables.get("imports")
    if imports is None or "green" not in imports or imports.empty:
        return None
    grid = imports[imports["green"].astype(int) == 0]
    row = (grid if not grid.empty else imports).iloc[0]
    flat = pd.to_numeric(pd.Series([row.get("flat_price_cny_per_kwh", 0.0)]), errors="coerce").fillna(0.0).iloc[0]
    return float(row["price_cny_per_kwh"]), bool(int(row.get("time_of_use", 0))), float(flat)


def product_conversion_mtce(inputs, scenario, products: list[str]) -> dict[str, dict[str, float]]:
    """Mtce per carrier unit by product line: electricity at ``accounting.<product>_electricity_kgce_per_kwh``.

    A product line without such a setting counts electricity at the calorific factor.
    """
    base = conversion_mtce(inputs, scenario)
    acct = scenario.spec.accounting
    out = {}
    for p in products:
        line = PRODUCT_ACCOUNTING.get(p)
        out[p] = {**base, "electricity": float(getattr(acct, line)) if line else base["electricity"]}
    return out


#: the accounting setting of the electricity factor of each product line's statistic
PRODUCT_ACCOUNTING = {
    "crude_steel": "steel_electricity_kgce_per_kwh",
    "refining": "refining_electricity_kgce_per_kwh",
    "ethylene": "ethylene_electricity_kgce_per_kwh",
}


def build_lines(block, model, scenario, inputs, activity: dict[str, pd.Series], intensity: pd.DataFrame, catalogue: pd.DataFrame):
    """Give ``block`` the product lines, measures and contract (see the module docstring)."""
    years = list(model.Y)
    products = list(activity)
    carrier_list = list(model.C)
    block.P = pyo.Set(initialize=products, ordered=True, doc="product lines")
    block.activity_mt = pyo.Param(
        model.Y, block.P, initialize=lambda b, y, p: float(activity[p][y]), doc="output, Mt/yr (crude steel, crude processed, ethylene)"
    )
    values = {c: dict(zip(intensity.index, intensity[c].to_numpy(), strict=True)) for c in carrier_list}  # intensity.at[p, c]
    base = {(p, c): float(values[c][p]) for p in products for c in carrier_list if values[c][p] != 0.0}
    block.base_intensity = pyo.Param(
        block.P, model.C, initialize=lambda b, p, c: base.get((p, c), 0.0), doc="base-year use per Mt of product, Mtce/Mt or TWh/Mt"
    )
    add_measures(block, model, catalogue, carrier_list, scenario.spec.economics.discount_rate)
    _product_saving(block, model, catalogue, carrier_list)
    _product_use(block, model, base)
    _use_nonnegative(block, model, catalogue, carrier_list)
    factor = conversion_mtce(inputs, scenario)
    by_product = product_conversion_mtce(inputs, scenario, products)
    _intensity(block, model, by_product)

    used = sorted({c for (_, c) in base} | {c for (_, c) in block.saving_pairs}, key=carrier_list.index)
    use = {(y, c): sum(block.product_use[y, p, c] for p in products) for y in years for c in used}
    baseline = {(y, c): sum(float(activity[p][y]) * base.get((p, c), 0.0) for p in products) for y in years for c in used}
    block.electricity_twh = pyo.Expression(model.Y, rule=lambda b, y: use.get((y, "electricity"), 0.0), doc="electricity use, TWh")
    attach_contract(
        block,
        model,
        inputs,
        use=use,
        baseline_use=baseline,
        loads=[(block.electricity_twh, LOAD_PROFILE)],
        cost={y: block.measure_cost[y] for y in years},
    )
    block.mtce_per_unit = factor  # final energy: electricity at the calorific factor
    block.product_mtce_per_unit = by_product  # the product statistics' own factors
    block.price_mcny_per_unit = carrier_prices(inputs, model)
    block.base_intensity_kgce_per_t = {
        p: KGCE_PER_T_PER_MTCE_PER_MT * sum(by_product[p][c] * base.get((p, c), 0.0) for c in carrier_list) for p in products
    }
    return block


def _product_saving(block, model, catalogue: pd.DataFrame, carrier_list: list[str]) -> None:
    """product_saving[y,p,c] = Σ_{m of p} s[m,c] · (adopted[y,m] − existing[m])   (Mtce or TWh per yr)."""
    s = catalogue[[f"saving_{c}" for c in carrier_list]].to_numpy(dtype=float)
    rows = np.argwhere(s != 0.0)
    measure, product, existing = (
        dict(zip(catalogue.index, catalogue[col].to_numpy(), strict=True)) for col in ("measure", "product", "existing")
    )
    terms: dict[tuple[str, str], list[tuple[str, float, float]]] = {}
    for i, j in rows:
        meas = measure[i]
        key = (product[i], carrier_list[j])
        terms.setdefault(key, []).append((meas, float(s[i, j]), float(existing[i])))
    block.saving_pairs = terms

    def _rule(b, y, p, c):
        return sum(v * (b.adopted[y, m] - ex) for m, v, ex in terms.get((p, c), []))

    block.product_saving = pyo.Expression(model.Y, block.P, model.C, rule=_rule, doc="saving since the base year, Mtce or TWh per yr")


def _product_use(block, model, base: dict) -> None:
    """product_use[y,p,c] = activity[y,p] · base_intensity[p,c] − product_saving[y,p,c]   (Mtce or TWh per yr)."""
    block.product_use = pyo.Expression(
        model.Y,
        block.P,
        model.C,
        rule=lambda b, y, p, c: b.activity_mt[y, p] * base.get((p, c), 0.0) - b.product_saving[y, p, c],
        doc="energy use of a product line after measures, Mtce or TWh per yr",
    )


def _use_nonnegative(block, model, catalogue: pd.DataFrame, carrier_list: list[str]) -> None:
    """use_nonnegative[y,p,c]: product_use[y,p,c] ≥ 0 where some measure of p saves c   (Mtce or TWh per yr)."""
    pairs = sorted(
        {(p, c) for (p, c), terms in block.saving_pairs.items() if any(v > 0 for _, v, _ in terms)},
        key=lambda pc: (list(block.P).index(pc[0]), carrier_list.index(pc[1])),
    )
    block.PC_saved = pyo.Set(initialize=pairs, dimen=2, ordered=True, doc="(product, carrier) pairs that measures can save")
    block.use_nonnegative = pyo.Constraint(model.Y, block.PC_saved, rule=lambda b, y, p, c: b.product_use[y, p, c] >= 0.0)


def _intensity(block, model, factor: dict[str, dict[str, float]]) -> None:
    """energy_mtce[y,p] = Σ_c f_{p,c}·product_use[y,p,c] (Mtce); intensity_kgce_per_t[y,p] = 1000·energy/activity (kgce/t).

    f_{p,c}: Mtce per carrier unit with electricity at product p's statistical factor.
    """
    block.energy_mtce = pyo.Expression(
        model.Y,
        block.P,
        rule=lambda b, y, p: sum(factor[p][c] * b.product_use[y, p, c] for c in model.C if factor[p].get(c, 0.0) != 0.0),
        doc="comprehensive energy use of a product line, Mtce (electricity at the product statistic's factor)",
    )
    block.intensity_kgce_per_t = pyo.Expression(
        model.Y,
        block.P,
        rule=lambda b, y, p: (KGCE_PER_T_PER_MTCE_PER_MT / b.activity_mt[y, p]) * b.energy_mtce[y, p],
        doc="comprehensive energy per tonne of product, kgce/t",
    )


def by_year(expr, product: str, years) -> dict:
    """{year: expr[year, product]}: an indicator numerator for one product line."""
    return {y: expr[y, product] for y in years}
