"""Transport: vehicle fleet with electric uptake, charging piles, intermodal shift, shore and ground power.

Units: vehicles thousand, piles thousand, containers thousand TEU/yr,
berths and stands counted one by one; electricity TWh, other carriers Mtce,
money M CNY. Use per unit is in the carrier's unit per activity unit a year
(e.g. Mtce per thousand vehicles = tce per vehicle × 1e-3).

Tables read (``inputs/<dataset>/``):

* ``transport_activity.csv``: product, kind (``fleet`` | ``piles`` |
  ``intermodal`` | ``coverage``), activity (base year, held over the
  horizon), activity_unit, carrier (fuel used with no measure),
  use_per_unit (carrier unit per activity unit and year), piles_per_vehicle
  (fleet rows: piles needed per electric vehicle), source.
* ``measures_transport.csv``: the measure catalogue of
  :mod:`simulator.measures`; ``product`` names a row of transport_activity.
  Fleet measures are electric uptake (thousand vehicles), the ``piles``
  measure is the charging-pile count, the ``intermodal`` measure is the
  rail–water container volume, ``coverage`` measures are shore power
  (berths) and airport ground power (stands).
* ``transport_loads.csv``: product, profile, share: how each product's
  electricity is spread over the load shapes (home, public, fast charging…).

Energy (year y, product p, carrier c):

    gross[p,c] = activity[p] · use_per_unit[p]   (c = the product's carrier)
    use_p[y,p,c] = gross[p,c] − Σ_{m∈p} saving[m,c] · adopted[y,m]
    use[y,c] = Σ_p use_p[y,p,c];   baseline_use: adopted = existing

Savings of electric uptake are the vehicle's fuel (positive) and its
charging electricity (negative); adoption is at most the fleet, so fuel use
stays ≥ 0. Charging piles follow the electric fleet:

    piles_follow_fleet[y]: piles[y] ≥ Σ_{fleet p} piles_per_vehicle[p] · Σ_{m∈p} adopted[y,m]

``transport.charging_piles`` counts the whole stock of piles built or
upgraded, those standing in the base year included (thousand).
"""

from __future__ import annotations

import pandas as pd
import pyomo.core as pyo

from simulator.errors import DataError, Problem
from simulator.intake.sector_settings import TransportSettings as Settings  # noqa: F401 (the sector's schema, part of its contract)
from simulator.model.measures import add_measures, check_catalogue
from simulator.model.targets import Indicator
from simulator.sectors.common import attach_contract, carriers

KINDS = ("fleet", "piles", "intermodal", "coverage")


# --------------------------------------------------------------------------- data


def _tables(inputs, carrier_names: list[str], profiles: list[str]):
    act = inputs.table(
        "transport_activity", ["product", "kind", "activity", "activity_unit", "carrier", "use_per_unit", "piles_per_vehicle"]
    )
    inputs.check("transport_activity", act["kind"].isin(KINDS), "kind", "unknown kind", ", ".join(KINDS))
    inputs.check_nonnegative("transport_activity", ["activity", "use_per_unit", "piles_per_vehicle"])
    carrier = act["carrier"].fillna("").astype(str)
    inputs.check(
        "transport_activity",
        (carrier == "") | carrier.isin(carrier_names),
        "carrier",
        "not a carrier of carriers.csv",
        ", ".join(carrier_names),
    )
    inputs.check("transport_activity", ~act["product"].duplicated(), "product", "duplicate product", "unique products")
    act = act.assign(carrier=carrier).set_index("product")

    cat = check_catalogue(inputs, "measures_transport", carrier_names)
    inputs.check(
        "measures_transport", cat["product"].isin(act.index), "product", "not a product of transport_activity.csv", ", ".join(act.index)
    )
    kind_of = cat["product"].map(act["kind"])
    for kind in ["piles", "intermodal"]:
        n = int((kind_of == kind).sum())
        if n > 1:
            raise DataError(
                problems=[
                    Problem(inputs.where("measures_transport"), "product", f"{n} measures of kind '{kind}'", f"at most one {kind} measure")
                ]
            )
    over = cat["potential"].to_numpy() > cat["product"].map(act["activity"]).to_numpy() + 1e-9
    limited = kind_of.isin(["fleet", "coverage"]).to_numpy()
    inputs.check(
        "measures_transport",
        ~pd.Series(over & limited),
        "potential",
        "exceeds the activity of its product",
        "potential ≤ fleet size, berths or stands",
    )

    loads = inputs.table("transport_loads", ["product", "profile", "share"])
    inputs.check(
        "transport_loads", loads["product"].isin(act.index), "product", "not a product of transport_activity.csv", ", ".join(act.index)
    )
    inputs.check("transport_loads", loads["profile"].isin(profiles), "profile", "not a column of profiles_hourly.csv", ", ".join(profiles))
    inputs.check("transport_loads", loads["share"].between(0, 1), "share", "must be in [0, 1]", "a share")
    sums = loads.groupby("product")["share"].sum()
    electric = set(cat.loc[cat["saving_electricity"] < 0, "product"])
    bad = sorted(p for p in electric if abs(sums.get(p, 0.0) - 1.0) > 1e-6)
    if bad:
        raise DataError(
            problems=[
                Problem(inputs.where("transport_loads"), "share", f"shares of '{p}' sum to {sums.get(p, 0.0):g}", "shares summing to 1")
                for p in bad
            ]
        )
    return act, cat, loads


# --------------------------------------------------------------------------- build


def build(model, scenario, inputs):
    """Build ``model.transport``: fleet uptake, piles, intermodal, shore/ground power, use, loads, indicators."""
    table = carriers(inputs)
    carrier_names = list(table.index)
    act, cat, loads = inputs.derived(_tables, carrier_names, list(model.time.profiles.columns))  # made again when its tables change
    years = list(model.Y)
    b = pyo.Block()
    model.transport = b
    add_measures(b, model, cat, carrier_names, scenario.spec.economics.discount_rate)
    b.P = pyo.Set(initialize=list(act.index), ordered=True, doc="transport products")
    rows = cat.set_index("measure")
    product = rows["product"].to_numpy()
    b.members = {p: [m for i, m in enumerate(rows.index) if product[i] == p] for p in act.index}
    _use(b, model, act, rows, carrier_names)
    _piles(b, model, act)

    use = {(y, c): sum(b.use_by_product[y, p, c] for p in b.P) for y in years for c in carrier_names}
    existing = rows["existing"].astype(float).to_dict()
    activity, per_unit, carrier = (
        dict(zip(act.index, act[col].to_numpy(), strict=True)) for col in ("activity", "use_per_unit", "carrier")
    )
    saving = {c: dict(zip(rows.index, rows[f"saving_{c}"].to_numpy(), strict=True)) for c in carrier_names}
    baseline = {}
    for p in act.index:
        for c in carrier_names:
            gross = float(activity[p] * per_unit[p]) if carrier[p] == c else 0.0
            saved = sum(float(saving[c][m]) * existing[m] for m in b.members[p])
            for y in years:
                baseline[(y, c)] = baseline.get((y, c), 0.0) + gross - saved
    parts = [(_Elec(b, str(r["product"])), str(r["profile"]), float(r["share"])) for _, r in loads.iterrows()]
    load_parts = [(_Scaled(e, s), prof) for e, prof, s in parts if s > 0]
    attach_contract(b, model, inputs, use=use, baseline_use=baseline, loads=load_parts, cost={y: b.measure_cost[y] for y in years})
    _indicators(b, model, act, rows, scenario.spec.years.base)
    return b


class _Elec:
    """Electricity use of one product by year (TWh)."""

    def __init__(self, block, product):
        self.block, self.product = block, product

    def __getitem__(self, y):
        return self.block.use_by_product[y, self.product, "electricity"]


class _Scaled:
    def __init__(self, part, share):
        self.part, self.share = part, share

    def __getitem__(self, y):
        return self.share * self.part[y]


def _use(b, model, act, rows, carrier_names) -> None:
    """use_by_product[y,p,c] = activity[p]·use_per_unit[p]·[c = carrier_p] − Σ_{m∈p} saving[m,c]·adopted[y,m]   (TWh | Mtce)."""
    activity, per_unit, carrier = (
        dict(zip(act.index, act[col].to_numpy(), strict=True)) for col in ("activity", "use_per_unit", "carrier")
    )
    saving = {c: dict(zip(rows.index, rows[f"saving_{c}"].to_numpy(), strict=True)) for c in carrier_names}
    gross = {(p, c): float(activity[p] * per_unit[p]) if carrier[p] == c else 0.0 for p in act.index for c in carrier_names}
    coef = {(p, c): [(m, float(saving[c][m])) for m in b.members[p] if saving[c][m] != 0] for p in act.index for c in carrier_names}
    b.use_by_product = pyo.Expression(
        model.Y,
        b.P,
        model.C,
        rule=lambda bb, y, p, c: gross[(p, c)] - sum(s * bb.adopted[y, m] for m, s in coef[(p, c)]),
        doc="final energy use after measures, TWh | Mtce",
    )


def _piles(b, model, act) -> None:
    """piles_follow_fleet[y]: piles[y] ≥ Σ_p ratio_p · EV_p[y]   (thousand piles).

    EV_p[y] = Σ_{m∈p} adopted[y,m] (thousand electric vehicles of segment p).
    """
    fleet = [p for p in act.index if act.at[p, "kind"] == "fleet"]
    ratio = act["piles_per_vehicle"].astype(float).to_dict()
    pile_measures = [m for p in act.index if act.at[p, "kind"] == "piles" for m in b.members[p]]
    b.PF = pyo.Set(initialize=fleet, ordered=True, doc="vehicle segments")
    b.electric_vehicles = pyo.Expression(
        model.Y, b.PF, rule=lambda bb, y, p: sum(bb.adopted[y, m] for m in bb.members[p]), doc="electric vehicles, thousand"
    )
    b.piles = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.adopted[y, m] for m in pile_measures), doc="charging piles, thousand")
    b.piles_follow_fleet = pyo.Constraint(
        model.Y,
        rule=lambda bb, y: (
            bb.piles[y] >= sum(ratio[p] * bb.electric_vehicles[y, p] for p in bb.PF) if pile_measures else pyo.Constraint.Skip
        ),
    )


def _indicators(b, model, act, rows, base_year: int) -> None:
    """EV share, piles, intermodal volume and growth, coverage of shore and ground power."""
    years = list(model.Y)
    existing = rows["existing"].astype(float).to_dict()
    fleet_size = float(sum(act.at[p, "activity"] for p in b.PF))
    ev0 = sum(existing[m] for p in b.PF for m in b.members[p])
    b.electric_fleet = pyo.Expression(model.Y, rule=lambda bb, y: sum(bb.electric_vehicles[y, p] for p in bb.PF), doc="thousand")
    piles0 = sum(existing[m] for p in act.index if act.at[p, "kind"] == "piles" for m in b.members[p])
    ind = {
        "transport.ev_share": Indicator(
            "transport.ev_share",
            "%",
            "electric vehicles over the fleet (all segments)",
            b.electric_fleet,
            denominator=dict.fromkeys(years, fleet_size),
            scale=100.0,
            base_value=100.0 * ev0 / fleet_size if fleet_size else None,
            denominator_ref=fleet_size or 1.0,
        ),
        "transport.electric_vehicles": Indicator(
            "transport.electric_vehicles", "thousand vehicles", "electric vehicles, all segments", b.electric_fleet, base_value=ev0
        ),
        "transport.charging_piles": Indicator(
            "transport.charging_piles",
            "thousand piles",
            "charging piles built or upgraded, cumulative (base-year stock included)",
            b.piles,
            base_value=piles0,
        ),
    }
    inter = [m for p in act.index if act.at[p, "kind"] == "intermodal" for m in b.members[p]]
    if inter:
        m0 = inter[0]
        b.intermodal_volume = pyo.Expression(model.Y, rule=lambda bb, y: bb.adopted[y, m0], doc="rail–water containers, thousand TEU/yr")
        ind["transport.intermodal_volume"] = Indicator(
            "transport.intermodal_volume",
            "thousand TEU",
            "container rail–water intermodal volume",
            b.intermodal_volume,
            base_value=existing[m0],
        )
        # 年均增长 g from the base year b: vol[y] ≥ vol_b · (1 + g/100)^(y − b), linear in vol[y]
        ind["transport.intermodal_growth"] = Indicator(
            "transport.intermodal_growth",
            "%",
            "average annual growth of container rail–water intermodal volume since the base year (年均增长)",
            b.intermodal_volume,
            growth_from_base=base_year,
            base_level=existing[m0],
        )
    coverage = [(p, m) for p in act.index if act.at[p, "kind"] == "coverage" for m in b.members[p]]
    for p, m in coverage:
        size = float(act.at[p, "activity"])
        ind[f"transport.{m}_coverage"] = Indicator(
            f"transport.{m}_coverage",
            "%",
            f"{act.at[p, 'activity_unit']} equipped with {m.replace('_', ' ')} over all eligible",
            {y: b.adopted[y, m] for y in years},
            denominator=dict.fromkeys(years, size),
            scale=100.0,
            base_value=100.0 * existing[m] / size if size else None,
            denominator_ref=size or 1.0,
        )
    b.indicators = ind
