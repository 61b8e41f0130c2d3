"""The ``sectors:`` block of a scenario: one settings schema per sector.

These schemas are part of the scenario language, so they live with the rest
of it in ``intake`` (the sector modules in ``simulator/sectors/`` import their
``Settings`` from here; intake never imports the model). A new sector adds
its schema to :data:`SECTOR_SETTINGS` under the same name as its entry in
``simulator.sectors.REGISTRY``; ``tests/test_architecture.py`` checks that
the two agree.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveFloat

from simulator.intake.schema_base import StrictModel

ShareKind = Literal["rooftop_pv", "solar_thermal", "heat_pump", "geothermal"]
HeatKind = Literal["solar_thermal", "heat_pump", "geothermal"]


class PowerSettings(StrictModel):
    """``sectors.power`` in a scenario."""

    allow_curtailment: bool = Field(True, description="false forces every renewable kWh to be used")


class SteelSettings(StrictModel):
    """``sectors.steel`` in a scenario."""

    output_mt: dict[int, PositiveFloat] = Field(
        default_factory=dict, description="crude steel output by year, Mt/yr (overrides steel_activity.csv for those years)"
    )


class PetrochemicalsSettings(StrictModel):
    """``sectors.petrochemicals`` in a scenario."""

    crude_processed_mt: dict[int, PositiveFloat] = Field(
        default_factory=dict, description="crude oil processed by year, Mt/yr (overrides petrochemicals_activity.csv)"
    )
    ethylene_mt: dict[int, PositiveFloat] = Field(
        default_factory=dict, description="ethylene output by year, Mt/yr (overrides petrochemicals_activity.csv)"
    )


class BuildingsSettings(StrictModel):
    """``sectors.buildings`` in a scenario: the renewable accounting rule and the new-roof PV floor."""

    renewable_share_counts: list[ShareKind] = Field(
        default_factory=lambda: ["rooftop_pv", "solar_thermal", "heat_pump", "geothermal"],
        description="what counts as renewable in buildings.renewable_share (waste heat never does)",
    )
    renewable_production_counts: list[HeatKind] = Field(
        default_factory=lambda: ["solar_thermal", "geothermal"],
        description="renewable heat added to city.renewable_production (rooftop PV is already counted by power)",
    )
    new_roof_pv_coverage_min: float = Field(
        0.0, ge=0.0, le=1.0, description="PV on at least this share of each year's new installable roof area, every planning year"
    )


class TransportSettings(StrictModel):
    """``sectors.transport`` takes no settings yet: fleet, ratios and measures are data."""


class OtherSettings(StrictModel):
    """``sectors.other`` takes no settings; it is always built."""


SECTOR_SETTINGS: dict[str, type[StrictModel]] = {
    "power": PowerSettings,
    "steel": SteelSettings,
    "petrochemicals": PetrochemicalsSettings,
    "buildings": BuildingsSettings,
    "transport": TransportSettings,
    "other": OtherSettings,
}
