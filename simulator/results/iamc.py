"""IAMC export of a run: ``iamc.csv`` (model, scenario, region, variable, unit, year, value).

Long format, one row per variable and year; model ``transim <version>``,
region ``Wuhan`` (the data set name, title-cased, unless given).

Variable list (fixed; ``<…>`` are filled from the maps below; aggregates in
**bold** equal the sum of their direct children, which the tests check):

=============================================================  =============  ===========================================
variable                                                       unit           from
=============================================================  =============  ===========================================
**Capacity|Electricity|Solar**                                 GW             capacity.csv, PV classes
Capacity|Electricity|Solar|Utility                             GW             ``pv_utility``
**Capacity|Electricity|Solar|Rooftop**                         GW             rooftop classes
Capacity|Electricity|Solar|Rooftop|<Class>                     GW             ``pv_ci_rooftop`` → Commercial and Industrial,
                                                                              ``pv_public_rooftop`` → Public,
                                                                              ``pv_residential_rooftop`` → Residential
**Capacity|Electricity|Storage**                               GW             storage power
Capacity|Electricity|Storage|<Technology>                      GW             ``storage_battery_lfp`` → Battery LFP
**Storage Capacity|Electricity**                               GWh            storage energy
Storage Capacity|Electricity|<Technology>                      GWh
**Capacity|Electricity|Import**                                GW             import channels
Capacity|Electricity|Import|<Channel>                          GW             ``import_green`` → Green, ``import_grid`` → Grid
**Secondary Energy|Electricity**                               TWh/yr         generation.csv, local generation
Secondary Energy|Electricity|<Source>                          TWh/yr         Solar (**aggregate** of Solar|Utility, Solar|Rooftop|…),
                                                                              Coal, Gas, Wind, Biomass, Waste, Storage Discharge
**Electricity Import**                                         TWh/yr         Green, Grid
Curtailment|Electricity                                        TWh/yr         curtailed renewable output
Storage Charge|Electricity                                     TWh/yr         electricity into storage
**Final Energy**                                               Mtce/yr        energy_use.csv, every sector but power;
                                                                              electricity at the scenario's calorific factor
**Final Energy|<Sector path>**                                 Mtce/yr        steel → Industry|Steel, petrochemicals →
                                                                              Industry|Petrochemicals (**Industry** is their sum),
                                                                              buildings → Residential and Commercial,
                                                                              transport → Transportation, other → Other
Final Energy|<Sector path>|<Carrier>                           Mtce/yr        Electricity, Coal, Coke, Gas, Oil, Diesel,
                                                                              Gasoline, Jet Fuel, Heat, Hydrogen
**Primary Energy|Electricity Generation**                      Mtce/yr        fuel of the power sector: |Coal, |Gas, …
**Emissions|CO2**                                              Mt CO2/yr      emissions.csv
Emissions|CO2|<Sector path>                                    Mt CO2/yr      power → Electricity (fuel and grid imports),
                                                                              other sectors as in Final Energy
                                                                              (**Industry** is the sum of its children)
**Cost**                                                       million CNY/yr costs.csv, undiscounted, base-year prices
**Cost|<Sector>**                                              million CNY/yr Power, Steel, … (title case), City
Cost|<Sector>|<Component>                                      million CNY/yr e.g. Cost|Power|PV, Cost|Power|Import Green
Price|Secondary Energy|Electricity                             CNY/kWh        prices.csv: marginal price weighted by
                                                                              load and slice hours (not an aggregate)
=============================================================  =============  ===========================================

A sector, carrier or technology not in the maps keeps its own name in title
case (e.g. ``hydro`` → ``Hydro``) so a new sector still appears, and
:func:`iamc_table` lists it in its notes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simulator.results.tables import load_weighted_price

COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]

PV_CLASS = {
    "pv_utility": "Solar|Utility",
    "pv_ci_rooftop": "Solar|Rooftop|Commercial and Industrial",
    "pv_public_rooftop": "Solar|Rooftop|Public",
    "pv_residential_rooftop": "Solar|Rooftop|Residential",
}
STORAGE = {"storage_battery_lfp": "Battery LFP"}
IMPORT = {"import_green": "Green", "import_grid": "Grid"}
SOURCE = {
    "coal_chp": "Coal",
    "gas_ccgt": "Gas",
    "wind": "Wind",
    "biomass": "Biomass",
    "waste_to_energy": "Waste",
    "storage_discharge": "Storage Discharge",
    "hydro": "Hydro",
}
SECTOR = {
    "steel": "Industry|Steel",
    "petrochemicals": "Industry|Petrochemicals",
    "buildings": "Residential and Commercial",
    "transport": "Transportation",
    "other": "Other",
    "power": "Electricity",
}
CARRIER = {
    "electricity": "Electricity",
    "coal": "Coal",
    "coke": "Coke",
    "gas": "Gas",
    "oil": "Oil",
    "diesel": "Diesel",
    "gasoline": "Gasoline",
    "jet_fuel": "Jet Fuel",
    "heat": "Heat",
    "hydrogen": "Hydrogen",
}
COMPONENT = {"pv": "PV", "plant_opex": "Plant O&M", "import_green": "Import Green", "import_grid": "Import Grid"}


def _title(name: str) -> str:
    return name.replace("_", " ").title()


def _name(mapping: dict, key: str, notes: list[str], what: str) -> str:
    if key in mapping:
        return mapping[key]
    notes.append(f"iamc: {what} '{key}' has no fixed IAMC name; exported as '{_title(key)}'")
    return _title(key)


def _rows(frame: pd.DataFrame, variable: pd.Series, unit: str, value: str) -> pd.DataFrame:
    return pd.DataFrame({"variable": variable.to_numpy(), "unit": unit, "year": frame["year"].to_numpy(), "value": frame[value].to_numpy()})


def add_aggregates(leaves: pd.DataFrame, roots: list[str]) -> pd.DataFrame:
    """Add every ancestor of the leaf variables under ``roots`` as the sum of its leaves.

    Leaves must not themselves be ancestors of other leaves; units must agree
    within a root.
    """
    out = [leaves]
    for root in roots:
        sub = leaves[(leaves["variable"] == root) | leaves["variable"].str.startswith(root + "|")]
        if sub.empty:
            continue
        parents = set()
        for var in sub["variable"].unique():
            parts = var.split("|")
            n_root = len(root.split("|"))
            for k in range(n_root, len(parts)):
                parents.add("|".join(parts[:k]))
        for parent in sorted(parents):
            part = sub[sub["variable"].str.startswith(parent + "|")]
            agg = part.groupby(["year", "unit"], as_index=False)["value"].sum()
            agg.insert(0, "variable", parent)
            out.append(agg[["variable", "unit", "year", "value"]])
    return pd.concat(out, ignore_index=True)


def iamc_table(
    tables: dict[str, pd.DataFrame], scenario: str, model: str = "transim", region: str = "Wuhan", kgce_per_kwh: float = 0.1229
) -> tuple[pd.DataFrame, list[str]]:
    """The IAMC table of a run's result tables, and notes on names not in the fixed list."""
    notes: list[str] = []
    leaves = []
    cap = tables.get("capacity")
    if cap is not None and not cap.empty:
        cap = cap[cap["variable"] == "capacity"]
        pv = cap[cap["technology"].str.startswith("pv_") & (cap["unit"] == "GW")]
        leaves.append(
            _rows(pv, "Capacity|Electricity|" + pv["technology"].map(lambda t: PV_CLASS.get(t) or "Solar|" + _title(t[3:])), "GW", "value")
        )
        st = cap[cap["technology"].str.startswith("storage_")]
        for unit, root in (("GW", "Capacity|Electricity|Storage|"), ("GWh", "Storage Capacity|Electricity|")):
            part = st[st["unit"] == unit]
            names = part["technology"].map(lambda t: _name(STORAGE, t, notes, "storage technology"))
            leaves.append(_rows(part, root + names, unit, "value"))
        imp = cap[cap["technology"].str.startswith("import_") & (cap["unit"] == "GW")]
        leaves.append(
            _rows(
                imp,
                "Capacity|Electricity|Import|" + imp["technology"].map(lambda t: _name(IMPORT, t, notes, "import channel")),
                "GW",
                "value",
            )
        )
    gen = tables.get("generation")
    if gen is not None and not gen.empty:
        src = gen["source"]
        local = gen[~(src.str.startswith("load_") | src.str.startswith("import_") | src.isin(["storage_charge", "curtailment"]))]

        def source_name(s):
            if s.startswith("pv_"):
                return PV_CLASS.get(s) or "Solar|" + _title(s[3:])
            return _name(SOURCE, s, notes, "electricity source")

        leaves.append(_rows(local, "Secondary Energy|Electricity|" + local["source"].map(source_name), "TWh/yr", "value_twh"))
        imp = gen[src.str.startswith("import_")]
        leaves.append(
            _rows(
                imp, "Electricity Import|" + imp["source"].map(lambda t: _name(IMPORT, t, notes, "import channel")), "TWh/yr", "value_twh"
            )
        )
        for flow, var in (("curtailment", "Curtailment|Electricity"), ("storage_charge", "Storage Charge|Electricity")):
            part = gen[src == flow].assign(value_twh=lambda f: -f["value_twh"])
            leaves.append(_rows(part, pd.Series([var] * len(part)), "TWh/yr", "value_twh"))
    eu = tables.get("energy_use")
    if eu is not None and not eu.empty:
        e = eu.assign(mtce=eu["value"] * np.where(eu["unit"] == "TWh", kgce_per_kwh, 1.0))
        carrier = e["carrier"].map(lambda c: _name(CARRIER, c, notes, "carrier"))
        final = e["sector"] != "power"
        path = e["sector"].map(lambda s: _name(SECTOR, s, notes, "sector"))
        leaves.append(_rows(e[final], "Final Energy|" + path[final] + "|" + carrier[final], "Mtce/yr", "mtce"))
        leaves.append(_rows(e[~final], "Primary Energy|Electricity Generation|" + carrier[~final], "Mtce/yr", "mtce"))
    em = tables.get("emissions")
    if em is not None and not em.empty:
        leaves.append(
            _rows(em, "Emissions|CO2|" + em["sector"].map(lambda s: _name(SECTOR, s, notes, "sector")), "Mt CO2/yr", "value_mtco2")
        )
    co = tables.get("costs")
    if co is not None and not co.empty:
        var = (
            "Cost|"
            + co["sector"].map(lambda s: "Power" if s == "power" else _title(s))
            + "|"
            + co["component"].map(lambda c: COMPONENT.get(c, _title(c)))
        )
        leaves.append(_rows(co, var, "million CNY/yr", "value_mcny"))
    prices = tables.get("prices")
    if prices is not None and not prices.empty:
        weighted = load_weighted_price(prices)
        leaves.append(
            pd.DataFrame(
                {"variable": "Price|Secondary Energy|Electricity", "unit": "CNY/kWh", "year": weighted.index, "value": weighted.to_numpy()}
            )
        )
    leaves = [f for f in leaves if not f.empty]
    if not leaves:
        return pd.DataFrame(columns=COLUMNS), notes
    flat = pd.concat(leaves, ignore_index=True)
    flat = flat.groupby(["variable", "unit", "year"], as_index=False)["value"].sum()
    roots = [
        "Capacity|Electricity|Solar",
        "Capacity|Electricity|Storage",
        "Storage Capacity|Electricity",
        "Capacity|Electricity|Import",
        "Secondary Energy|Electricity",
        "Electricity Import",
        "Final Energy",
        "Primary Energy|Electricity Generation",
        "Emissions|CO2",
        "Cost",
    ]
    full = add_aggregates(flat, roots)
    full.insert(0, "region", region)
    full.insert(0, "scenario", scenario)
    full.insert(0, "model", model)
    full = full[COLUMNS].sort_values(["variable", "year"], kind="mergesort").reset_index(drop=True)
    return full, sorted(set(notes))


def write_run_iamc(outcome, folder: str | Path) -> list[str]:
    """Run-folder writer: ``iamc.csv``; returns notes."""
    from simulator import __version__

    scenario = outcome.prepared.scenario
    region = _title(outcome.prepared.inputs.dataset) if getattr(outcome.prepared, "inputs", None) is not None else "Wuhan"
    frame, notes = iamc_table(
        outcome.tables,
        scenario.name,
        model=f"transim {__version__}",
        region=region,
        kgce_per_kwh=scenario.spec.accounting.electricity_calorific_kgce_per_kwh,
    )
    frame.to_csv(Path(folder) / "iamc.csv", index=False, float_format="%.9g", lineterminator="\n")
    return notes
