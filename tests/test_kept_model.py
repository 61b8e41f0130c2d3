"""KeptModel: a sweep variant uses the unchanged sector blocks of the previous build again.

Each variant below is built twice, once through the kept model and once afresh; the LP HiGHS receives must be
the same, number for number and in the same row and column order. Which blocks are used again is worked out
by hand from the tables each sector reads (steel and petrochemicals read imports.csv for the grid tariff of
their measures' net cost; buildings reads pv_classes.csv and the power block's PV, ``READS_BLOCKS``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import SCENARIOS

from simulator.errors import DataError
from simulator.intake.inputs import apply_overrides
from simulator.model.core import KeptModel, build_model
from simulator.runs import pipeline
from simulator.sectors import buildings
from simulator.solve.highs import compile_lp, solve


@pytest.fixture(scope="module")
def prepared():
    return pipeline.prepare(SCENARIOS / "reference.yaml", {"time": {"days": 2}})


def _inputs(prepared, overrides: dict):
    return apply_overrides(prepared.inputs, overrides, lambda loc: str(loc))


def _lp(model) -> dict:
    compiled = compile_lp(model)
    out = {k: np.asarray(v) for k, v in compiled.arrays.items() if k != "offset"}
    out["offset"] = compiled.arrays["offset"]
    out["columns"] = [v.name for v in compiled.repn.columns]
    out["rows"] = [(r[0].name, r[1]) for r in compiled.repn.rows]
    return out


def _assert_same_lp(a: dict, b: dict) -> None:
    assert a["columns"] == b["columns"]
    assert a["rows"] == b["rows"]
    assert a["offset"] == b["offset"]
    for key in ("cost", "col_lower", "col_upper", "row_lower", "row_upper", "start", "index", "value"):
        assert np.array_equal(a[key], b[key]), key


def _build(prepared, inputs, keep=None):
    return build_model(prepared.scenario, inputs, prepared.time, keep=keep)


PV = {"pv_classes": {"utility": {"capex_cny_per_w": 2.5}}}
STEEL = {"steel_activity": {"2025": {"crude_steel_mt": 13.0}}}
GREEN = {"imports": {"green": {"price_cny_per_kwh": 0.47}}}


@pytest.mark.parametrize(
    ("overrides", "reused"),
    [
        ({}, {"steel", "petrochemicals", "buildings", "transport", "power"}),  # nothing changed: all but other
        (PV, {"steel", "petrochemicals", "transport"}),  # power and buildings (pv_classes) again
        (STEEL, {"petrochemicals", "buildings", "transport", "power"}),  # steel again
        (GREEN, {"transport"}),  # imports: power, steel, petrochemicals, and buildings with power
    ],
    ids=["unchanged", "pv-capex", "steel-output", "green-price"],
)
def test_a_kept_build_gives_the_fresh_builds_lp(prepared, overrides, reused):
    keep = KeptModel()
    first = _build(prepared, prepared.inputs, keep)
    assert keep.built == 6 and keep.reused == 0
    variant = _inputs(prepared, overrides)
    again = _build(prepared, variant, keep)
    assert again is first  # the same model, its blocks put back or built again
    assert keep.reused == len(reused) and keep.built == 6 + 6 - len(reused)
    assert {n for n in again.sector_names if getattr(again, n) is getattr(first, n)} >= reused
    _assert_same_lp(_lp(again), _lp(_build(prepared, variant)))


def test_a_chain_of_variants_solves_to_the_fresh_objectives(prepared):
    """Four variants in a row through one kept model: each objective equals its fresh build's to 1e-9."""
    keep = KeptModel()
    for overrides in (PV, STEEL, GREEN, {}):
        inputs = _inputs(prepared, overrides)
        kept = solve(_build(prepared, inputs, keep), prepared.scenario.spec.solver)
        fresh = solve(_build(prepared, inputs), prepared.scenario.spec.solver)
        assert kept.objective == pytest.approx(fresh.objective, rel=1e-9, abs=0.0)
    # each against the variant before it: PV fresh; STEEL (pv_classes back, steel changed) keeps petrochemicals
    # and transport; GREEN (steel back, imports changed) and {} (imports back) keep transport only
    assert keep.reused == 0 + 2 + 1 + 1


def test_a_block_that_reads_a_rebuilt_block_is_built_again(prepared, monkeypatch):
    """buildings' renewable share reads the power block's PV: with ``READS_BLOCKS`` removed, a variant that
    rebuilds only power (a storage cost) would keep buildings' expressions on the old power block's columns;
    that block is dismantled, so translating the model fails instead of giving another LP."""
    storage = {"storage": {"battery_lfp": {"capex_energy_cny_per_wh": 0.3}}}
    keep = KeptModel()
    _build(prepared, prepared.inputs, keep)
    variant = _inputs(prepared, storage)
    _assert_same_lp(_lp(_build(prepared, variant, keep)), _lp(_build(prepared, variant)))
    assert keep.reused == 3  # steel, petrochemicals, transport; buildings built again with power

    monkeypatch.setattr(buildings, "READS_BLOCKS", ())
    keep = KeptModel()
    _build(prepared, prepared.inputs, keep)
    stale = _build(prepared, variant, keep)
    assert keep.reused == 4
    with pytest.raises(TypeError):
        compile_lp(stale)


def test_a_failed_build_is_not_kept(prepared):
    """A variant whose storage efficiency is 1.5 fails in the power build; the next variant is built afresh."""
    keep = KeptModel()
    _build(prepared, prepared.inputs, keep)
    tables = dict(prepared.inputs.tables)
    tables["storage"] = tables["storage"].copy()
    tables["storage"].loc[0, "charge_efficiency"] = 1.5  # past the override's own check: the power build refuses it
    bad = replace(prepared.inputs, tables=tables)
    with pytest.raises(DataError):
        _build(prepared, bad, keep)
    assert keep.model is None
    variant = _inputs(prepared, STEEL)
    _assert_same_lp(_lp(_build(prepared, variant, keep)), _lp(_build(prepared, variant)))
