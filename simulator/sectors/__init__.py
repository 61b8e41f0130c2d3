"""Explicit registry of sector modules: name → module.

Every module exposes ``Settings`` (the pydantic schema of ``sectors.<name>``,
declared in ``simulator.intake.sector_settings`` with the rest of the scenario
language) and ``build(model, scenario, inputs) -> Block``,
which attaches the block as ``model.<name>`` and gives it the contract
components of DESIGN.md:

========================  ===============  =====================================
component                 index            meaning
========================  ===============  =====================================
``use``                   (year, carrier)  final energy use after measures
                                           (TWh electricity, Mtce other carriers)
``baseline_use``          (year, carrier)  the same with no new measures (Param)
``load``                  (year, slice)    electricity demand, GW
``cost``                  (year)           annualised capex + opex, M CNY/yr
``emissions``             (year)           direct CO2, Mt CO2
``indicators``            name → Indicator what targets may refer to
``roof_pv`` (optional)    (year, pv_class) new PV a sector puts on its own new
                                           roofs that year, GW
========================  ===============  =====================================

A block reads another sector's block only once the whole model stands, on
the model's current block (buildings reads the power sector's PV through an
expression made on first use): a sweep that puts unchanged blocks back
(:class:`simulator.model.core.KeptModel`) may build the other block again.

``load`` is a :class:`simulator.model.matrix.LinearView` (rows the balance
reads as a matrix block; ``load[y, s]`` is one row's expression). The power
sector also exposes ``supply`` (year, slice) in GW, a ``LinearView`` too, which
the core balances against the sum of all loads. ``other`` is built last: the city
electricity the enabled sectors do not cover.
"""

from __future__ import annotations

from simulator.sectors import buildings, other, petrochemicals, power, steel, transport

REGISTRY = {
    "power": power,
    "steel": steel,
    "petrochemicals": petrochemicals,
    "buildings": buildings,
    "transport": transport,
    "other": other,
}

#: sectors the core builds before ``other`` and ``power`` (demand side), in order
DEMAND_ORDER = ["steel", "petrochemicals", "buildings", "transport"]
