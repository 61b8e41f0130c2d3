"""IAMC export of a run: ``iamc.csv`` (model, scenario, region, variable, unit, year, value).

Long format, one row per variable and year; model ``transim <version>``,
region ``Wuhan`` (the data set name, title-cased, unless given).

Names and units follow the IAMC common definitions
(github.com/IAMconsortium/common-definitions) where they have the quantity:
``Final Energy|Industry|Iron and Steel|Solids|Coal``,
``Secondary Energy|Electricity|Solar|PV``,
``Trade|Secondary Energy|Electricity|Volume`` (net exports: imports are
negative), ``Emissions|CO2|Energy|Demand|Transportation``, energy in EJ/yr,
money with its price year (``million CNY_2023/yr``). Quantities the
definitions do not have (PV classes, storage, import channels, curtailment,
cost components) keep project names under the same conventions; the mapping
table :data:`MAPPING` says which is which.

**The one mapping table** is :data:`MAPPING` (with the item maps it
expands): every variable the export can write, its unit, where it comes from
and whether it is a common-definitions name. :func:`variables` lists them
all (leaves and aggregates) and a test checks every exported variable
against it. Aggregates equal the sum of their direct children.

Conversions: 1 Mtce = 0.0293076 EJ (29.3076 GJ/tce); electricity 1 TWh =
0.0036 EJ (the direct-equivalent 3.6 PJ/TWh, the same as the scenario's
0.1229 kgce/kWh calorific factor). Storage discharge is not secondary energy
(it returns electricity already counted when it was generated or imported):
it is exported apart as ``Storage Discharge|Electricity``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simulator.results.tables import load_weighted_price, write_csv

COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]

#: EJ per Mtce (29.3076 GJ/tce) and per TWh (3.6 PJ/TWh)
EJ_PER_MTCE = 0.0293076
EJ_PER_TWH = 0.0036

PV_CLASS = {
    "pv_utility": "Utility",
    "pv_ci_rooftop": "Rooftop|Commercial and Industrial",
    "pv_public_rooftop": "Rooftop|Public",
    "pv_residential_rooftop": "Rooftop|Residential",
}
STORAGE = {"storage_battery_lfp": "Battery LFP"}
IMPORT = {"import_green": "Green", "import_grid": "Grid"}
#: local generation (generation.csv source) → Secondary Energy|Electricity|…; PV classes all go to Solar|PV
SOURCE = {
    "pv": "Solar|PV",
    "coal_chp": "Coal",
    "gas_ccgt": "Gas",
    "wind": "Wind",
    "biomass": "Biomass",
    "waste_to_energy": "Other",
    "hydro": "Hydro",
}
#: end-use sector → Final Energy|… and Emissions|CO2|Energy|Demand|…
SECTOR = {
    "steel": "Industry|Iron and Steel",
    "petrochemicals": "Industry|Chemicals",
    "buildings": "Residential and Commercial",
    "transport": "Transportation",
    "other": "Other Sector",
}
#: carrier → Final Energy|<sector>|… (coal and coke are Solids|Coal, oil products Liquids|Oil)
CARRIER = {
    "electricity": "Electricity",
    "coal": "Solids|Coal",
    "coke": "Solids|Coal",
    "gas": "Gases",
    "oil": "Liquids|Oil",
    "diesel": "Liquids|Oil",
    "gasoline": "Liquids|Oil",
    "jet_fuel": "Liquids|Oil",
    "heat": "Heat",
    "hydrogen": "Hydrogen",
}
#: power-sector fuel → Primary Energy|<fuel>|Electricity
POWER_FUEL = {"coal": "Coal", "gas": "Gas", "oil": "Oil", "diesel": "Oil", "biomass": "Biomass", "coke": "Coal"}
COMPONENT = {
    "pv": "PV",
    "plant_opex": "Plant O&M",
    "import_green": "Import Green",
    "import_grid": "Import Grid",
    "grid_expansion": "Grid Reinforcement",
    "storage_throughput": "Storage Throughput",
}

#: the one mapping table: variable pattern (``<…>`` expanded from the maps above) → (unit, source, common definitions?)
MAPPING: dict[str, tuple[str, str, bool]] = {
    "Capacity|Electricity|Solar|PV|<PV_CLASS>": ("GW", "capacity.csv, PV classes", False),
    "Capacity|Electricity|Storage|<STORAGE>": ("GW", "capacity.csv, storage power", False),
    "Storage Capacity|Electricity|<STORAGE>": ("GWh", "capacity.csv, storage energy", False),
    "Capacity|Electricity|Import|<IMPORT>": ("GW", "capacity.csv, import channels", False),
    "Secondary Energy|Electricity|<SOURCE>": ("EJ/yr", "generation.csv, local generation", True),
    "Trade|Secondary Energy|Electricity|Volume": ("EJ/yr", "generation.csv, imports with a minus sign (net exports)", True),
    "Electricity Import|<IMPORT>": ("EJ/yr", "generation.csv, imports by channel", False),
    "Curtailment|Electricity": ("EJ/yr", "generation.csv, curtailed renewable output", False),
    "Storage Charge|Electricity": ("EJ/yr", "generation.csv, electricity into storage", False),
    "Storage Discharge|Electricity": ("EJ/yr", "generation.csv, electricity out of storage (not secondary energy)", False),
    "Final Energy|<SECTOR>|<CARRIER>": ("EJ/yr", "energy_use.csv, end-use sectors", True),
    "Primary Energy|<POWER_FUEL>|Electricity": ("EJ/yr", "energy_use.csv, fuel of the power sector", True),
    "Emissions|CO2|Energy|Demand|<SECTOR>": ("Mt CO2/yr", "emissions.csv, end-use sectors", True),
    "Emissions|CO2|Energy|Supply|Electricity": ("Mt CO2/yr", "emissions.csv, power (fuel and grid imports)", True),
    "Cost|<COST_SECTOR>|<COMPONENT>": ("million CNY_<base>/yr", "costs.csv, undiscounted", False),
    "Price|Secondary Energy|Electricity": ("CNY_<base>/kWh", "prices.csv, load-weighted marginal price", True),
}

#: aggregate roots (every ancestor of a leaf under a root is written as the sum of its children)
ROOTS = (
    "Capacity|Electricity|Solar",
    "Capacity|Electricity|Storage",
    "Storage Capacity|Electricity",
    "Capacity|Electricity|Import",
    "Secondary Energy|Electricity",
    "Electricity Import",
    "Final Energy",
    "Emissions|CO2",
    "Cost",
)

_COST_SECTORS = ("power", "steel", "petrochemicals", "buildings", "transport", "other", "city")


def _title(name: str) -> str:
    return name.replace("_", " ").title()


def _expansions() -> dict[str, list[str]]:
    return {
        "<PV_CLASS>": sorted(set(PV_CLASS.values())),
        "<STORAGE>": sorted(set(STORAGE.values())),
        "<IMPORT>": sorted(set(IMPORT.values())),
        "<SOURCE>": sorted(set(SOURCE.values())),
        "<SECTOR>": sorted(set(SECTOR.values())),
        "<CARRIER>": sorted(set(CARRIER.values())),
        "<POWER_FUEL>": sorted(set(POWER_FUEL.values())),
        "<COST_SECTOR>": sorted(_title(s) for s in _COST_SECTORS),
        "<COMPONENT>": sorted({*COMPONENT.values(), "Fuel", "Measures", "Storage", "Carbon"}),
    }


def variables(base_year: int = 2023) -> dict[str, str]:
    """Every variable :func:`iamc_table` can write (leaves from :data:`MAPPING`, and their aggregates) → unit."""
    exp = _expansions()
    out: dict[str, str] = {}
    for pattern, (unit, _src, _common) in MAPPING.items():
        names = [pattern]
        for key, values in exp.items():
            names = [n.replace(key, v) for n in names for v in values] if key in pattern else names
        for n in names:
            out[n] = unit.replace("<base>", str(base_year))
    for leaf, unit in list(out.items()):
        for root in ROOTS:
            if leaf.startswith(root + "|"):
                parts = leaf.split("|")
                for k in range(root.count("|") + 1, len(parts)):
                    out.setdefault("|".join(parts[:k]), unit)
    return out


def _name(mapping: dict, key: str, notes: list[str], what: str) -> str:
    if key in mapping:
        return mapping[key]
    notes.append(f"iamc: {what} '{key}' has no fixed IAMC name; exported as '{_title(key)}'")
    return _title(key)


def _rows(frame: pd.DataFrame, variable: pd.Series, unit: str, value) -> pd.DataFrame:
    vals = frame[value].to_numpy() if isinstance(value, str) else np.asarray(value)
    return pd.DataFrame({"variable": np.asarray(variable), "unit": unit, "year": frame["year"].to_numpy(), "value": vals})


def add_aggregates(leaves: pd.DataFrame, roots) -> pd.DataFrame:
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
    tables: dict[str, pd.DataFrame],
    scenario: str,
    model: str = "transim",
    region: str = "Wuhan",
    kgce_per_kwh: float = 0.1229,
    base_year: int = 2023,
) -> tuple[pd.DataFrame, list[str]]:
    """The IAMC table of a run's result tables, and notes on names not in the mapping table.

    Energy in EJ/yr: Mtce × :data:`EJ_PER_MTCE`; electricity given in TWh ×
    :data:`EJ_PER_TWH` (``kgce_per_kwh`` is kept for the signature: the
    direct-equivalent 0.1229 kgce/kWh and 3.6 PJ/TWh are the same factor).
    """
    notes: list[str] = []
    money = f"million CNY_{base_year}/yr"
    leaves = []
    cap = tables.get("capacity")
    if cap is not None and not cap.empty:
        cap = cap[cap["variable"] == "capacity"]
        pv = cap[cap["technology"].str.startswith("pv_") & (cap["unit"] == "GW")]
        names = pv["technology"].map(lambda t: PV_CLASS.get(t) or _name(PV_CLASS, t, notes, "PV class"))
        leaves.append(_rows(pv, "Capacity|Electricity|Solar|PV|" + names, "GW", "value"))
        st = cap[cap["technology"].str.startswith("storage_")]
        for unit, root in (("GW", "Capacity|Electricity|Storage|"), ("GWh", "Storage Capacity|Electricity|")):
            part = st[st["unit"] == unit]
            names = part["technology"].map(lambda t: _name(STORAGE, t, notes, "storage technology"))
            leaves.append(_rows(part, root + names, unit, "value"))
        imp = cap[cap["technology"].str.startswith("import_") & (cap["unit"] == "GW")]
        names = imp["technology"].map(lambda t: _name(IMPORT, t, notes, "import channel"))
        leaves.append(_rows(imp, "Capacity|Electricity|Import|" + names, "GW", "value"))
    gen = tables.get("generation")
    if gen is not None and not gen.empty:
        src = gen["source"]
        flows = ["storage_charge", "storage_discharge", "curtailment"]
        local = gen[~(src.str.startswith("load_") | src.str.startswith("import_") | src.isin(flows))]
        names = local["source"].map(lambda s: SOURCE["pv"] if s.startswith("pv_") else _name(SOURCE, s, notes, "electricity source"))
        leaves.append(_rows(local, "Secondary Energy|Electricity|" + names, "EJ/yr", local["value_twh"].to_numpy() * EJ_PER_TWH))
        imp = gen[src.str.startswith("import_")]
        names = imp["source"].map(lambda t: _name(IMPORT, t, notes, "import channel"))
        leaves.append(_rows(imp, "Electricity Import|" + names, "EJ/yr", imp["value_twh"].to_numpy() * EJ_PER_TWH))
        trade = imp.groupby("year", as_index=False)["value_twh"].sum()
        leaves.append(
            _rows(trade, pd.Series(["Trade|Secondary Energy|Electricity|Volume"] * len(trade)), "EJ/yr", -trade["value_twh"] * EJ_PER_TWH)
        )
        for flow, var, sign in (
            ("curtailment", "Curtailment|Electricity", -1.0),
            ("storage_charge", "Storage Charge|Electricity", -1.0),
            ("storage_discharge", "Storage Discharge|Electricity", 1.0),
        ):
            part = gen[src == flow]
            leaves.append(_rows(part, pd.Series([var] * len(part)), "EJ/yr", sign * part["value_twh"].to_numpy() * EJ_PER_TWH))
    eu = tables.get("energy_use")
    if eu is not None and not eu.empty:
        ej = eu["value"].to_numpy(dtype=float) * np.where(eu["unit"] == "TWh", EJ_PER_TWH, EJ_PER_MTCE)
        final = (eu["sector"] != "power").to_numpy()
        e = eu[final]
        path = (
            e["sector"].map(lambda s: _name(SECTOR, s, notes, "sector"))
            + "|"
            + e["carrier"].map(lambda c: _name(CARRIER, c, notes, "carrier"))
        )
        leaves.append(_rows(e, "Final Energy|" + path, "EJ/yr", ej[final]))
        p = eu[~final]
        fuel = p["carrier"].map(lambda c: _name(POWER_FUEL, c, notes, "power fuel"))
        leaves.append(_rows(p, "Primary Energy|" + fuel + "|Electricity", "EJ/yr", ej[~final]))
    em = tables.get("emissions")
    if em is not None and not em.empty:
        var = em["sector"].map(
            lambda s: (
                "Emissions|CO2|Energy|Supply|Electricity"
                if s == "power"
                else "Emissions|CO2|Energy|Demand|" + _name(SECTOR, s, notes, "sector")
            )
        )
        leaves.append(_rows(em, var, "Mt CO2/yr", "value_mtco2"))
    co = tables.get("costs")
    if co is not None and not co.empty:
        var = "Cost|" + co["sector"].map(_title) + "|" + co["component"].map(lambda c: COMPONENT.get(c, _title(c)))
        leaves.append(_rows(co, var, money, "value_mcny"))
    prices = tables.get("prices")
    if prices is not None and not prices.empty:
        weighted = load_weighted_price(prices)
        leaves.append(
            pd.DataFrame(
                {
                    "variable": "Price|Secondary Energy|Electricity",
                    "unit": f"CNY_{base_year}/kWh",
                    "year": weighted.index,
                    "value": weighted.to_numpy(),
                }
            )
        )
    leaves = [f for f in leaves if not f.empty]
    if not leaves:
        return pd.DataFrame(columns=COLUMNS), notes
    flat = pd.concat(leaves, ignore_index=True)
    flat = flat.groupby(["variable", "unit", "year"], as_index=False)["value"].sum()
    full = add_aggregates(flat, ROOTS)
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
        base_year=scenario.spec.years.base,
    )
    write_csv(frame, Path(folder) / "iamc.csv")
    return notes
