"""Sweep speed-up: a serial loop against a LocalCluster on the same variants.

    python benchmarks/sweep_speedup.py scenarios/examples/reference-sweep.yaml --variants 20 --workers 2

Both paths solve the same variants with the same shared time slices
(:func:`simulator.sweep.run_serial` in this process; :func:`simulator.sweep.run_sweep`
on a fresh LocalCluster, cluster start-up included). ``--serial M`` times the
serial loop on the first M variants only and extrapolates linearly to all of
them (say so when you quote the figure); ``--serial 0`` skips it.
``--compare-reuse`` runs the cluster sweep twice, with each worker's HiGHS LP
reused between variants (updated in place, warm-started; the default) and
cold (every variant's LP passed afresh), and prints both.
``--split K`` profiles K variants after the first in this process (cProfile,
the worker's path: :func:`simulator.sweep.run_variant` with the LP reused) and
prints the seconds per variant of each stage (scenario and inputs of the
variant, model build, LP compile, HiGHS, objective, result tables, the
explanation of infeasible variants); profiling slows Python by about a third,
so compare splits with each other, not with wall times.
Wall times vary by tens of per cent between runs on a shared machine: quote
the ratio from one run, with the load average printed beside it. The serial
loop also prints its CPU seconds (``time.process_time``), steadier under load.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from simulator.sweep import plan_sweep, run_serial, run_sweep

#: stage → the (file name ending, function name) pairs whose cumulative time the stage is
STAGES = {
    "variant (all)": [("sweep.py", "run_variant")],
    "scenario + inputs of the variant": [("sweep.py", "_variant_inputs")],
    "model build": [("core.py", "build_model")],
    "LP compile": [("highs.py", "compile_lp")],
    "HiGHS run": [("~", "<built-in method highspy._core.run>")],
    "objective value": [("highs.py", "_objective_value"), ("objective.py", "__call__")],  # c·x, or the Pyomo expression
    "result tables": [("tables.py", "result_tables")],
    "infeasible: explanation": [("pipeline.py", "explain_infeasible")],
}


def split(plan, ids: list[str]) -> None:
    """cProfile of ``ids[1:]`` solved one after another (``ids[0]`` first, unprofiled: it passes the whole LP)."""
    import cProfile
    import pstats

    run_serial(plan, ids[:1], reuse=True)
    profile = cProfile.Profile()
    load = os.getloadavg()[0]
    profile.enable()
    table = run_serial(plan, ids[1:], reuse=True)
    profile.disable()
    n = len(ids) - 1
    stats = pstats.Stats(profile).stats
    counts = table["status"].value_counts().to_dict()
    print(
        f"split of {n} variants (profiled, load average {load:.1f}; statuses {counts}), s per variant (the explanation includes its builds and solves):"
    )
    for stage, functions in STAGES.items():
        seconds = sum(
            cumulative
            for (path, _line, func), (_cc, _nc, _tt, cumulative, _callers) in stats.items()
            if any(func == name and path.endswith(ending) for ending, name in functions)
        )
        print(f"  {stage:34s} {seconds / n:7.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--variants", type=int, default=20, help="Latin hypercube samples (variants)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (0: no cluster sweep)")
    ap.add_argument("--serial", type=int, default=None, help="time the serial loop on this many variants and extrapolate")
    ap.add_argument("--days", type=int, default=None, help="representative days (default: the scenario's)")
    ap.add_argument("--compare-reuse", action="store_true", help="cluster sweep with the LP reused and cold, one after the other")
    ap.add_argument("--split", type=int, default=0, help="profile this many variants after the first and print each stage's seconds")
    args = ap.parse_args()

    overrides = {"time": {"days": args.days, "hours": None}} if args.days else None
    plan = plan_sweep(args.scenario, samples=args.variants, overrides=overrides)
    ids = list(plan.variants["variant"])
    n_serial = min(len(ids) if args.serial is None else args.serial, len(ids))

    if args.split:
        split(plan, ids[: args.split + 1])
    serial_s = serial_all_s = None
    serial = None
    if n_serial > 0:
        t0, c0 = time.perf_counter(), time.process_time()
        serial = run_serial(plan, ids[:n_serial])
        serial_s, serial_cpu = time.perf_counter() - t0, time.process_time() - c0
        serial_all_s = serial_s * len(ids) / n_serial
        print(f"serial loop CPU: {serial_cpu:.1f} CPU-s for {n_serial} variants ({serial_cpu / n_serial:.3f} CPU-s each)")

    if args.workers == 0:
        return
    tables, walls = {}, {}
    for mode in ("reused", "cold") if args.compare_reuse else ("reused",):
        plan.bundle["reuse_lp"] = mode == "reused"
        load = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            tables[mode] = run_sweep(plan, tmp, workers=args.workers)
            walls[mode] = time.perf_counter() - t0
        print(
            f"LocalCluster({args.workers} workers, start-up included), LP {mode}: {walls[mode]:.1f} s for {len(ids)} variants "
            f"(load average before {load:.1f}, after {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    table = tables["reused"]
    counts = table["status"].value_counts().to_dict()
    print(f"scenario {plan.scenario.name}, {len(ids)} variants, {plan.bundle['time'].label}; statuses {counts}")
    if serial is not None:
        print(
            f"serial loop: {serial_s:.1f} s for {n_serial} variants ({serial_s / n_serial:.2f} s each)"
            + (f" -> {serial_all_s:.1f} s extrapolated to {len(ids)}" if n_serial < len(ids) else "")
        )
        print(f"speed-up over serial: {serial_all_s / walls['reused']:.2f}x")
        same = serial.set_index("variant")["objective_mcny"].sub(table.set_index("variant")["objective_mcny"]).abs().max()
        print(f"largest objective difference serial vs cluster on the shared variants: {same:.3g} M CNY")
    if "cold" in tables:
        diff = table.set_index("variant")["objective_mcny"].sub(tables["cold"].set_index("variant")["objective_mcny"]).abs().max()
        print(f"reused / cold wall: {walls['reused'] / walls['cold']:.2f}; largest objective difference reused vs cold: {diff:.3g} M CNY")


if __name__ == "__main__":
    main()
