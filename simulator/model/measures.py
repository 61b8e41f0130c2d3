"""The generic investable measure: one LP object used by every sector.

A measure catalogue is two tables joined on the measure id, so that each
row's sources back every number in it:

* ``inputs/<dataset>/measures_<sector>.csv``, the city's deployment:
  ``measure`` (id), ``product`` (which activity it applies to), ``unit``
  (adoption unit, e.g. ``Mt/yr capacity covered``, ``million m2``,
  ``thousand vehicles``), ``existing`` (adopted before the first planning
  year, in ``unit``), ``potential`` (most that can ever be adopted,
  ``unit``), ``max_rate_per_yr`` (most new units a year; an empty potential
  or rate means the measure has no limit of its own — a sector may set one
  from its activity, e.g. a year's new floor area), ``first_year``, ``source``;
* ``inputs/<dataset>/technologies_<sector>.csv``, the technology per unit:
  ``measure``, ``unit`` (the same as in the deployment table),
  ``lifetime_yr``, ``capex_mcny_per_unit``, ``fixed_opex_mcny_per_unit_yr``
  and one ``saving_<carrier>`` column per carrier of ``carriers.csv``: the
  yearly saving per unit adopted, in the carrier's unit (TWh or Mtce);
  negative means more use of that carrier (electrification), plus ``source``.

A measure in one table but not the other is refused with its file and row
(:func:`simulator.intake.inputs.split_problems`); a data set without a
technologies table keeps the technology columns in the deployment table.

In the LP (all indexed (year, measure)):

* ``adopted[y,m]`` ≥ 0, cumulative adoption in the measure's unit;
* ``adoption_within_potential``: adopted[y,m] ≤ potential[m]
  (stated for the last year only: adoption never decreases);
* ``adoption_never_decreases``: adopted[y,m] ≥ adopted[y−1,m] (≥ existing[m]
  in the first planning year);
* ``adoption_within_rate``: adopted[y,m] − adopted[y−1,m] ≤ max_rate[m];
* not before ``first_year``: adopted[y,m] ≤ existing[m] for y < first_year;
* ``saving[y,c] = Σ_m saving[m,c] · adopted[y,m]`` (carrier units/yr);
* ``cost[y] = Σ_m CRF(r, life_m) · capex_m · (adopted[y,m] − existing[m])
  + fixed_opex_m · (adopted[y,m] − existing[m])`` (M CNY/yr; measures
  adopted before the horizon are sunk).

The capital recovery factor is ``CRF(r, n) = r / (1 − (1 + r)^−n)``
(``1/n`` when r = 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.core as pyo

#: columns of the deployment table (measures_<sector>.csv)
DEPLOYMENT_COLUMNS = ["measure", "product", "unit", "existing", "potential", "max_rate_per_yr", "first_year"]
#: columns of the technology table (technologies_<sector>.csv)
TECHNOLOGY_COLUMNS = ["measure", "lifetime_yr", "capex_mcny_per_unit", "fixed_opex_mcny_per_unit_yr"]
MEASURE_COLUMNS = [*DEPLOYMENT_COLUMNS, *TECHNOLOGY_COLUMNS[1:]]


def technology_table(table: str) -> str:
    """The name of the table holding the per-unit technology of deployment table ``table`` (``technologies_<sector>``).

    A data set without that table keeps the technology columns in ``table`` itself.
    """
    return "technologies_" + table.removeprefix("measures_")


def crf(rate: float, lifetime: float) -> float:
    """Capital recovery factor: annuity per unit of capex over ``lifetime`` years."""
    if lifetime <= 0:
        raise ValueError("lifetime must be positive")
    if rate == 0:
        return 1.0 / lifetime
    return rate / (1.0 - (1.0 + rate) ** (-lifetime))


def check_catalogue(inputs, table: str, carriers: list[str]) -> pd.DataFrame:
    """Validate a measure catalogue: deployment table ``table`` joined with its technology table.

    Every problem names the file and row where the number lives (a capex in
    technologies_<sector>.csv, a potential in measures_<sector>.csv). The
    returned frame has the deployment table's rows in its order (a sector's
    later checks of deployment columns name ``table`` rows by position).
    """
    tech = technology_table(table) if technology_table(table) in inputs.tables else table
    frame = inputs.table(table, DEPLOYMENT_COLUMNS)
    technology = inputs.table(tech, TECHNOLOGY_COLUMNS)
    saving_cols = [c for c in technology.columns if c.startswith("saving_")]
    unknown = [c for c in saving_cols if c[len("saving_") :] not in carriers]
    if unknown:
        from simulator.errors import DataError, Problem

        raise DataError(
            problems=[
                Problem(
                    inputs.where(tech),
                    c,
                    "saving column for an unknown carrier",
                    "saving_<carrier> with a carrier of carriers.csv: " + ", ".join(carriers),
                )
                for c in unknown
            ]
        )
    inputs.check_nonnegative(table, ["potential", "max_rate_per_yr"], allow_empty=True)  # empty: no limit of its own
    inputs.check_nonnegative(table, ["existing"])
    inputs.check_nonnegative(tech, ["capex_mcny_per_unit", "fixed_opex_mcny_per_unit_yr"])
    inputs.check(tech, technology["lifetime_yr"] > 0, "lifetime_yr", "must be positive", "years > 0")
    inputs.check(table, ~frame["measure"].duplicated(), "measure", "duplicate measure id", "unique ids")
    frame = (inputs.joined(tech) if tech != table else frame).copy()
    for col in ["potential", "max_rate_per_yr"]:
        frame[col] = frame[col].astype(float).fillna(np.inf)
    inputs.check(table, frame["existing"] <= frame["potential"], "existing", "exceeds the potential", "existing ≤ potential")
    for c in carriers:
        col = f"saving_{c}"
        frame[col] = frame[col].fillna(0.0).astype(float) if col in frame else 0.0
    return frame.reset_index(drop=True)


def add_measures(block, model, catalogue: pd.DataFrame, carriers: list[str], discount_rate: float) -> None:
    """Add the measure variables and constraints of ``catalogue`` to ``block``.

    Creates ``M``, ``adopted[y,m]``, ``adoption_within_potential[m]``,
    ``adoption_never_decreases[y,m]``, ``adoption_within_rate[y,m]``,
    ``saving[y,c]`` (carrier units/yr) and ``measure_cost[y]`` (M CNY/yr).
    """
    years = list(model.Y)
    cat = catalogue.set_index("measure")
    block.measure_catalogue = catalogue  # read by results (units, existing, savings, costs)
    block.measure_units = cat["unit"].astype(str).to_dict()
    block.measure_existing = cat["existing"].astype(float).to_dict()
    lifetime, capex = (dict(zip(cat.index, cat[col].to_numpy(), strict=True)) for col in ("lifetime_yr", "capex_mcny_per_unit"))
    block.measure_annuity = {m: crf(discount_rate, float(lifetime[m])) * float(capex[m]) for m in cat.index}
    block.M = pyo.Set(initialize=list(cat.index), ordered=True)
    existing = cat["existing"].astype(float).to_dict()
    potential = cat["potential"].astype(float).to_dict()
    rate = cat["max_rate_per_yr"].astype(float).to_dict()
    first = cat["first_year"].astype(int).to_dict()

    def _bounds(b, y, m):
        upper = existing[m] if y < first[m] else None
        return (0.0, upper)

    block.adopted = pyo.Var(model.Y, block.M, bounds=_bounds, doc="cumulative adoption, measure unit")
    last = years[-1]
    block.adoption_within_potential = pyo.Constraint(
        block.M, rule=lambda b, m: b.adopted[last, m] <= potential[m] if np.isfinite(potential[m]) else pyo.Constraint.Skip
    )

    def _prev(b, y, m):
        return existing[m] if y == years[0] else b.adopted[years[years.index(y) - 1], m]

    block.adoption_never_decreases = pyo.Constraint(model.Y, block.M, rule=lambda b, y, m: b.adopted[y, m] >= _prev(b, y, m))
    block.adoption_within_rate = pyo.Constraint(
        model.Y,
        block.M,
        rule=lambda b, y, m: b.adopted[y, m] - _prev(b, y, m) <= rate[m] if np.isfinite(rate[m]) else pyo.Constraint.Skip,
    )
    saving = cat[[f"saving_{c}" for c in carriers]].to_numpy(dtype=float)
    coef = {(m, c): saving[i, j] for i, m in enumerate(cat.index) for j, c in enumerate(carriers) if saving[i, j] != 0.0}
    block.saving = pyo.Expression(
        model.Y,
        model.C,
        rule=lambda b, y, c: sum(v * b.adopted[y, m] for (m, cc), v in coef.items() if cc == c),
        doc="yearly saving by carrier, TWh or Mtce",
    )
    annuity = block.measure_annuity
    opex = cat["fixed_opex_mcny_per_unit_yr"].astype(float).to_dict()
    block.measure_cost = pyo.Expression(
        model.Y,
        rule=lambda b, y: sum((annuity[m] + opex[m]) * (b.adopted[y, m] - existing[m]) for m in b.M),
        doc="annualised capex + fixed opex of measures adopted in the horizon, M CNY/yr",
    )
