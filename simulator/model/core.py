"""The core: sets, sector blocks, electricity balance, targets, objective.

The core reads only the contract components of each sector block (see
``simulator/sectors/__init__.py``). It never reads files or prints.

    min  Σ_y δ_y · ( Σ_b cost_b[y]                                   (M CNY/yr)
                   + Σ_b Σ_{c≠electricity} price_c · use_b[y,c]       (fuel purchases)
                   + carbon_price · Σ_b emissions_b[y] )              (CNY/t · Mt = M CNY)
         + Σ_t penalty_t · shortfall_t                                (soft targets)

with δ_y = (1 + r)^−(y − base year), the present value at the base year.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pyomo.core as pyo  # the components only: pyomo.environ also loads every solver and transformation plugin (~0.3 CPU-s a run)
from pyomo.core.base.set import GlobalSetBase, _AnySet

from simulator.model import targets as targets_mod
from simulator.model.matrix import LinearTerms, matrix_rows, var_grid
from simulator.model.targets import Indicator
from simulator.sectors import DEMAND_ORDER, REGISTRY
from simulator.sectors.common import carriers


def discount_factors(years: list[int], base: int, rate: float) -> dict[int, float]:
    return {y: (1.0 + rate) ** -(y - base) for y in years}


def demand_sectors(scenario) -> list[str]:
    return [name for name in DEMAND_ORDER if name in scenario.spec.sectors]


def sector_order(scenario) -> list[str]:
    """The sectors in build order: the enabled demand sectors, then ``other`` and ``power``."""
    return [*demand_sectors(scenario), "other", "power"]


def sector_blocks(model) -> list:
    """The sector blocks in build order (demand sectors, other, power)."""
    return [getattr(model, name) for name in model.sector_names]


#: value of lost load used only to diagnose an infeasible supply, CNY/kWh (= M CNY/GWh)
DIAGNOSTIC_VOLL_CNY_PER_KWH = 30.0


#: the model's own components, made first; a kept model (:class:`KeptModel`) keeps them, all else is made again
BASE_COMPONENTS = ("Y", "S", "C", "weight", "discount")


@dataclass
class KeptModel:
    """The last model built for a sweep's variants in this process, to use its unchanged sector blocks again.

    A variant that changes only numbers of some tables (the other tables the
    same frames or equal ones: a variant's overrides and data samples replace
    the tables they change, never edit them in place) gets the kept model back with its sets, its
    weights and discount factors, and the blocks of the sectors whose tables
    did not change; every other block, and the core's rows, indicators,
    targets and objective, is built again, in the order of a fresh build, so
    the LP is the fresh build's, row for row and column for column
    (tests/test_kept_model.py compares them). Tables are compared as a
    whole, data a sector takes through :meth:`Inputs.derived` by value (see
    :meth:`Inputs.reading`). A block reads another sector's block only
    once the whole model stands, on the model's current block (buildings'
    PV share), so a kept block never holds a rebuilt block's columns.
    ``other`` (built from the demand sectors' baselines) is always built
    again. Any other change (the scenario beyond its ``overrides``, the time
    slices, the carriers) builds the whole model afresh.
    """

    model: object = None
    key: tuple | None = None
    reads: dict = field(default_factory=dict)  # sector → the tables its block was built from (Inputs.reading)
    values: dict = field(default_factory=dict)  # sector → [(variable, value as built)]: restored when the block is used again
    reused: int = 0  # sector blocks used again, counted over this object's life
    built: int = 0  # sector blocks built


def _model_key(scenario, time, carrier_names: list[str]) -> tuple:
    resolved = {k: v for k, v in scenario.resolved.items() if k not in ("overrides", "sweep")}
    return (json.dumps(resolved, sort_keys=True, default=str), id(time), tuple(carrier_names))


def _reusable(keep: KeptModel, order: list[str], inputs) -> set[str]:
    """The sectors of ``order`` whose kept blocks stand as built: what they read of the inputs unchanged."""
    return {name for name in order if name != "other" and name in keep.reads and inputs.reads_unchanged(keep.reads[name])}


def _empty_model(scenario, time, carrier_names: list[str]) -> pyo.ConcreteModel:
    spec = scenario.spec
    years = scenario.years
    m = pyo.ConcreteModel(name=spec.name)
    m.time = time
    m.Y = pyo.Set(initialize=years, ordered=True, doc="planning years")
    m.S = pyo.Set(initialize=range(time.n), ordered=True, doc="time slices")
    m.C = pyo.Set(initialize=carrier_names, ordered=True, doc="energy carriers")
    m.weight = pyo.Param(m.S, initialize=dict(enumerate(time.weight.astype(float))), doc="hours per year a slice stands for")
    m.discount = pyo.Param(m.Y, initialize=discount_factors(years, spec.years.base, spec.economics.discount_rate))
    return m


def _cleared(m) -> tuple[dict, list]:
    """Take every component but :data:`BASE_COMPONENTS` off ``m``; returns its sector blocks by name and the
    components taken off."""
    blocks = {name: getattr(m, name) for name in getattr(m, "sector_names", [])}
    removed = [c for c in m.component_objects(descend_into=False) if c.local_name not in BASE_COMPONENTS]
    for component in removed:
        m.del_component(component)
    removed += m.__dict__.pop("_set_aside", [])
    m._compact_decl_storage()  # Pyomo keeps a placeholder per deleted component otherwise
    return blocks, removed


def _dismantle(component) -> None:
    """Break the reference cycles of a component taken off a kept model for good.

    A ScalarBlock holds itself as its data, and components keep the rules
    that made them (closures over their block): such a component is freed
    only by a collection of the generation it has aged into, which a
    variant's young-generation collection (``sweep.collect_once``) does not
    reach. Cleared (a block's parts first), it is freed when its last
    reference goes.
    """
    if isinstance(component, pyo.Block):
        for part in list(component.component_objects(descend_into=False)):
            _dismantle(part)
    for anonymous in list(getattr(component, "_anonymous_sets", None) or ()):  # its own implicit index sets and domains
        anonymous.__dict__.clear()
    domain = component.__dict__.get("domain")
    if isinstance(domain, _AnySet) and not isinstance(domain, GlobalSetBase):  # a Param's own "Any" domain
        domain.__dict__.clear()
    component.__dict__.clear()


def set_aside(model, component) -> None:
    """Note ``component``, taken off ``model`` but still read by its other components (the targets block
    :func:`simulator.runs.pipeline.soften_in_place` replaces), to be dismantled with them by a kept model."""
    model.__dict__.setdefault("_set_aside", []).append(component)


def _add_sector(m, name: str, scenario, inputs, keep: KeptModel | None, blocks: dict, reuse: set[str], **kwargs) -> None:
    """Build sector ``name`` into ``m``, or put back its kept block (variables at their values as built)."""
    if name in reuse:
        m.add_component(name, blocks[name])
        for var, value in keep.values[name]:
            var.set_value(value, skip_validation=True)
        keep.reused += 1
        return
    if keep is None:
        REGISTRY[name].build(m, scenario, inputs, **kwargs)
        return
    view, read = inputs.reading()
    REGISTRY[name].build(m, scenario, view, **kwargs)
    block = getattr(m, name)
    keep.reads[name] = read()
    keep.values[name] = [(v, v.value) for v in block.component_data_objects(pyo.Var, descend_into=True)]
    keep.built += 1


def build_model(
    scenario, inputs, time, soften: set[str] | None = None, unserved: bool = False, keep: KeptModel | None = None
) -> pyo.ConcreteModel:
    """Build the whole LP for ``scenario`` on ``inputs`` over the slices ``time``.

    ``soften`` names targets to treat as soft; ``unserved=True`` adds unserved
    load to the balance at a diagnostic value of lost load (used only to
    explain a scenario whose supply cannot meet demand; never in a result).
    ``keep`` (:class:`KeptModel`, sweeps): the previous build in this process,
    whose unchanged sector blocks are used again; it then holds this build.
    """
    inputs = inputs.for_build()  # the carriers' join, read by every sector, made once
    carrier_table = carriers(inputs)
    carrier_names = list(carrier_table.index)
    order = sector_order(scenario)
    blocks, reuse = {}, set()
    if keep is not None and (soften or unserved):
        keep = None  # diagnostic builds are made afresh
    if keep is not None:
        key = _model_key(scenario, time, carrier_names)
        if keep.model is not None and keep.key == key:
            m = keep.model
            blocks, removed = _cleared(m)
            reuse = _reusable(keep, order, inputs)
            kept_blocks = {id(blocks[name]) for name in reuse}
            for component in removed:
                if id(component) not in kept_blocks:
                    _dismantle(component)
            del removed
        else:
            if keep.model is not None:
                _dismantle(keep.model)  # another scenario or time slices: the old model goes
            m = _empty_model(scenario, time, carrier_names)
            keep.reads, keep.values = {}, {}
        keep.model, keep.key = None, key  # set again once the build stands: a failed build is not kept
    else:
        m = _empty_model(scenario, time, carrier_names)
    try:
        _build_into(m, scenario, inputs, keep, blocks, reuse, soften, unserved, carrier_table)
    except BaseException:
        if keep is not None:
            keep.reads, keep.values = {}, {}
            _dismantle(m)  # holds kept blocks of older variants: freed now, not by a late full collection
        raise
    if keep is not None:
        keep.model = m
    return m


def _build_into(m, scenario, inputs, keep, blocks, reuse, soften, unserved, carrier_table) -> None:
    """The sector blocks (built, or put back from ``keep``), then the core: balance, roof PV, indicators, targets, objective."""
    spec = scenario.spec
    years = scenario.years
    names = demand_sectors(scenario)
    for name in names:
        _add_sector(m, name, scenario, inputs, keep, blocks, reuse)
    covered = {y: sum(pyo.value(getattr(m, n).baseline_use[y, "electricity"]) for n in names) for y in years}
    _add_sector(m, "other", scenario, inputs, keep, blocks, reuse, covered=covered if names else None)
    _add_sector(m, "power", scenario, inputs, keep, blocks, reuse)
    m.sector_names = sector_order(scenario)

    _balance_electricity(m, unserved)
    _roof_pv_built(m)
    _city_indicators(m, scenario, inputs)
    rows = targets_mod.resolve_targets(scenario, targets_mod.collect_indicators(m))
    targets_mod.add_targets(m, rows, spec.economics.soft_target_penalty_mcny_per_unit, soften=soften)
    _objective(m, spec, carrier_table)


def _balance_electricity(m, unserved: bool = False) -> None:
    """balance_electricity[y,s]: power.supply[y,s] (+ unserved[y,s]) − Σ_sectors load[y,s] = 0   (GW).

    A matrix block over (year, slice), made of the rows of ``power.supply``
    and of each sector's ``load`` (:class:`~simulator.model.matrix.LinearView`);
    its dual is the marginal value of electricity in the slice.
    ``unserved[y,s] ≥ 0`` exists only in a diagnostic build.
    """
    demand = [b for b in sector_blocks(m) if b is not m.power]
    ny, ns = len(m.Y), m.time.n
    terms = m.power.supply.terms
    if unserved:
        m.unserved = pyo.Var(m.Y, m.S, within=pyo.NonNegativeReals, doc="diagnostic unserved load, GW")
        terms = terms + LinearTerms.of(np.arange(ny * ns), var_grid(m.unserved, ny, ns).ravel(), 1.0, ny * ns)
    if demand:
        load = demand[0].load.terms
        for b in demand[1:]:
            load = load + b.load.terms
        terms = terms - load
    keys = [(y, s) for y in m.Y for s in range(ns)]
    m.balance_electricity = matrix_rows(keys, terms, lower=0.0, upper=0.0, doc="electricity supplied = electricity used, GW")


def _roof_pv_built(m) -> None:
    """roof_pv_built[y,k]: Σ_{y'≤y} power.pv_new[y',k] ≥ Σ_sectors Σ_{y'≤y} roof_pv[y',k]   (GW).

    PV that a sector puts on its own new roofs is built in the power sector's
    matching PV class (and paid for there).
    """
    parts = [b for b in sector_blocks(m) if hasattr(b, "roof_pv")]
    keys = sorted({k for b in parts for (_, k) in b.roof_pv.index_set()} & set(m.power.K)) if parts else []
    years = list(m.Y)

    def _rule(mm, y, k):
        need = sum(b.roof_pv[yy, k] for b in parts for yy in years if yy <= y if (yy, k) in b.roof_pv)
        return sum(mm.power.pv_new[yy, k] for yy in years if yy <= y) >= need

    m.roof_pv_built = pyo.Constraint(m.Y, keys, rule=_rule)


def _city_indicators(m, scenario, inputs) -> None:
    """City-wide indicators: CO2, final energy, electricity use, renewable production."""
    blocks = sector_blocks(m)
    table = carriers(inputs)
    kgce = dict(table["mtce_per_unit"].astype(float))
    kgce["electricity"] = scenario.spec.accounting.electricity_calorific_kgce_per_kwh  # Mtce per TWh
    demand = [b for b in blocks if b is not m.power]
    m.city_co2 = pyo.Expression(m.Y, rule=lambda mm, y: sum(b.emissions[y] for b in blocks), doc="Mt CO2")
    m.city_final_energy = pyo.Expression(
        m.Y, rule=lambda mm, y: sum(kgce[c] * b.use[y, c] for b in demand for c in mm.C), doc="Mtce, electricity at the calorific factor"
    )
    m.city_electricity = pyo.Expression(m.Y, rule=lambda mm, y: sum(b.use[y, "electricity"] for b in demand), doc="TWh")
    extra = [
        ind for b in blocks if b is not m.power for name, ind in (b.indicators or {}).items() if name.endswith(".renewable_production")
    ]
    m.city_renewable_production = pyo.Expression(
        m.Y, rule=lambda mm, y: mm.power.renewable_production[y] + sum(ind.numerator[y] for ind in extra), doc="Mtce"
    )
    base_re = m.power.indicators["power.renewable_production"].base_value + sum(ind.base_value or 0.0 for ind in extra)
    base_co2 = None
    m.city_indicators = {
        "city.co2": Indicator("city.co2", "Mt CO2", "CO2 from fuel use and imported electricity", m.city_co2, base_value=base_co2),
        "city.final_energy": Indicator("city.final_energy", "Mtce", "final energy use of the modelled sectors", m.city_final_energy),
        "city.electricity_use": Indicator("city.electricity_use", "TWh", "electricity use of all sectors", m.city_electricity),
        "city.renewable_production": Indicator(
            "city.renewable_production",
            "Mtce",
            "local renewable production: electricity at the coal-equivalent factor plus renewable heat",
            m.city_renewable_production,
            base_value=base_re,
        ),
    }
    macro = inputs.tables.get("macro")
    if macro is not None and "gdp_100m_cny" in macro:
        gdp = macro.set_index("year")["gdp_100m_cny"].astype(float)
        known = [y for y in m.Y if y in gdp.index]
        if known:
            # tce per 10^4 CNY = Mtce·1e6 / (1e8 CNY·gdp/1e4) = 100·Mtce/gdp(1e8 CNY)
            # Not the official city energy intensity (about 0.27 tce/10^4 CNY, est-wuhan-total-energy-2023): this counts
            # only the final energy of the modelled sectors, electricity at the calorific factor (docs/policy-coverage.md)
            m.city_modelled_energy_per_gdp = pyo.Expression(known, rule=lambda mm, y: 100.0 * mm.city_final_energy[y] / float(gdp[y]))
            m.city_indicators["city.modelled_energy_per_gdp"] = Indicator(
                "city.modelled_energy_per_gdp",
                "tce/10^4 CNY",
                "final energy of the modelled sectors (electricity at the calorific factor) per GDP: "
                "the modelled sectors' share, not the official whole-city energy intensity",
                m.city_modelled_energy_per_gdp,
            )


def _objective(m, spec, carrier_table) -> None:
    """Present value of all costs, fuel purchases, carbon price and soft-target penalties (M CNY)."""
    price = carrier_table["price_mcny_per_unit"].astype(float).to_dict()
    price["electricity"] = 0.0  # electricity is paid for in the power sector
    carbon = spec.economics.carbon_price_cny_per_t  # CNY/t × Mt = M CNY
    blocks = sector_blocks(m)
    m.fuel_price = pyo.Param(m.C, initialize=lambda mm, c: price.get(c, 0.0), doc="M CNY per carrier unit (TWh or Mtce)")
    m.fuel_cost = pyo.Expression(
        m.Y, rule=lambda mm, y: sum(price[c] * b.use[y, c] for b in blocks for c in mm.C if price.get(c, 0.0) != 0.0), doc="M CNY/yr"
    )
    m.carbon_cost = pyo.Expression(m.Y, rule=lambda mm, y: carbon * mm.city_co2[y] if carbon else 0.0, doc="M CNY/yr")
    m.annual_cost = pyo.Expression(m.Y, rule=lambda mm, y: sum(b.cost[y] for b in blocks) + mm.fuel_cost[y] + mm.carbon_cost[y])
    lost_load = 0.0
    if hasattr(m, "unserved"):
        w = m.time.weight
        lost_load = sum(m.discount[y] * DIAGNOSTIC_VOLL_CNY_PER_KWH * float(w[s]) * m.unserved[y, s] for y in m.Y for s in m.S)
    m.total_cost = pyo.Objective(
        expr=sum(m.discount[y] * m.annual_cost[y] for y in m.Y) + m.targets.penalty + lost_load,
        sense=pyo.minimize,
        doc="M CNY, present value",
    )
