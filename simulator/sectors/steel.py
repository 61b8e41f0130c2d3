"""Steel: crude steel output of WISCO (Baowu Wuhan base) and its energy per tonne.

Tables read (``inputs/<dataset>/``):

* ``steel_activity.csv``: year, crude_steel_mt (Mt/yr), source — held flat
  after the last given year; ``sectors.steel.output_mt`` overrides years;
* ``steel_intensity.csv``: id, product (``crude_steel``), carrier, value,
  unit (kgce/t or kWh/t), source — base-year comprehensive energy per tonne
  of crude steel by carrier;
* ``measures_steel.csv``: the measure catalogue (see :mod:`simulator.measures`;
  adoption in Mt/yr of crude steel covered or shifted).

Equations are those of :mod:`simulator.sectors.industry` with one product
line. Indicator ``steel.energy_intensity`` (kgce per tonne of crude steel):
comprehensive energy consumption (吨钢综合能耗) as the statistic defines it,
all carriers in tce with electricity at the scenario's calorific factor
(0.1229 kgce/kWh unless ``accounting`` says otherwise), over crude steel output.
"""

from __future__ import annotations

import pyomo.core as pyo

from simulator.intake.sector_settings import SteelSettings as Settings
from simulator.model.targets import Indicator
from simulator.sectors import industry

PRODUCT = "crude_steel"


def build(model, scenario, inputs):
    """Build ``model.steel``: crude steel output, base intensity, measures, contract, indicator."""
    settings = scenario.sector_settings.get("steel") or Settings()
    years = [scenario.spec.years.base, *model.Y]
    activity = {PRODUCT: industry.read_activity(inputs, "steel_activity", "crude_steel_mt", years, settings.output_mt)}
    intensity = industry.read_intensity(inputs, "steel_intensity", [PRODUCT])
    catalogue = industry.read_catalogue(inputs, "measures_steel", [PRODUCT])
    block = pyo.Block()
    model.steel = block
    industry.build_lines(block, model, scenario, inputs, activity, intensity, catalogue)
    block.indicators = {
        "steel.energy_intensity": Indicator(
            "steel.energy_intensity",
            "kgce/t",
            "comprehensive energy per tonne of crude steel (吨钢综合能耗; electricity at accounting.steel_electricity_kgce_per_kwh)",
            industry.by_year(block.intensity_kgce_per_t, PRODUCT, model.Y),
            base_value=block.base_intensity_kgce_per_t[PRODUCT],
        ),
        "steel.energy_use": Indicator(
            "steel.energy_use",
            "Mtce",
            "comprehensive energy use of crude steel making (electricity at accounting.steel_electricity_kgce_per_kwh)",
            industry.by_year(block.energy_mtce, PRODUCT, model.Y),
            base_value=block.base_intensity_kgce_per_t[PRODUCT] * float(activity[PRODUCT][years[0]]) / 1000.0,
        ),
    }
    return block
