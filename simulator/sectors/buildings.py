"""Buildings: urban floor area, energy per m², building measures, PV on new roofs.

Units: floor area million m² (Mm²), electricity TWh, other carriers Mtce,
PV GW, money M CNY. 1 kWh/m² over 1 Mm² is 1 GWh = 1e-3 TWh; 1 kgce/m² over
1 Mm² is 1e-3 Mtce; 1 W/m² over 1 Mm² is 1 MW = 1e-3 GW.

Tables read (``inputs/<dataset>/``):

* ``buildings_stock.csv``: category, floor_area_mm2 (base year),
  new_floor_area_mm2_per_yr, electricity_kwh_per_m2, gas_kgce_per_m2,
  heat_kgce_per_m2 (observed base-year use per m², existing measures
  included), load_profile (empty = no building energy modelled, e.g.
  factories), roof_area_per_floor_area, installable_roof_share,
  pv_w_per_m2 (installable PV density; 0 = no PV duty on new roofs),
  pv_class (the power sector's PV class that roof belongs to), source.
* ``buildings_parameters.csv``: new_roof_pv_extra_capex_cny_per_w,
  new_roof_pv_lifetime_yr.
* ``measures_buildings.csv``: the measure catalogue of
  :mod:`simulator.measures` (unit million m² of floor area served) plus
  ``applies_to`` (``stock``: existing buildings; ``new``: a share of each
  year's new construction), ``renewable_kind`` (none | solar_thermal |
  heat_pump | geothermal), ``renewable_heat_mtce_per_unit`` (renewable
  heat delivered, Mtce/yr per Mm²) and ``indicator`` (for ``new`` measures:
  the share indicator they count in).

Energy (by year y, category k, carrier c):

    floor[y,k] = floor_base[k] + new_floor[k]·(y − base year)              (Mm²)
    baseline[y,k,c] = floor[y,k] · intensity[k,c] · 1e-3                    (TWh | Mtce)
    use_k[y,k,c] = baseline[y,k,c] − Σ_{m∈k} saving[m,c]·(adopted[y,m] − existing[m])
    use[y,c] = Σ_k use_k[y,k,c]

The accounting rule of ``buildings.renewable_share`` (stated also in
docs/buildings-transport.md and in the scenario's ``sectors.buildings``):

    numerator   = Σ_{kinds counted} renewable heat (Mtce)
                  + [rooftop_pv counted] f_e · PV electricity of building roofs (TWh)
    denominator = Σ_c use[y,c] (electricity at f_e, Mtce)
                  + Σ_{kinds counted} renewable heat (Mtce)

with f_e (kgce/kWh = Mtce/TWh) set by ``accounting.building_electricity_basis``:
``coal_equivalent`` (default, 0.30: the convention of the building-energy
statistic, GB 55015-2021 / GB/T 51161-2016, see docs/buildings-transport.md)
or ``calorific`` (0.1229, GB/T 2589-2020).

PV of building roofs is the power sector's PV capacity (existing + new) in
the building classes (the ``pv_class`` of categories with building energy:
public_rooftop, residential_rooftop), at the classes' full-load hours; heat
pumps count their ambient heat (heat delivered − electricity used);
industrial waste heat is not renewable and never counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.core as pyo

from simulator.errors import DataError, Problem
from simulator.intake.sector_settings import BuildingsSettings as Settings
from simulator.model.measures import add_measures, check_catalogue, crf, technology_table
from simulator.model.targets import Indicator
from simulator.sectors.common import attach_contract, carriers

MILLI = 1e-3  # kWh/m²·Mm² → TWh; kgce/m²·Mm² → Mtce; W/m²·Mm² → GW; GWh → TWh
MCNY_PER_GW_PER_CNY_PER_W = 1000.0
INTENSITY = {"electricity": "electricity_kwh_per_m2", "gas": "gas_kgce_per_m2", "heat": "heat_kgce_per_m2"}
HEAT_KINDS = ("solar_thermal", "heat_pump", "geothermal")
RENEWABLE_KINDS = ("none", *HEAT_KINDS)


# --------------------------------------------------------------------------- data


def _tables(inputs, carrier_names: list[str], pv_classes: list[str]):
    """Read and check buildings_stock, buildings_parameters and measures_buildings."""
    stock = inputs.table(
        "buildings_stock",
        [
            "category",
            "floor_area_mm2",
            "new_floor_area_mm2_per_yr",
            *INTENSITY.values(),
            "load_profile",
            "roof_area_per_floor_area",
            "installable_roof_share",
            "pv_w_per_m2",
            "pv_class",
        ],
    )
    numeric = ["floor_area_mm2", "new_floor_area_mm2_per_yr", *INTENSITY.values(), "roof_area_per_floor_area", "pv_w_per_m2"]
    inputs.check_nonnegative("buildings_stock", numeric)
    inputs.check(
        "buildings_stock",
        stock["installable_roof_share"].between(0, 1),
        "installable_roof_share",
        "must be in [0, 1]",
        "a share of the roof",
    )
    pv_class = stock["pv_class"].fillna("").astype(str)
    inputs.check(
        "buildings_stock",
        (pv_class == "") | pv_class.isin(pv_classes),
        "pv_class",
        "not a PV class of pv_classes.csv",
        "one of: " + ", ".join(pv_classes),
    )
    inputs.check(
        "buildings_stock",
        (stock["pv_w_per_m2"] == 0) | (pv_class != ""),
        "pv_class",
        "a roof with pv_w_per_m2 > 0 needs a PV class",
        "one of: " + ", ".join(pv_classes),
    )
    stock = stock.assign(pv_class=pv_class, load_profile=stock["load_profile"].fillna("").astype(str)).set_index("category")

    params = inputs.table("buildings_parameters", ["parameter", "value"]).set_index("parameter")["value"].astype(float)
    needed = ["new_roof_pv_extra_capex_cny_per_w", "new_roof_pv_lifetime_yr"]
    missing = [n for n in needed if n not in params.index]
    if missing:
        raise DataError(
            problems=[
                Problem(inputs.where("buildings_parameters"), "parameter", f"parameter '{n}' not found", "a row with that parameter")
                for n in missing
            ]
        )

    cat = check_catalogue(inputs, "measures_buildings", carrier_names)
    technology = technology_table("measures_buildings")
    technology = technology if technology in inputs.tables else "measures_buildings"  # one file: both parts in measures_buildings
    for col in ["applies_to", "renewable_kind", "indicator"]:
        if col not in cat:
            inputs.table("measures_buildings", [col])  # raises: missing column
    if "renewable_heat_mtce_per_unit" not in cat:
        inputs.table(technology, ["renewable_heat_mtce_per_unit"])  # raises: missing column
    energy_cats = [k for k in stock.index if stock.at[k, "load_profile"]]
    inputs.check(
        "measures_buildings", cat["product"].isin(energy_cats), "product", "not a building category with energy use", ", ".join(energy_cats)
    )
    inputs.check("measures_buildings", cat["applies_to"].isin(["stock", "new"]), "applies_to", "unknown", "stock or new")
    cat["renewable_kind"] = cat["renewable_kind"].fillna("none").astype(str)
    inputs.check("measures_buildings", cat["renewable_kind"].isin(RENEWABLE_KINDS), "renewable_kind", "unknown", ", ".join(RENEWABLE_KINDS))
    cat["renewable_heat_mtce_per_unit"] = cat["renewable_heat_mtce_per_unit"].fillna(0.0).astype(float)
    inputs.check(
        technology,
        inputs.tables[technology]["renewable_heat_mtce_per_unit"].fillna(0.0).astype(float) >= 0,
        "renewable_heat_mtce_per_unit",
        "must be ≥ 0",
        "Mtce/yr per unit ≥ 0",
    )
    cat["indicator"] = cat["indicator"].fillna("").astype(str)
    inputs.check(
        "measures_buildings",
        (cat["indicator"] == "") | (cat["applies_to"] == "new"),
        "indicator",
        "only measures on new construction have a share indicator",
        "empty for applies_to = stock",
    )
    return stock, params, cat


def _pv_classes(inputs) -> pd.DataFrame:
    """The PV classes as buildings read them: existing_gw (GW) and profile, indexed by pv_class.

    Read through :meth:`Inputs.derived`: a kept buildings block stands while other columns (capex) change.
    """
    return inputs.table("pv_classes", ["pv_class", "existing_gw", "profile"]).set_index("pv_class")[["existing_gw", "profile"]]


def _full_load_hours(model, pv: pd.DataFrame) -> dict[str, float]:
    """Full-load hours of each PV class on the model's slices (h/yr)."""
    weight = np.asarray(model.time.weight, dtype=float)
    return {k: float(np.dot(weight, model.time.factor(pv.at[k, "profile"]))) for k in pv.index}


# --------------------------------------------------------------------------- build


def build(model, scenario, inputs):
    """Build ``model.buildings``: floor area, measures, roof PV, use, loads, indicators."""
    settings = scenario.sector_settings.get("buildings", Settings())
    table = carriers(inputs)
    carrier_names = list(table.index)
    pv_table = inputs.derived(_pv_classes)
    stock, params, cat = inputs.derived(_tables, carrier_names, list(pv_table.index))  # made again when its tables change
    years = list(model.Y)
    base = scenario.spec.years.base

    b = pyo.Block()
    model.buildings = b
    energy_cats = [k for k in stock.index if stock.at[k, "load_profile"]]
    roof_cats = [k for k in stock.index if stock.at[k, "pv_w_per_m2"] > 0 and stock.at[k, "new_floor_area_mm2_per_yr"] > 0]
    building_classes = sorted({stock.at[k, "pv_class"] for k in energy_cats if stock.at[k, "pv_class"]})
    b.KB = pyo.Set(initialize=energy_cats, ordered=True, doc="building categories with energy use")
    b.KR = pyo.Set(initialize=roof_cats, ordered=True, doc="categories whose new roofs carry a PV duty")

    floor = {
        (y, k): float(stock.at[k, "floor_area_mm2"] + stock.at[k, "new_floor_area_mm2_per_yr"] * (y - base))
        for y in years
        for k in stock.index
    }
    new_floor = {(y, k): float(stock.at[k, "new_floor_area_mm2_per_yr"]) for y in years for k in stock.index}
    b.floor_area = pyo.Param(model.Y, list(stock.index), initialize=floor, doc="floor area, Mm²")
    b.new_floor_area = pyo.Param(model.Y, list(stock.index), initialize=new_floor, doc="new construction, Mm²/yr")

    cat = _limit_new_construction(cat, stock, len(years))
    add_measures(b, model, cat, carrier_names, scenario.spec.economics.discount_rate)
    _new_construction(b, model, cat)
    _use(b, model, stock, cat, carrier_names)
    _roof_pv(b, model, stock, settings, building_classes)

    extra = params["new_roof_pv_extra_capex_cny_per_w"] * MCNY_PER_GW_PER_CNY_PER_W
    annuity = crf(scenario.spec.economics.discount_rate, float(params["new_roof_pv_lifetime_yr"])) * extra
    b.roof_pv_cost = pyo.Expression(
        model.Y,
        rule=lambda bb, y: annuity * sum(bb.new_roof_pv[yy, k] for yy in years if yy <= y for k in bb.KR),
        doc="annualised extra cost of PV integrated in new roofs, M CNY/yr",
    )
    use = {(y, c): sum(b.use_by_category[y, k, c] for k in energy_cats) for y in years for c in carrier_names}
    baseline = {(y, c): sum(pyo.value(b.baseline_use_by_category[y, k, c]) for k in energy_cats) for y in years for c in carrier_names}
    loads = [(_Elec(b, k), stock.at[k, "load_profile"]) for k in energy_cats]
    cost = {y: b.measure_cost[y] + b.roof_pv_cost[y] for y in years}
    attach_contract(b, model, inputs, use=use, baseline_use=baseline, loads=loads, cost=cost)
    _indicators(b, model, scenario, inputs, stock, cat, settings, pv_table, building_classes, table)
    return b


class _AfterPower:
    """A yearly expression that reads ``model.power``, made on first use, on the model's current power block.

    The power sector is built after the demand sectors; targets and result
    tables read indicators only once the whole model stands. A sweep's kept
    model (:class:`simulator.model.core.KeptModel`) may put this block back
    beside a power block built again: the expressions are then made again
    on the new block's columns.
    """

    def __init__(self, model, rule):
        self._model, self._rule, self._made, self._power = model, rule, {}, None

    def __getitem__(self, y):
        power = self._model.power
        if power is not self._power:
            self._made, self._power = {}, power
        if y not in self._made:
            self._made[y] = self._rule(y)
        return self._made[y]


class _Elec:
    """Electricity use of one category by year (TWh), for ``attach_contract`` loads."""

    def __init__(self, block, category):
        self.block, self.category = block, category

    def __getitem__(self, y):
        return self.block.use_by_category[y, self.category, "electricity"]


def _limit_new_construction(cat: pd.DataFrame, stock: pd.DataFrame, n_years: int) -> pd.DataFrame:
    """Measures on new construction cover at most the floor area built each year.

    For ``applies_to = new``: max_rate_per_yr = new floor area of the product
    (Mm²/yr) and potential = existing + n_years · that rate, so the generic
    ``adoption_within_rate`` of :mod:`simulator.measures` holds
    adopted[y,m] − adopted[y−1,m] ≤ new_floor[product_m] (Mm²).
    A smaller potential or rate given in the catalogue is kept.
    """
    cat = cat.copy()
    new = cat["applies_to"] == "new"
    floor = cat.loc[new, "product"].map(stock["new_floor_area_mm2_per_yr"]).astype(float)
    cat.loc[new, "max_rate_per_yr"] = np.minimum(cat.loc[new, "max_rate_per_yr"].astype(float), floor)
    cat.loc[new, "potential"] = np.minimum(cat.loc[new, "potential"].astype(float), cat.loc[new, "existing"] + n_years * floor)
    return cat


def _new_construction(b, model, cat) -> None:
    """new_adopted[y,m] = adopted[y,m] − adopted[y−1,m]: Mm² of that year's new floor built to measure m."""
    years = list(model.Y)
    new = cat[cat["applies_to"] == "new"].set_index("measure")
    existing = cat.set_index("measure")["existing"].astype(float).to_dict()

    def _prev(bb, y, m):
        return existing[m] if y == years[0] else bb.adopted[years[years.index(y) - 1], m]

    b.MN = pyo.Set(initialize=list(new.index), ordered=True, doc="measures on new construction")
    b.new_adopted = pyo.Expression(
        model.Y, b.MN, rule=lambda bb, y, m: bb.adopted[y, m] - _prev(bb, y, m), doc="Mm² of that year's new floor"
    )


def _use(b, model, stock, cat, carrier_names) -> None:
    """Energy use by category (TWh | Mtce).

    baseline_use_by_category[y,k,c] = floor[y,k] · intensity[k,c] · 1e-3;
    use_by_category[y,k,c] = baseline − Σ_{m∈k} saving[m,c]·(adopted[y,m] − existing[m]);
    use_not_negative[y,k,c]: use_by_category ≥ 0 where some measure of k saves c.
    """
    intensity = {(k, c): float(stock.at[k, col]) for k in b.KB for c, col in INTENSITY.items()}
    b.baseline_use_by_category = pyo.Param(
        model.Y,
        b.KB,
        model.C,
        initialize=lambda bb, y, k, c: bb.floor_area[y, k] * intensity.get((k, c), 0.0) * MILLI,
        doc="use with no new measures, TWh | Mtce",
    )
    rows = cat.set_index("measure")
    measures, product = list(rows.index), rows["product"].to_numpy()
    saving = {c: rows[f"saving_{c}"].to_numpy() for c in carrier_names}  # the catalogue's own values, read as arrays
    coef = {
        (k, c): [(m, float(saving[c][i])) for i, m in enumerate(measures) if product[i] == k and saving[c][i] != 0]
        for k in b.KB
        for c in carrier_names
    }
    existing = rows["existing"].astype(float).to_dict()
    b.use_by_category = pyo.Expression(
        model.Y,
        b.KB,
        model.C,
        rule=lambda bb, y, k, c: bb.baseline_use_by_category[y, k, c] - sum(s * (bb.adopted[y, m] - existing[m]) for m, s in coef[(k, c)]),
        doc="final energy use after measures, TWh | Mtce",
    )
    saved = [(k, c) for (k, c), lst in coef.items() if any(s > 0 for _, s in lst)]
    b.use_not_negative = pyo.Constraint(model.Y, saved, rule=lambda bb, y, k, c: bb.use_by_category[y, k, c] >= 0)


def _roof_pv(b, model, stock, settings, building_classes) -> None:
    """PV on building roofs (GW).

    new_roof_pv[y,k] ∈ [0, cap[y,k]], cap = new_floor[y,k] · roof/floor · installable share · W/m² · 1e-3;
    roof_pv[y,q] = Σ_{k: class k = q} new_roof_pv[y,k]  (read by the core's roof_pv_built, which makes
    the power sector build at least that much in class q);
    new_roof_pv_coverage_floor[y,k]: new_roof_pv ≥ coverage_min · cap (only when the setting is > 0).
    """
    cap = {
        (y, k): float(
            b.new_floor_area[y, k]
            * stock.at[k, "roof_area_per_floor_area"]
            * stock.at[k, "installable_roof_share"]
            * stock.at[k, "pv_w_per_m2"]
            * MILLI
        )
        for y in model.Y
        for k in b.KR
    }
    b.new_roof_pv_potential = pyo.Param(model.Y, b.KR, initialize=cap, doc="installable PV on that year's new roofs, GW")
    b.new_roof_pv = pyo.Var(model.Y, b.KR, bounds=lambda bb, y, k: (0.0, cap[(y, k)]), doc="PV on that year's new roofs, GW")
    b.QB = pyo.Set(initialize=building_classes, ordered=True, doc="PV classes of building roofs")
    classes = sorted({stock.at[k, "pv_class"] for k in b.KR})
    b.roof_pv = pyo.Expression(
        model.Y,
        classes,
        rule=lambda bb, y, q: sum(bb.new_roof_pv[y, k] for k in bb.KR if stock.at[k, "pv_class"] == q),
        doc="new PV the sector puts on its new roofs that year, GW",
    )
    share = settings.new_roof_pv_coverage_min
    b.new_roof_pv_coverage_floor = pyo.Constraint(
        model.Y, b.KR, rule=lambda bb, y, k: bb.new_roof_pv[y, k] >= share * cap[(y, k)] if share > 0 else pyo.Constraint.Skip
    )


def _indicators(b, model, scenario, inputs, stock, cat, settings, pv_table, building_classes, table) -> None:
    """Renewable share and production, new-construction shares, new-roof PV coverage."""
    years = list(model.Y)
    base = scenario.spec.years.base
    acct = scenario.spec.accounting
    # electricity (use and rooftop PV) at the building statistic's factor (Mtce/TWh): accounting.building_electricity_basis
    elec = (
        acct.renewable_coal_equivalent_kgce_per_kwh
        if acct.building_electricity_basis == "coal_equivalent"
        else acct.electricity_calorific_kgce_per_kwh
    )
    mtce = table["mtce_per_unit"].astype(float).to_dict()
    mtce["electricity"] = elec
    flh = _full_load_hours(model, pv_table)
    rows = cat.set_index("measure")
    ren = rows["renewable_heat_mtce_per_unit"].astype(float).to_dict()
    kind = rows["renewable_kind"].to_dict()
    counted = set(settings.renewable_share_counts)

    b.renewable_heat = pyo.Expression(
        model.Y, list(HEAT_KINDS), rule=lambda bb, y, h: sum(ren[m] * bb.adopted[y, m] for m in bb.M if kind[m] == h), doc="Mtce/yr"
    )
    existing_pv = {q: float(pv_table.at[q, "existing_gw"]) for q in building_classes}
    heat_counted = [h for h in HEAT_KINDS if h in counted]
    pv_counted = "rooftop_pv" in counted
    b.renewable_heat_counted = pyo.Expression(
        model.Y, rule=lambda bb, y: sum(bb.renewable_heat[y, h] for h in heat_counted), doc="renewable heat counted in the share, Mtce"
    )
    # PV of the building classes as the power sector builds it (existing + new), at full-load hours (TWh/yr)
    b.building_pv_twh = _AfterPower(model, lambda y: sum(flh[q] * model.power.pv_capacity[y, q] for q in building_classes) * MILLI)
    b.renewable_used = _AfterPower(
        model, lambda y: b.renewable_heat_counted[y] + (elec * b.building_pv_twh[y] if pv_counted and building_classes else 0.0)
    )
    b.energy_use = pyo.Expression(
        model.Y,
        rule=lambda bb, y: (
            sum(mtce[c] * bb.use[y, c] for c in model.C if mtce.get(c, 0.0)) + sum(bb.renewable_heat[y, h] for h in heat_counted)
        ),
        doc="urban building energy use: purchased final energy (electricity at the share's factor) + counted renewable heat, Mtce",
    )
    produced = list(settings.renewable_production_counts)
    b.renewable_production = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.renewable_heat[y, h] for h in produced), doc="Mtce/yr")

    # base-year values: base floor area, existing adoption, existing PV
    existing = rows["existing"].astype(float)
    heat0 = {h: float(sum(ren[m] * existing[m] for m in rows.index if kind[m] == h)) for h in HEAT_KINDS}
    pv0 = sum(flh[q] * existing_pv[q] for q in building_classes) * MILLI
    use0 = sum(
        mtce.get(c, 0.0) * float(stock.loc[k, "floor_area_mm2"] * stock.loc[k, col]) * MILLI for k in b.KB for c, col in INTENSITY.items()
    )
    num0 = sum(heat0[h] for h in heat_counted) + (elec * pv0 if pv_counted else 0.0)
    den0 = use0 + sum(heat0[h] for h in heat_counted)
    b.base_year_values = {"renewable_used_mtce": num0, "energy_use_mtce": den0, "base_year": base}

    ind = {
        "buildings.renewable_share": Indicator(
            "buildings.renewable_share",
            "%",
            "renewable energy over urban building energy use (rule: docs/buildings-transport.md)",
            b.renewable_used,
            denominator=b.energy_use,
            scale=100.0,
            base_value=100.0 * num0 / den0,
            denominator_ref=den0,
        ),
        "buildings.renewable_production": Indicator(
            "buildings.renewable_production",
            "Mtce",
            "renewable heat of buildings counted in city renewable production",
            b.renewable_production,
            base_value=sum(heat0[h] for h in produced),
        ),
        "buildings.energy_use": Indicator(
            "buildings.energy_use",
            "Mtce",
            "urban building energy use (electricity at accounting.building_electricity_basis) + counted renewable heat",
            b.energy_use,
            base_value=den0,
        ),
    }
    groups = {name: g for name, g in cat[cat["indicator"] != ""].groupby("indicator")}
    b.NS = pyo.Set(initialize=sorted(groups), ordered=True, doc="new-construction share indicators")
    b.new_share_area = pyo.Expression(
        model.Y,
        b.NS,
        rule=lambda bb, y, n: sum(bb.new_adopted[y, m] for m in groups[n]["measure"]),
        doc="new floor area built under the measures of a share indicator, Mm²",
    )
    for name, group in groups.items():
        products = sorted(set(group["product"]))
        den = {y: float(sum(b.new_floor_area[y, k] for k in products)) for y in years}
        ind[f"buildings.{name}"] = Indicator(
            f"buildings.{name}",
            "%",
            f"share of new {' and '.join(products)} floor area built under {', '.join(group['measure'])}",
            {y: b.new_share_area[y, name] for y in years},
            denominator=den,
            scale=100.0,
            denominator_ref=max(den.values()) or 1.0,
        )
    # coverage over the installable roof (可安装光伏屋顶面积) or over the whole roof (屋顶光伏覆盖率):
    # the whole roof carries potential / installable share of PV at the same density
    installable = set(acct.roof_coverage_of_installable)
    for k in b.KR:
        over_roof = k not in installable
        whole = 1.0 / float(stock.at[k, "installable_roof_share"]) if over_roof else 1.0
        den = {y: float(b.new_roof_pv_potential[y, k]) * whole for y in years}
        num = {y: b.new_roof_pv[y, k] for y in years}
        ind[f"buildings.{k}_roof_pv_coverage"] = Indicator(
            f"buildings.{k}_roof_pv_coverage",
            "%",
            f"PV on the {'whole' if over_roof else 'installable'} roof area of that year's new {k} buildings "
            "(accounting.roof_coverage_of_installable)",
            num,
            denominator=den,
            scale=100.0,
            denominator_ref=max(den.values()) or 1.0,
        )
    b.indicators = ind
