"""KeptModel: a sweep variant uses the unchanged sector blocks of the previous build again.

Each variant below is built twice, once through the kept model and once afresh; the LP HiGHS receives must be
the same, number for number and in the same row and column order. Which blocks are used again is worked out
by hand from what each sector reads: steel and petrochemicals read the grid row of imports.csv (the tariff of
their measures' net cost), so a green-import change leaves them standing; buildings reads the existing PV and
profiles of pv_classes.csv, not its capex, and the power block's PV once the model stands; power reads all
three of pv_classes, storage and imports.
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
GRID = {"imports": {"grid": {"price_cny_per_kwh": 0.60}}}
PV_EXISTING = {"pv_classes": {"public_rooftop": {"existing_gw": 0.4}}}


@pytest.mark.parametrize(
    ("overrides", "reused"),
    [
        ({}, {"steel", "petrochemicals", "buildings", "transport", "power"}),  # nothing changed: all but other
        (PV, {"steel", "petrochemicals", "buildings", "transport"}),  # power again (capex); buildings reads no capex
        (STEEL, {"petrochemicals", "buildings", "transport", "power"}),  # steel again
        (GREEN, {"steel", "petrochemicals", "buildings", "transport"}),  # power again; the grid tariff unchanged
        (GRID, {"buildings", "transport"}),  # the grid tariff: power, steel and petrochemicals again
        (PV_EXISTING, {"steel", "petrochemicals", "transport"}),  # existing PV: power and buildings again
    ],
    ids=["unchanged", "pv-capex", "steel-output", "green-price", "grid-price", "pv-existing"],
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
    # each against the variant before it: PV fresh; STEEL (pv_classes back, steel changed) keeps petrochemicals,
    # buildings and transport; GREEN (steel back, green imports changed) keeps petrochemicals, buildings and
    # transport; {} (steel as in GREEN, the green price back) keeps all four demand sectors
    assert keep.reused == 0 + 3 + 3 + 4


def test_a_kept_block_reads_the_rebuilt_power_block(prepared, monkeypatch):
    """buildings' renewable share reads the power block's PV once the model stands. A storage cost rebuilds only
    power: buildings is kept and its share made again on the new power block, so the LP is the fresh one. Were
    the share's expressions kept from the first build (on the old, dismantled power block), translating the
    model would fail instead of giving another LP."""
    storage = {"storage": {"battery_lfp": {"capex_energy_cny_per_wh": 0.3}}}
    keep = KeptModel()
    _build(prepared, prepared.inputs, keep)
    variant = _inputs(prepared, storage)
    _assert_same_lp(_lp(_build(prepared, variant, keep)), _lp(_build(prepared, variant)))
    assert keep.reused == 4  # steel, petrochemicals, buildings, transport

    def first_power_only(self, y):  # the made expressions kept whatever the power block
        if y not in self._made:
            self._made[y] = self._rule(y)
        return self._made[y]

    monkeypatch.setattr(buildings._AfterPower, "__getitem__", first_power_only)
    keep = KeptModel()
    _build(prepared, prepared.inputs, keep)
    stale = _build(prepared, variant, keep)
    assert keep.reused == 4
    with pytest.raises(TypeError):
        compile_lp(stale)


def test_a_derived_read_is_compared_by_value(prepared):
    """A reading view notes a derived result by value: a change to another row of its table leaves it standing,
    a change to its own row does not."""
    from simulator.sectors.industry import grid_tariff

    view, read = prepared.inputs.reading()
    tariff = view.derived(grid_tariff)
    assert tariff[0] == pytest.approx(float(prepared.inputs.tables["imports"].set_index("channel").at["grid", "price_cny_per_kwh"]))
    noted = read()
    assert "imports" not in noted and len(noted) == 1
    assert _inputs(prepared, GREEN).reads_unchanged(noted)
    assert not _inputs(prepared, GRID).reads_unchanged(noted)


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
