"""Performance benchmark of the whole model: build, translation, HiGHS, extraction, wall time, memory.

    python benchmarks/run.py                 # all four cases + the time-aggregation error report
    python benchmarks/run.py --quick         # without the 8,760 h × 3 years case
    python benchmarks/run.py --cases reference,long --no-error
    python benchmarks/run.py --cases hourly_1y --methods simplex,ipm,ipm_nox,pdlp

Cases (the reference scenario, whatever sectors it enables when run):

==========  ===========================  ==========
case        time slices                  years
==========  ===========================  ==========
reference   the scenario's default days  2024–2026
hourly_1y   8,760 h                      2024
hourly_3y   8,760 h                      2024–2026
long        the scenario's default days  2024–2035
==========  ===========================  ==========

Targets dated after a case's last year are moved to that year and made soft
(penalised shortfall), so that the one-year case keeps the LP's shape and
stays feasible.

Each case runs in a fresh Python process, the way ``transim run`` does:
load → slices → build → translate (Pyomo's ``LinearStandardFormCompiler`` →
``HighsLp``) → pass to HiGHS → HiGHS run → load solution → result tables →
run folder (in a temporary directory) with its charts, as ``transim run``
writes it (matplotlib imported while HiGHS runs, the charts rendered by two
processes alongside the tables; an older checkout's charts are drawn after
the run folder and timed apart).
Whole-process wall time is measured by this parent around the subprocess
(interpreter start and imports included); peak memory is the child's
``ru_maxrss`` (HiGHS runs in the same process). ``total/solve`` is the
whole-process wall time over HiGHS's own ``run()`` time.

The time-aggregation error report solves the same scenario and years with
6, 12, 24 and 48 representative days and each clustering method, and
compares objective and key capacities (PV by class, storage power and
energy, last planning year) with the 8,760-hour solve of the same years
(the ``hourly_3y`` case, or ``hourly_1y`` with ``--quick``).

Figures are written to ``benchmarks/results.json``. On a shared machine the
load average is recorded with each case; compare timings as ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_T_START = time.perf_counter()

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "reference.yaml"
FREE = ROOT / "benchmarks" / "free-decisions.yaml"  # overrides lifting the build limits (free decisions)

CASES = {
    "reference": {"days": None, "hours": None, "end": 2026, "label": "default days × 2024–2026"},
    "hourly_1y": {"days": None, "hours": 8760, "end": 2024, "label": "8,760 h × 2024"},
    "hourly_3y": {"days": None, "hours": 8760, "end": 2026, "label": "8,760 h × 2024–2026"},
    "long": {"days": None, "hours": None, "end": 2035, "label": "default days × 2024–2035"},
    "hourly_7y": {"days": None, "hours": 8760, "end": 2030, "label": "8,760 h × 2024–2030"},
    "free_hourly_3y": {"days": None, "hours": 8760, "end": 2026, "label": "free decisions, 8,760 h × 2024–2026", "free": True},
}
METHODS = {
    "auto": {"method": "auto", "crossover": True},
    "simplex": {"method": "simplex", "crossover": True},
    "ipm": {"method": "ipm", "crossover": True},
    "hipo": {"method": "hipo", "crossover": True},
    "ipm_nox": {"method": "ipm", "crossover": False},
    "pdlp": {"method": "pdlp", "crossover": False},
}
SWEEP_DAYS = (6, 12, 24, 48)
SWEEP_METHODS = ("hierarchical", "k_means", "k_medoids")


# --------------------------------------------------------------------------- child side


def _overrides(
    days: int | None,
    hours: int | None,
    end: int,
    method: str | None = None,
    solver: dict | None = None,
    free: bool = False,
    representation: str | None = None,
) -> dict:
    import yaml

    from simulator.intake.scenario import deep_merge, load_scenario

    ov: dict = {"years": {"end": end}}
    if free:
        ov = deep_merge(yaml.safe_load(FREE.read_text(encoding="utf-8")), ov)
    if hours == 8760:
        ov["time"] = {"hours": 8760}
    elif days is not None:
        ov["time"] = {"days": days, "hours": None}
    if method is not None:
        ov.setdefault("time", {})["method"] = method
    if representation is not None:  # "distribution" or "distribution+lowest_pv" (extreme days after a "+")
        rep, *extremes = representation.split("+")
        ov.setdefault("time", {})["representation"] = rep
        if extremes:
            ov["time"]["extreme_days"] = ["peak_load", *extremes]
    if solver:
        ov["solver"] = solver
    targets = load_scenario(SCENARIO).resolved.get("targets") or []
    if any(t["year"] > end for t in targets):
        ov["targets"] = [_moved_to(t, end) if t["year"] > end else t for t in targets]
    return ov


def _moved_to(target: dict, end: int) -> dict:
    """A target of a year after ``end`` as a soft target of year ``end`` (a path target keeps its years up to ``end``)."""
    moved = dict(target, year=end, mode="soft")
    if moved.get("years"):
        moved["years"] = [y for y in moved["years"] if y <= end]
    return moved


def _key_figures(model) -> dict:
    """Objective-independent figures compared across time resolutions (last planning year)."""
    import pyomo.environ as pyo

    p = model.power
    last = list(model.Y)[-1]
    out = {f"pv_{k}_gw": float(pyo.value(p.pv_capacity[last, k])) for k in p.K}
    out["pv_total_gw"] = sum(out.values())
    out["storage_power_gw"] = float(sum(pyo.value(p.storage_power[last, r]) for r in p.R))
    out["storage_energy_gwh"] = float(sum(pyo.value(p.storage_energy[last, r]) for r in p.R))
    out["green_import_gw"] = float(sum(pyo.value(p.import_capacity[last, i]) for i in p.I if i != "grid"))
    out["grid_import_gw"] = float(sum(pyo.value(p.import_capacity[last, i]) for i in p.I if i == "grid"))
    out["storage_duration_h"] = out["storage_energy_gwh"] / out["storage_power_gw"] if out["storage_power_gw"] > 0 else 0.0
    return out


def _emissions(tables: dict) -> float:
    """CO2 of the last planning year, all sectors (Mt)."""
    e = tables["emissions"]
    return float(e.loc[e["year"] == e["year"].max(), "value_mtco2"].sum())


def _highs_summary(log: str) -> dict:
    """Iterations and phase times from HiGHS's log."""
    keep = ("Presolve", "Solving", "Dual simplex", "Primal simplex", "IPM", "Crossover", "PDLP", "Simplex", "HiGHS run time", "iterations")
    lines = [ln.strip() for ln in log.splitlines() if any(k in ln for k in keep)]
    return {"lines": lines[-25:]}


def child(case: dict) -> dict:
    """One run in this process; returns the figures (printed as JSON by ``main``)."""
    t_import = time.perf_counter()
    from simulator.runs import pipeline
    from simulator.runs import run_folder as runs

    try:
        sys.path.insert(0, str(ROOT))
        from cli import _import_charts, _writers

        writers, alongside = _writers(), _import_charts
    except ImportError:  # an older checkout's cli.py: charts drawn after the run folder, timed on their own
        try:
            from cli import _writers

            writers, alongside = _writers(), None
        except ImportError:
            writers, alongside = [], None
    if not case.get("charts", True):
        writers, alongside = [], None
    overlapped = alongside is not None  # transim run's way: the charts rendered alongside the tables
    t0 = time.perf_counter()
    prepared = pipeline.prepare(
        SCENARIO, _overrides(case["days"], case["hours"], case["end"], case.get("method"), case.get("solver"), case.get("free", False))
    )
    outcome = pipeline.run(prepared, **({"alongside": alongside} if overlapped else {}))
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = runs.write_run(outcome, tmp, command=["benchmarks/run.py"], extra_writers=writers if overlapped else ())
        t2 = time.perf_counter()
        for writer in [] if overlapped else writers:  # charts etc., timed on their own
            writer(outcome, folder)
    t3 = time.perf_counter()
    t = outcome.timings
    res = outcome.result
    return {
        "sectors": list(outcome.model.sector_names),
        "slices": prepared.time.n,
        "years": prepared.scenario.years,
        "time_label": prepared.time.label,
        "rows": res.n_rows,
        "cols": res.n_cols,
        "iterations": res.iterations,
        "objective_mcny": res.objective,
        "solver_options": res.options,
        "solver_attempts": res.attempts,
        "emissions_mtco2": _emissions(outcome.tables),
        "imports_s": t0 - t_import,
        "load_s": t["load_s"],
        "timeslices_s": t["timeslices_s"],
        "build_s": t["build_s"],
        "translate_s": t["translate_s"],
        "pass_s": t["pass_s"],
        "highs_run_s": t["highs_run_s"],
        "load_solution_s": t["load_solution_s"],
        "results_s": t["results_s"],
        "write_run_s": t2 - t1,  # with the charts where they are rendered alongside the tables
        "charts_s": None if overlapped else t3 - t2,
        "charts_overlapped": overlapped,
        "in_process_s": t3 - _T_START,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "key": _key_figures(outcome.model),
        "highs_log": _highs_summary(res.log),
    }


def child_sweep(spec: dict) -> list[dict]:
    """The aggregation sweep in one process: objective and key figures per (days, method, representation)."""
    from simulator.runs import pipeline

    out = []
    for days, method, rep in [(d, m, r) for d in spec["days"] for m in spec["methods"] for r in spec.get("representations", [None])]:
        t0 = time.perf_counter()
        try:
            ov = _overrides(days, None, spec["end"], method, free=spec.get("free", False), representation=rep)
            prepared = pipeline.prepare(SCENARIO, ov)
            outcome = pipeline.run(prepared)
        except Exception as exc:  # a method tsam cannot run is reported, not fatal
            out.append({"days": days, "method": method, "representation": rep, "error": f"{type(exc).__name__}: {exc}"})
            continue
        out.append(
            {
                "days": days,
                "method": method,
                "representation": rep or prepared.scenario.spec.time.representation,
                "rows": outcome.result.n_rows,
                "cols": outcome.result.n_cols,
                "objective_mcny": outcome.result.objective,
                "key": _key_figures(outcome.model),
                "emissions_mtco2": _emissions(outcome.tables),
                "wall_s": time.perf_counter() - t0,
            }
        )
    return out


# --------------------------------------------------------------------------- parent side


def _run_child(args: list[str], timeout: float | None = None) -> tuple[dict | list, float]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    import highspy
    import pyomo

    h = highspy.Highs()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "pyomo": pyomo.__version__,
        "highs": f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}",
    }


def run_case(name: str, method: str | None = None, charts: bool = True) -> dict:
    case = dict(CASES[name], charts=charts)
    if method:
        case["solver"] = METHODS[method]
    load_before = os.getloadavg()[0]
    fig, wall = _run_child(["--child", json.dumps(case)])
    fig.update({"case": name, "label": case["label"], "method": method or fig["solver_options"]["solver"], "method_compared": method})
    fig["wall_s"] = wall
    fig["total_over_solve"] = wall / fig["highs_run_s"] if fig["highs_run_s"] > 0 else None
    fig["overhead_s"] = wall - fig["highs_run_s"]
    fig["wall_without_charts_s"] = None if fig["charts_s"] is None else wall - fig["charts_s"]
    fig["load_avg_before"] = load_before
    fig["load_avg_after"] = os.getloadavg()[0]
    return fig


def _print_case(f: dict) -> None:
    print(
        f"{f['case']:<10} {f['label']:<26} {f.get('method', ''):<8} {f['rows']:>8} rows {f['cols']:>8} cols | "
        f"imports {f['imports_s']:.2f}  prepare {f['load_s'] + f['timeslices_s']:.2f}  build {f['build_s']:.2f}  "
        f"translate {f['translate_s'] + f['pass_s']:.2f}  HiGHS {f['highs_run_s']:.2f}  load-sol {f['load_solution_s']:.2f}  "
        f"results {f['results_s']:.2f}  write {f['write_run_s']:.2f}  "
        + (f"charts {f['charts_s']:.2f} | " if f["charts_s"] is not None else "(charts rendered alongside) | ")
        + f"wall {f['wall_s']:.2f} s "
        + (f"({f['wall_without_charts_s']:.2f} s without charts)  " if f["wall_without_charts_s"] is not None else " ")
        + f"total/solve {f['total_over_solve']:.2f}  peak {f['peak_rss_mb']:.0f} MB  (load avg {f['load_avg_before']:.1f})",
        flush=True,
    )


def error_report(hourly: dict, end: int, days=SWEEP_DAYS, methods=SWEEP_METHODS) -> dict:
    """Objective and capacity errors of representative days against the 8,760-hour solve of the same years."""
    rows, wall = _run_child(["--sweep", json.dumps({"days": list(days), "methods": list(methods), "end": end})])
    ref_obj = hourly["objective_mcny"]
    ref_key = hourly["key"]
    print(f"\ntime-aggregation error against 8,760 h, years 2024–{end} (objective {ref_obj:,.1f} M CNY):")
    print(f"  {'days':>4} {'method':<13} {'objective err':>13}  {'PV total':>9} {'storage GW':>10} {'storage GWh':>11}  worst PV class")
    for r in rows:
        if "error" in r:
            print(f"  {r['days']:>4} {r['method']:<13} failed: {r['error']}")
            continue
        r["objective_rel_error"] = (r["objective_mcny"] - ref_obj) / ref_obj
        r["key_error"] = {k: r["key"][k] - ref_key[k] for k in ref_key}
        pv = {k: v for k, v in r["key_error"].items() if k.startswith("pv_") and k != "pv_total_gw"}
        worst = max(pv, key=lambda k: abs(pv[k])) if pv else ""
        print(
            f"  {r['days']:>4} {r['method']:<13} {100 * r['objective_rel_error']:>+12.3f}%  "
            f"{r['key_error']['pv_total_gw']:>+8.3f}  {r['key_error']['storage_power_gw']:>+9.3f}  "
            f"{r['key_error']['storage_energy_gwh']:>+10.3f}  {worst} {pv.get(worst, 0.0):+.3f} GW"
        )
    return {"years_end": end, "hourly_objective_mcny": ref_obj, "hourly_key": ref_key, "runs": rows, "sweep_wall_s": wall}


def free_error_report(hourly: dict, days=SWEEP_DAYS, method: str = "hierarchical", representations=(None,)) -> dict:
    """Free decisions (benchmarks/free-decisions.yaml): every key figure of each day count and representation against
    8,760 h, relative errors. A representation is a ``time.representation`` name, optionally followed by extreme days
    after "+" (``distribution+lowest_pv``); None is the scenario's own."""
    end = hourly["years"][-1]
    spec = {"days": list(days), "methods": [method], "representations": list(representations), "end": end, "free": True}
    rows, wall = _run_child(["--sweep", json.dumps(spec)])
    ref = dict(hourly["key"], objective_mcny=hourly["objective_mcny"], emissions_mtco2=hourly["emissions_mtco2"])
    print(f"\nfree decisions: {method} days against 8,760 h, years 2024–{end}; relative error (%) of each figure (last year)")
    names = [k for k in ref if abs(ref[k]) > 1e-6]
    print("  days  representation            " + "  ".join(f"{k:>18}" for k in names))
    print("  8760  " + " " * 26 + "  ".join(f"{ref[k]:>18.4f}" for k in names))
    for r in rows:
        if "error" in r:
            print(f"  {r['days']:>4}  {r['representation'] or '':<26}failed: {r['error']}")
            continue
        got = dict(r["key"], objective_mcny=r["objective_mcny"], emissions_mtco2=r["emissions_mtco2"])
        r["values"] = got
        r["rel_error"] = {k: (got[k] - ref[k]) / abs(ref[k]) for k in names}
        r["worst_capacity_rel_error"] = max(abs(r["rel_error"][k]) for k in names if k.endswith(("_gw", "_gwh")))
        print(f"  {r['days']:>4}  {r['representation']:<26}" + "  ".join(f"{100 * r['rel_error'][k]:>+17.3f}%" for k in names))
    return {"years_end": end, "method": method, "hourly": ref, "runs": rows, "sweep_wall_s": wall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the 8,760 h × 3 years case")
    ap.add_argument("--cases", default=None, help="comma-separated case names (default: all, or all but hourly_3y with --quick)")
    ap.add_argument("--methods", default=None, help="comma-separated HiGHS methods to compare: " + ", ".join(METHODS))
    ap.add_argument("--no-charts", action="store_true", help="do not write the run folder's charts (timed apart otherwise)")
    ap.add_argument("--no-error", action="store_true", help="skip the time-aggregation error report")
    ap.add_argument(
        "--error-from",
        default=None,
        help="take the 8,760 h reference of the error report from this results.json (with --free-error: its free_hourly_3y)",
    )
    ap.add_argument(
        "--free-error",
        action="store_true",
        help="time-aggregation error where decisions are free: the free_hourly_3y case, then 6/12/24/48 days against it",
    )
    ap.add_argument(
        "--representations",
        default=None,
        help="with --free-error: comma-separated time.representation names, each optionally +extreme days "
        "(e.g. medoid,distribution,distribution+lowest_pv); default: the scenario's",
    )
    ap.add_argument("--days", default=None, help="with --free-error: comma-separated day counts (default 6,12,24,48)")
    ap.add_argument(
        "--compare-methods",
        default=None,
        help="solve each case with each of these methods in turn (e.g. auto,hipo,ipm,simplex): " + ", ".join(METHODS),
    )
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results.json"))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--sweep", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    if args.sweep:
        print(json.dumps(child_sweep(json.loads(args.sweep))))
        return

    default = [n for n in ("reference", "hourly_1y", "hourly_3y", "long") if not (args.quick and n == "hourly_3y")]
    names = [n for n in args.cases.split(",") if n in CASES] if args.cases else default
    methods = (args.compare_methods or args.methods or "").split(",") if (args.compare_methods or args.methods) else [None]
    if args.free_error and not args.cases:
        names = [] if args.error_from else ["free_hourly_3y"]  # --error-from: reuse an earlier free_hourly_3y
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; HiGHS {info['highs']}, Pyomo {info['pyomo']}")
    results: dict = {"machine": info, "created": time.strftime("%Y-%m-%d %H:%M:%S"), "cases": []}
    for name in names:
        for method in methods:
            fig = run_case(name, method, charts=not args.no_charts)
            results["cases"].append(fig)
            _print_case(fig)
    if results["cases"]:
        print(f"sectors: {', '.join(results['cases'][0]['sectors'])}")
    if args.free_error:
        cases = results["cases"] + (json.loads(Path(args.error_from).read_text())["cases"] if args.error_from else [])
        free = next((f for f in cases if f["case"] == "free_hourly_3y" and f.get("method_compared") in (None, "auto")), None)
        if free is not None:
            days = tuple(int(d) for d in args.days.split(",")) if args.days else SWEEP_DAYS
            reps = tuple(args.representations.split(",")) if args.representations else (None,)
            results["free_aggregation_error"] = free_error_report(free, days, representations=reps)
    elif not args.no_error:
        cases = results["cases"]
        if args.error_from:  # the 8,760 h figures of an earlier run
            cases = json.loads(Path(args.error_from).read_text())["cases"] + cases
        by = {f["case"]: f for f in cases if f.get("method_compared") is None}
        hourly = by.get("hourly_3y") or by.get("hourly_1y")
        if hourly is None:
            print("(no 8,760 h case run: no time-aggregation error report)")
        else:
            results["aggregation_error"] = error_report(hourly, hourly["years"][-1])
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nfigures written to {args.out}")


if __name__ == "__main__":
    main()
