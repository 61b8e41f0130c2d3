"""Petrochemicals: the Sinopec Wuhan refinery and the Sinopec-SK ethylene cracker.

Two product lines: ``refining`` (Mt/yr of crude oil processed) and
``ethylene`` (Mt/yr of ethylene), each with its own base intensity and
measures.

Tables read (``inputs/<dataset>/``):

* ``petrochemicals_activity.csv``: year, crude_processed_mt, ethylene_mt,
  source — held flat after the last given year; ``sectors.petrochemicals``
  ``crude_processed_mt`` / ``ethylene_mt`` override years;
* ``petrochemicals_intensity.csv``: id, product (refining | ethylene),
  carrier, value, unit (kgce/t or kWh/t), source;
* ``measures_petrochemicals.csv``: the measure catalogue, ``product`` naming
  the line a measure applies to.

Equations are those of :mod:`simulator.sectors.industry`. Indicators, in
kgce per tonne with electricity at the factor of each product's national
energy-consumption quota standard (``accounting.refining_electricity_kgce_per_kwh``,
GB 30251-2013; ``accounting.ethylene_electricity_kgce_per_kwh``, GB 30250-2013;
both 0.26 kgoe/kWh = 0.3714 kgce/kWh by default, see docs/industry.md):
``petrochemicals.refining_intensity`` (energy per tonne of crude oil
processed, 吨原油加工能耗) and ``petrochemicals.ethylene_intensity``
(comprehensive energy per tonne of ethylene, 吨乙烯综合能耗).
"""

from __future__ import annotations

import pyomo.core as pyo

from simulator.intake.sector_settings import PetrochemicalsSettings as Settings
from simulator.model.targets import Indicator
from simulator.sectors import industry

LINES = {"refining": "crude_processed_mt", "ethylene": "ethylene_mt"}


def build(model, scenario, inputs):
    """Build ``model.petrochemicals``: refining and ethylene lines, measures, contract, indicators."""
    settings = scenario.sector_settings.get("petrochemicals") or Settings()
    years = [scenario.spec.years.base, *model.Y]
    activity = {
        p: industry.read_activity(inputs, "petrochemicals_activity", column, years, getattr(settings, column))
        for p, column in LINES.items()
    }
    products = list(LINES)
    intensity = industry.read_intensity(inputs, "petrochemicals_intensity", products)
    catalogue = industry.read_catalogue(inputs, "measures_petrochemicals", products)
    block = pyo.Block()
    model.petrochemicals = block
    industry.build_lines(block, model, scenario, inputs, activity, intensity, catalogue)
    base = block.base_intensity_kgce_per_t
    block.indicators = {
        "petrochemicals.refining_intensity": Indicator(
            "petrochemicals.refining_intensity",
            "kgce/t",
            "energy per tonne of crude oil processed (吨原油加工能耗; electricity at accounting.refining_electricity_kgce_per_kwh)",
            industry.by_year(block.intensity_kgce_per_t, "refining", model.Y),
            base_value=base["refining"],
        ),
        "petrochemicals.ethylene_intensity": Indicator(
            "petrochemicals.ethylene_intensity",
            "kgce/t",
            "comprehensive energy per tonne of ethylene (吨乙烯综合能耗; electricity at accounting.ethylene_electricity_kgce_per_kwh)",
            industry.by_year(block.intensity_kgce_per_t, "ethylene", model.Y),
            base_value=base["ethylene"],
        ),
    }
    return block
