"""The run folder's charts, rendered while the rest of the run folder is written.

Rendering the nine charts (PNG and SVG) is the slowest part of writing a run
folder (≈ 5.6 CPU-s at 36 days and at 8,760 h; importing matplotlib ≈ 0.7 s
more). :func:`start_run_charts` forks a renderer as soon as the run folder is
begun; it imports matplotlib and renders while this process writes the
tables, ``iamc.csv`` and the manifest, then this process renders too. Both
take the next chart from one shared counter, slowest first
(:func:`render_order`), so they end within about one chart of each other
whatever the other writers cost. Every chart is drawn exactly as
:func:`simulator.results.charts.make_charts` and
:func:`~simulator.results.charts.save_charts` draw it alone (same files).

Without ``fork`` or with one core, the returned function renders every chart
in this process. A renderer that dies leaves its charts to this process.
"""

from __future__ import annotations

import math
import os
import signal
from collections.abc import Callable
from pathlib import Path

#: CPU-s to make and save each chart, mean of the reference scenario at 36 days and at 8,760 h (2026-11-28 19:36,
#: load ≈ 2: scorecard 0.99 / 1.21, capacity 1.01 / 0.86, energy_use 0.85 / 0.90, macc 0.74 / 0.82, dispatch
#: 0.73 / 0.59, costs 0.46 / 0.44, supply_mix 0.44 / 0.33, price_duration 0.21 / 0.31, emissions 0.20 / 0.19)
RENDER_SECONDS = {
    "scorecard": 1.10,
    "capacity": 0.94,
    "energy_use": 0.88,
    "macc": 0.78,
    "dispatch": 0.66,
    "costs": 0.45,
    "supply_mix": 0.39,
    "price_duration": 0.26,
    "emissions": 0.20,
}


def render_order() -> tuple[str, ...]:
    """Every chart of a run (:data:`simulator.results.charts.CHART_NAMES`), slowest first; one not timed yet first of all."""
    from simulator.results.charts import CHART_NAMES

    return tuple(sorted(CHART_NAMES, key=lambda name: -RENDER_SECONDS.get(name, math.inf)))


def _render_claimed(job: tuple, claim: Callable[[], str | None]) -> tuple[list[str], list[str]]:
    """Render the charts ``claim`` hands out until it hands out None; (their names, their notes)."""
    from simulator.results.charts import make_charts, save_charts

    tables, scenario, lang, factor, folder, base_year = job
    names: list[str] = []
    notes: list[str] = []
    while (name := claim()) is not None:
        charts = make_charts(tables, scenario, lang, factor, only=(name,), base_year=base_year)
        save_charts(charts, folder)
        names.append(name)
        notes += [n for n in charts.notes if n not in notes]
    return names, notes


def _handing_out(names) -> Callable[[], str | None]:
    """A claim that hands out ``names`` in turn, then None."""
    remaining = iter(names)
    return lambda: next(remaining, None)


def _counter_claim(counter, order: tuple[str, ...]) -> Callable[[], str | None]:
    def claim() -> str | None:
        with counter.get_lock():
            i = counter.value
            counter.value = i + 1
        return order[i] if i < len(order) else None

    return claim


def _child(job: tuple, counter, order: tuple[str, ...]) -> None:  # pragma: no cover - runs in the forked renderer
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops this renderer
    _render_claimed(job, _counter_claim(counter, order))


def start_run_charts(outcome, folder: str | Path, lang: str = "en", fork: bool | None = None) -> Callable[[], list[str]]:
    """Begin writing ``<folder>/charts/*.png|svg``; the returned function finishes it and returns notes for the CLI.

    The returned function renders charts in this process until none is left,
    waits for the forked renderer, renders any chart the renderer could not,
    and notes the charts skipped because their data is absent. Its
    ``cancel()`` stops the renderer (a run that fails before finishing).
    ``fork``: None forks where the machine has two cores or more and ``fork``
    exists; False renders everything in this process.
    """
    import multiprocessing as mp

    scenario = outcome.prepared.scenario
    target = Path(folder) / "charts"
    job = (
        outcome.tables,
        scenario.name,
        lang,
        scenario.spec.accounting.electricity_calorific_kgce_per_kwh,
        target,
        scenario.spec.years.base,
    )
    order = render_order()
    if fork is None:
        fork = (os.cpu_count() or 1) >= 2 and "fork" in mp.get_all_start_methods()
    if not fork:

        def alone() -> list[str]:
            return _finish(job, order, _handing_out(order), None)

        alone.cancel = lambda: None
        return alone
    context = mp.get_context("fork")
    counter = context.Value("i", 0)
    child = context.Process(target=_child, args=(job, counter, order), daemon=True)
    child.start()

    def finish() -> list[str]:
        return _finish(job, order, _counter_claim(counter, order), child)

    def cancel() -> None:
        if child.is_alive():
            child.terminate()
        child.join()

    finish.cancel = cancel
    return finish


def _finish(job: tuple, order: tuple[str, ...], claim: Callable[[], str | None], child) -> list[str]:
    from simulator.results.charts import resolve_lang

    notes = list(resolve_lang(job[2])[2])
    mine, my_notes = _render_claimed(job, claim)
    notes += [n for n in my_notes if n not in notes]
    folder = job[4]
    if child is not None:
        child.join()
        if child.exitcode != 0:  # the renderer died (perhaps while writing a file): its charts again, here
            _, again = _render_claimed(job, _handing_out([n for n in order if n not in mine]))
            notes += [n for n in again if n not in notes]
    for name in order:
        note = f"chart '{name}' skipped: its data is absent from this run"
        if not (folder / f"{name}.png").exists() and note not in notes:
            notes.append(note)
    return notes
