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

import numpy as np
import pyomo.core as pyo  # the components only: pyomo.environ also loads every solver and transformation plugin (~0.3 CPU-s a run)

from simulator.model import targets as targets_mod
from simulator.model.matrix import LinearTerms, matrix_rows, var_grid
from simulator.model.targets import Indicator
from simulator.sectors import DEMAND_ORDER, REGISTRY
from simulator.sectors.common import carriers


def discount_factors(years: list[int], base: int, rate: float) -> dict[int, float]:
    return {y: (1.0 + rate) ** -(y - base) for y in years}


def demand_sectors(scenario) -> list[str]:
    return [name for name in DEMAND_ORDER if name in scenario.spec.sectors]


def sector_blocks(model) -> list:
    """The sector blocks in build order (demand sectors, other, power)."""
    return [getattr(model, name) for name in model.sector_names]


#: value of lost load used only to diagnose an infeasible supply, CNY/kWh (= M CNY/GWh)
DIAGNOSTIC_VOLL_CNY_PER_KWH = 30.0


def build_model(scenario, inputs, time, soften: set[str] | None = None, unserved: bool = False) -> pyo.ConcreteModel:
    """Build the whole LP for ``scenario`` on ``inputs`` over the slices ``time``.

    ``soften`` names targets to treat as soft; ``unserved=True`` adds unserved
    load to the balance at a diagnostic value of lost load (used only to
    explain a scenario whose supply cannot meet demand; never in a result).
    """
    spec = scenario.spec
    years = scenario.years
    inputs = inputs.for_build()  # the carriers' join, read by every sector, made once
    m = pyo.ConcreteModel(name=spec.name)
    m.time = time
    m.Y = pyo.Set(initialize=years, ordered=True, doc="planning years")
    m.S = pyo.Set(initialize=range(time.n), ordered=True, doc="time slices")
    carrier_table = carriers(inputs)
    m.C = pyo.Set(initialize=list(carrier_table.index), ordered=True, doc="energy carriers")
    m.weight = pyo.Param(m.S, initialize=dict(enumerate(time.weight.astype(float))), doc="hours per year a slice stands for")
    m.discount = pyo.Param(m.Y, initialize=discount_factors(years, spec.years.base, spec.economics.discount_rate))

    names = demand_sectors(scenario)
    for name in names:
        REGISTRY[name].build(m, scenario, inputs)
    covered = {y: sum(pyo.value(getattr(m, n).baseline_use[y, "electricity"]) for n in names) for y in years}
    REGISTRY["other"].build(m, scenario, inputs, covered=covered if names else None)
    REGISTRY["power"].build(m, scenario, inputs)
    m.sector_names = [*names, "other", "power"]

    _balance_electricity(m, unserved)
    _roof_pv_built(m)
    _city_indicators(m, scenario, inputs)
    rows = targets_mod.resolve_targets(scenario, targets_mod.collect_indicators(m))
    targets_mod.add_targets(m, rows, spec.economics.soft_target_penalty_mcny_per_unit, soften=soften)
    _objective(m, spec, carrier_table)
    return m


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
