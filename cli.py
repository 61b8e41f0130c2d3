"""``transim``: the command line of the city energy-transition simulator.

The only place that prints for users and exits. Exit codes: 0 success,
2 bad input, 3 infeasible or not solved, 4 not reproduced, 1 internal error
(traceback only with ``--debug``), 130 interrupted (Ctrl-C), 143 terminated
(SIGTERM); an interrupted run writes nothing.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from simulator.errors import InfeasibleError, SimulatorError


def _flag_without_type(option_class):
    """Help lists a flag as ``--debug``, not ``--debug <bool>`` (typer ≥ 0.24 prints a type for every option)."""
    display = option_class.display_type_rich

    def display_type_rich(self, ctx):
        return None if getattr(self, "is_flag", False) else display(self, ctx)

    option_class.display_type_rich = display_type_rich


_flag_without_type(typer.core.TyperOption)

EXIT_CODES = (
    "Exit codes: 0 done; 1 internal error (run again with --debug); 2 bad input (every problem listed as file:line); "
    "3 infeasible or not solved; 4 not reproduced; 130 interrupted (Ctrl-C), 143 terminated (SIGTERM): nothing was written."
)

app = typer.Typer(
    name="transim",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Least-cost energy-transition plans for a city, scenario by scenario (Wuhan first).",
    epilog=EXIT_CODES,
    pretty_exceptions_enable=False,
)


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (partial run folders are removed) but exiting 143."""


def _on_sigterm(_signum, _frame) -> None:
    raise Terminated()


def _version(value: bool) -> None:
    if value:
        from simulator import __version__

        typer.echo(f"transim {__version__}")
        raise typer.Exit(0)


@app.callback(epilog=EXIT_CODES)
def _main(
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_version, help="print the version and exit")] = False,
) -> None:
    """Least-cost energy-transition plans for a city, scenario by scenario (Wuhan first)."""


_T0 = time.perf_counter()


class _Progress:
    """Phase lines on stderr, and a ticker while a phase runs longer than a second.

    Each call starts a phase (``[  12.3 s] solving with HiGHS``). A daemon
    thread then shows the phase's elapsed time: on a terminal a spinner line
    rewritten every second, otherwise (logs, pipes) a line every 10 s. So no
    phase longer than a second is silent, the solve included.
    """

    SPIN = "|/-\\"

    def __init__(self) -> None:
        self.phase: str | None = None
        self.since = 0.0
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.stop_event = threading.Event()
        self.dirty = False
        self.stream = None

    def _clear(self) -> None:
        if self.dirty:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.dirty = False

    def __call__(self, message: str) -> None:
        with self.lock:
            self._clear()
            typer.echo(f"[{time.perf_counter() - _T0:6.1f} s] {message}", err=True)
            self.phase, self.since, self.stream = message, time.perf_counter(), sys.stderr
        if self.thread is None:
            self.stop_event.clear()
            self.thread = threading.Thread(target=self._tick, name="transim-progress", daemon=True)
            self.thread.start()

    def _tick(self) -> None:
        tty = sys.stderr.isatty()
        n = 0
        while not self.stop_event.wait(1.0):
            with self.lock:
                if self.phase is None:
                    continue
                if sys.stderr is not self.stream:  # another command's output (tests run several in one process): stop
                    self.phase = None
                    continue
                dt = time.perf_counter() - self.since
                if dt < 1.0:
                    continue
                n += 1
                if tty:
                    sys.stderr.write(f"\r  {self.SPIN[n % 4]} {self.phase}: {dt:4.0f} s")
                    sys.stderr.flush()
                    self.dirty = True
                elif int(dt) % 10 == 0:
                    typer.echo(f"[{time.perf_counter() - _T0:6.1f} s]   … {self.phase}: {dt:.0f} s so far", err=True)

    def done(self) -> None:
        """End the current phase (before printing results on stdout)."""
        with self.lock:
            self._clear()
            self.phase = None


progress = _Progress()


def _fail(exc: BaseException, debug: bool) -> None:
    progress.done()
    if debug:
        raise exc
    if isinstance(exc, KeyboardInterrupt):
        typer.echo("interrupted; nothing was written", err=True)
        raise typer.Exit(143 if isinstance(exc, Terminated) else 130)
    if isinstance(exc, SimulatorError):
        kind = {2: "input error", 3: "not solved", 4: "not reproduced"}.get(exc.exit_code, "error")
        n = len(exc.problems)
        if n:
            typer.echo(f"{kind}: {n} problem{'s' if n != 1 else ''} found\n{exc}", err=True)
        else:
            typer.echo(f"{kind}: {exc}", err=True)
        raise typer.Exit(exc.exit_code)
    typer.echo(f"internal error: {type(exc).__name__}: {exc}\n(run again with --debug for a traceback)", err=True)
    raise typer.Exit(1)


def _time_overrides(hours: int | None, days: int | None) -> dict:
    if hours is not None and days is not None:
        raise typer.BadParameter("give --hours or --days, not both")
    if hours is not None:
        if hours != 8760:
            raise typer.BadParameter("--hours takes 8760 (the full chronology)")
        return {"time": {"hours": 8760}}
    if days is not None:
        return {"time": {"days": days, "hours": None}}
    return {}


Debug = Annotated[bool, typer.Option("--debug", help="show a traceback on errors")]


def _check_lang(lang: str) -> str:
    """The ``--lang`` of run, compare and sweep: ``en`` or ``zh`` (the CJK font is found by results.charts.resolve_lang)."""
    if lang not in ("en", "zh"):
        raise typer.BadParameter("--lang takes en or zh", param_hint="--lang")
    return lang


Lang = Annotated[
    str,
    typer.Option("--lang", callback=_check_lang, help="language of charts, report and printed summary: en, or zh (needs a CJK font)"),
]


@app.command(epilog=EXIT_CODES)
def validate(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    hours: Annotated[int | None, typer.Option(help="8760 for the full chronology")] = None,
    days: Annotated[int | None, typer.Option(help="representative days")] = None,
    debug: Debug = False,
) -> None:
    """Load the scenario, check its inputs and build the model, without solving."""
    from simulator.runs import pipeline

    time_overrides = _time_overrides(hours, days)
    try:
        prepared = pipeline.prepare(scenario, time_overrides, progress)
        model = pipeline.build(prepared)
        n_var = model.nvariables()
        typer.echo(
            f"{scenario}: valid — {prepared.scenario.name}, years {prepared.scenario.years[0]}–{prepared.scenario.years[-1]}, "
            f"{prepared.time.label}, {len(prepared.scenario.spec.targets)} targets, {n_var} variables"
        )
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


@app.command(epilog=EXIT_CODES)
def run(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    out: Annotated[Path, typer.Option(help="folder for run folders")] = Path("outputs"),
    hours: Annotated[int | None, typer.Option(help="8760 for the full chronology")] = None,
    days: Annotated[int | None, typer.Option(help="representative days")] = None,
    soft_targets: Annotated[bool, typer.Option("--soft-targets", help="treat every target as soft (penalised shortfall)")] = False,
    lang: Lang = "en",
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="baseline run folder the report compares with (default: newest OUT/baseline/<stamp>)"),
    ] = None,
    debug: Debug = False,
) -> None:
    """Solve a scenario and write a run folder under OUT/<scenario>/<timestamp>/."""
    notes: list[str] = []
    from simulator.runs import pipeline
    from simulator.runs import run_folder as runs

    time_overrides = _time_overrides(hours, days)
    try:
        runs.check_out_root(out)
        prepared = pipeline.prepare(scenario, time_overrides, progress)
        # matplotlib (≈ 0.7 s to import) is imported while HiGHS solves, before the chart renderer is forked
        outcome = pipeline.run(prepared, soft_targets=soft_targets, progress=progress, alongside=_import_charts)
        progress("writing the run folder: tables")
        t_write = time.perf_counter()
        folder = runs.write_run(outcome, out, command=sys.argv, extra_writers=_writers(lang, notes, baseline))
        outcome.timings["write_s"] = time.perf_counter() - t_write
        progress.done()
    except InfeasibleError as exc:
        if debug:
            raise
        typer.echo(f"not solved: {exc}", err=True)
        raise typer.Exit(3) from None
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)
        return
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    from simulator.results.charts import resolve_lang

    _summary(outcome, folder, resolve_lang(lang)[0])


def _import_charts() -> None:
    import simulator.results.charts  # noqa: F401


def _writers(lang: str = "en", notes: list[str] | None = None, baseline: Path | None = None):
    """Extra run-folder writers: charts (PNG, SVG; begun first, rendered alongside the tables), iamc.csv, report.html (after the manifest).

    Each writer returns notes (skipped charts, font fallback) collected into ``notes``.
    """
    from simulator.results import iamc
    from simulator.runs.charts_writer import start_run_charts

    notes = notes if notes is not None else []

    def collect(writer, what: str, after_manifest: bool = False, **kw):
        def write(outcome, folder):
            progress(f"writing the run folder: {what}")
            try:
                notes.extend(writer(outcome, folder, **kw) or [])
            finally:
                progress.done()

        write.after_manifest = after_manifest
        return write

    def charts(outcome, folder):
        return begin_charts(outcome, folder)()

    def begin_charts(outcome, folder):
        finish = start_run_charts(outcome, folder, lang=lang)

        def done():
            progress("writing the run folder: charts")
            try:
                notes.extend(finish())
            finally:
                progress.done()

        done.cancel = finish.cancel
        return done

    charts.begin = begin_charts

    def report(outcome, folder, **kw):
        from simulator.results.report import write_run_report  # imports matplotlib: after the charts

        return write_run_report(outcome, folder, **kw)

    return [
        charts,
        collect(iamc.write_run_iamc, "iamc.csv"),
        collect(report, "report.html", after_manifest=True, lang=lang, baseline=baseline),
    ]


@app.command(epilog=EXIT_CODES)
def compare(
    runs: Annotated[list[Path], typer.Argument(help="two or more run folders (the first is the reference for differences)")],
    out: Annotated[Path, typer.Option(help="folder for the difference table and charts")] = Path("outputs/compare"),
    lang: Lang = "en",
    debug: Debug = False,
) -> None:
    """Compare runs: side-by-side and difference charts and a difference table (difference.csv, English column names)."""
    from simulator.results import compare as compare_mod

    try:
        summary = compare_mod.compare_runs(runs, out, lang=lang)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)
        return
    for note in summary["notes"]:
        typer.echo(f"note: {note}", err=True)
    for line in compare_mod.summary_lines(summary):
        typer.echo(line)


def _summary(outcome, folder: Path, lang: str = "en") -> None:
    """The run's summary on stdout, in the run's language (labels from results/i18n.py)."""
    from simulator.results.charts import in_clause_order
    from simulator.results.i18n import Labels
    from simulator.results.report import limit_key

    L = Labels(lang)
    zh = lang == "zh"
    res = outcome.result
    base = outcome.prepared.scenario.spec.years.base
    typer.echo(f"状态：{L(res.status)}" if zh else f"status: {res.status}")
    typer.echo(
        f"求解器：{res.method}（方法 {res.options.get('method_requested', res.method)}，crossover {res.options.get('run_crossover')}）"
        if zh
        else f"solver: {res.method} (method {res.options.get('method_requested', res.method)}, crossover {res.options.get('run_crossover')})"
    )
    for line in res.fallbacks:
        typer.echo(f"  fallback: {line}")
    typer.echo(
        f"目标函数：{res.objective:,.1f} 百万元（现值，{base}年价格）"
        if zh
        else f"objective: {res.objective:,.1f} M CNY (present value, {base} prices)"
    )
    if res.warnings:
        typer.echo(f"HiGHS 警告：{len(res.warnings)} 条（见 highs.log）" if zh else f"HiGHS warnings: {len(res.warnings)} (see highs.log)")
    _economics_summary(outcome, lang)
    card = outcome.tables["scorecard"]
    if not card.empty:
        typer.echo("目标：" if zh else "targets:")
        for _, r in in_clause_order(card).iterrows():
            if zh:
                mark = "达成  " if r["met"] else "未达成"
                typer.echo(
                    f"  {mark} {L(r['id'])}（{r['clause']}）{r['sense']} {r['target']:.4g} {L.unit(r['unit'])}，{r['year']}年："
                    f"{r['value']:.4g}；影子价格 {r['shadow_price']:.4g} {L.unit(r['shadow_price_unit'])}"
                    + ("（情景设定值，政策未给数值）" if r.get("basis") == "scenario" else "")
                )
            else:
                mark = "met   " if r["met"] else "MISSED"
                typer.echo(
                    f"  {mark} {r['id']:<26} {r['clause']:<8} {r['indicator']} {r['sense']} {r['target']:.4g} {r['unit']} "
                    f"in {r['year']}: {r['value']:.4g}; shadow price {r['shadow_price']:.4g} {r['shadow_price_unit']}"
                    + (f" ({r['shadow_price_annual']:.4g} {r['shadow_price_annual_unit']})" if "shadow_price_annual" in r else "")
                    + (" [scenario's number: the policy gives none]" if r.get("basis") == "scenario" else "")
                )
    limits = outcome.tables.get("limits")
    if limits is not None and not limits.empty:
        typer.echo(
            "最有价值的约束性限制（放宽10%可节省，百万元现值）："
            if zh
            else "most valuable binding limits (saving if relaxed by 10 %, M CNY present value):"
        )
        for _, r in limits.head(5).iterrows():
            if zh:
                typer.echo(
                    f"  {r['rank']:>2}. {L(limit_key(r['table'], r['row']))}（{L('limit:' + str(r['column']))}）= {r['value']:.4g} {L.unit(r['unit'])}："
                    f"{r['relax_10pct_saving_mcny']:,.1f}（对偶价格 {r['dual_pv_mcny_per_unit']:.4g} 百万元/{L.unit(r['unit'])}）"
                )
            else:
                typer.echo(
                    f"  {r['rank']:>2}. {r['table']}:{r['row']}.{r['column']} = {r['value']:.4g} {r['unit']}: "
                    f"{r['relax_10pct_saving_mcny']:,.1f} (dual {r['dual_pv_mcny_per_unit']:.4g} M CNY per {r['unit']}, "
                    f"{r['dual_mcny_per_unit_yr']:.4g} per year)"
                )
        missed = card[~card["met"].astype(bool)] if card is not None and not card.empty and "met" in card else None
        if missed is not None and not missed.empty:
            typer.echo(
                "  （有软目标未达成：以上对偶价格含其罚金）"
                if zh
                else f"  (note: {len(missed)} soft target(s) missed: these duals include their shortfall penalty, not only costs)"
            )
    t = outcome.timings
    if zh:
        typer.echo(
            f"耗时：读取 {t['load_s']:.2f} s，时段聚类 {t['timeslices_s']:.2f} s，建模 {t['build_s']:.2f} s，"
            f"求解 {t['solve_s']:.2f} s（HiGHS {t['highs_run_s']:.2f} s），结果 {t['results_s']:.2f} s"
            + (f"，写出 {t['write_s']:.2f} s" if "write_s" in t else "")
        )
    else:
        typer.echo(
            f"timings: load {t['load_s']:.2f} s, slices {t['timeslices_s']:.2f} s, build {t['build_s']:.2f} s, "
            f"solve {t['solve_s']:.2f} s (HiGHS {t['highs_run_s']:.2f} s), results {t['results_s']:.2f} s"
            + (f", writing {t['write_s']:.2f} s" if "write_s" in t else "")
        )
    typer.echo(f"运行目录：{folder}" if zh else f"run folder: {folder}")


def _economics_summary(outcome, lang: str = "en") -> None:
    """Investment beside present-value cost, and the load-weighted electricity price of each planning year."""
    from simulator.results.i18n import Labels
    from simulator.results.tables import load_weighted_price

    L = Labels(lang)

    tables = outcome.tables
    costs, investment = tables.get("costs"), tables.get("investment")
    if costs is None or investment is None:
        return
    spent = investment.groupby("sector")["investment_mcny"].sum()
    years = sorted(costs["year"].unique())
    if lang == "zh":
        typer.echo(
            f"投资：{years[0]}–{years[-1]}年一次性投资 {spent.sum():,.1f} 百万元（基准年价格；"
            + "，".join(f"{L(k)} {v:,.0f}" for k, v in spent.items() if abs(v) > 0.05)
            + f"）；规划期总成本现值 {costs['present_value_mcny'].sum():,.1f} 百万元"
        )
    else:
        typer.echo(
            f"investment: {spent.sum():,.1f} M CNY overnight in {years[0]}–{years[-1]} (base-year prices; "
            + ", ".join(f"{k} {v:,.0f}" for k, v in spent.items() if abs(v) > 0.05)
            + f"); present-value cost of the horizon {costs['present_value_mcny'].sum():,.1f} M CNY "
            "(annuities inside the horizon only: docs/economics.md)"
        )
    prices = tables.get("prices")
    if prices is not None and not prices.empty:
        weighted = load_weighted_price(prices)
        head = "负荷加权电价：" if lang == "zh" else "electricity price, load-weighted: "
        typer.echo(head + ", ".join(f"{y} {v:.4f}" for y, v in weighted.items()) + (" 元/kWh" if lang == "zh" else " CNY/kWh"))


@app.command(epilog=EXIT_CODES)
def reproduce(
    run_dir: Annotated[Path, typer.Argument(help="run folder (e.g. outputs/published/reference) or bundle (.tar.gz)")],
    inputs: Annotated[Path | None, typer.Option(help="data set folder to use instead of the one the run recorded")] = None,
    keep: Annotated[Path | None, typer.Option(help="keep the re-run's folder under this folder")] = None,
    debug: Debug = False,
) -> None:
    """Re-run a recorded run and compare: inputs by SHA-256, objective and every table within tolerances. Exit 4 if not reproduced."""
    from simulator.errors import ReproduceError
    from simulator.runs.bundle import opened
    from simulator.runs.reproduce import reproduce as do_reproduce

    try:
        with opened(run_dir) as folder:
            report = do_reproduce(folder, inputs_root=inputs, keep=keep, progress=progress, source=str(run_dir))
        for line in report.lines():
            typer.echo(line)
        if not report.ok:
            raise ReproduceError("; ".join(report.reasons()))
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


@app.command(epilog=EXIT_CODES)
def bundle(
    run_dir: Annotated[Path, typer.Argument(help="run folder")],
    out: Annotated[Path, typer.Option(help="archive to write (.tar.gz)")],
    inputs: Annotated[Path | None, typer.Option(help="data set folder to use instead of the one the run recorded")] = None,
    debug: Debug = False,
) -> None:
    """Pack a run folder and the exact input files it used into one archive that `transim reproduce` accepts."""
    from simulator.runs.bundle import make_bundle

    try:
        path = make_bundle(run_dir, out, inputs_root=inputs)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)
        return
    typer.echo(f"bundle: {path} ({path.stat().st_size / 1024:.0f} KiB)")


@app.command(epilog=EXIT_CODES)
def publish(
    scenarios: Annotated[list[Path], typer.Argument(help="scenario YAML files, e.g. scenarios/reference.yaml scenarios/baseline.yaml")],
    out: Annotated[Path, typer.Option(help="folder of published runs")] = Path("outputs/published"),
    debug: Debug = False,
) -> None:
    """Solve each scenario and replace its published run OUT/<scenario>/ (commit it saying why the numbers moved)."""
    from simulator.runs.publish import publish as do_publish

    try:
        folders = do_publish(scenarios, out, progress=progress, command=sys.argv)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)
        return
    for folder in folders:
        typer.echo(f"published: {folder}")


@app.command(epilog=EXIT_CODES)
def sweep(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file with a sweep: section")],
    out: Annotated[Path, typer.Option(help="sweep folder (rerun the same command to resume)")],
    samples: Annotated[int | None, typer.Option(min=1, help="Latin hypercube samples (default: the scenario's sweep.samples)")] = None,
    scheduler: Annotated[str | None, typer.Option(help="address of a running Dask scheduler, e.g. tcp://HOST:8786")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="LocalCluster worker processes (default: one per core)")] = None,
    days: Annotated[int | None, typer.Option(help="representative days (all variants)")] = None,
    data_ranges: Annotated[
        bool, typer.Option("--data-ranges", help="sample every estimated input within its range (ranges.csv) instead of the sweep: section")
    ] = False,
    seed: Annotated[int, typer.Option(help="Latin hypercube seed of --data-ranges")] = 1,
    lang: Lang = "en",
    debug: Debug = False,
) -> None:
    """Solve every variant of the scenario's sweep on Dask; gather OUT/sweep.parquet and OUT/charts/.

    With --data-ranges: variants over the data's own ranges (default 200 samples); also OUT/robustness.csv
    and OUT/charts/robustness.png (per target: share of variants met, shadow-price and policy-cost spread, drivers).
    """
    from tqdm import tqdm

    from simulator import sweep as sw

    if scheduler and workers:
        raise typer.BadParameter("--workers sizes a LocalCluster; with --scheduler the cluster's own workers are used")
    t0 = time.perf_counter()
    bar = None

    def start(todo: int, done: int) -> None:
        nonlocal bar
        if done:
            progress(f"resuming: {done} variants already in {out / 'variants'}, {todo} to solve")
        where = scheduler or f"a LocalCluster of {workers or 'one worker per core'}"
        if todo:
            progress(f"solving {todo} variants on {where}")
        bar = tqdm(total=todo, file=sys.stderr, unit="variant", dynamic_ncols=True, disable=not todo)

    def result(record: dict) -> None:
        bar.update(1)
        if record["status"] != "optimal":
            why = " ".join(line.strip() for line in record["reason"].splitlines()[:2])
            bar.write(f"  {record['variant']}: {record['status']}: {why}", file=sys.stderr)

    try:
        if data_ranges:
            plan = sw.plan_data_sweep(scenario, samples or 200, seed, _time_overrides(None, days), progress)
        else:
            plan = sw.plan_sweep(scenario, samples, _time_overrides(None, days), progress)
        table = sw.run_sweep(plan, out, scheduler=scheduler, workers=workers, on_start=start, on_result=result)
        if bar is not None:
            bar.close()
        robust = None
        if data_ranges:
            robust = sw.robustness(table, plan)
            robust.to_csv(out / "robustness.csv", index=False)
        progress("drawing the sweep charts")
        charts, notes = sw.write_charts(table, out, sw.column_units(plan), sensitivity=not data_ranges, robust=robust, lang=lang)
        progress.done()
        for note in notes:
            typer.echo(f"note: {note}", err=True)
    except KeyboardInterrupt as exc:
        if debug:
            raise
        typer.echo(f"interrupted; finished variants are kept in {out / 'variants'}: run the same command again to resume", err=True)
        raise typer.Exit(143 if isinstance(exc, Terminated) else 130) from None
    except Exception as exc:
        _fail(exc, debug)
        return
    counts = table["status"].value_counts().to_dict()
    typer.echo(f"variants: {len(table)} ({', '.join(f'{n} {s}' for s, n in sorted(counts.items()))})")
    typer.echo(f"wall time: {time.perf_counter() - t0:.1f} s")
    typer.echo(f"table: {out / 'sweep.parquet'}")
    if data_ranges:
        typer.echo(f"robustness: {out / 'robustness.csv'}")
        typer.echo(robust.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    for path in charts:
        typer.echo(f"chart: {path}")


def _dataset_root(dataset: str) -> Path:
    """A data-set folder path, or a name under inputs/ (of the working folder, then of this project)."""
    for candidate in (Path(dataset), Path("inputs") / dataset, Path(__file__).resolve().parent / "inputs" / dataset):
        if candidate.is_dir():
            return candidate
    return Path(dataset)


@app.command(epilog=EXIT_CODES)
def inputs(
    dataset: Annotated[str, typer.Argument(help="data-set folder (inputs/wuhan) or name (wuhan)")],
    check: Annotated[bool, typer.Option("--check", help="also run the base-year calibration checks (exit 2 if one fails)")] = False,
    debug: Debug = False,
) -> None:
    """Per table: what it holds, units, years and how many values rest on official, secondary and estimated sources."""
    from simulator.intake import datacheck
    from simulator.intake.inputs import load_inputs

    try:
        data = load_inputs(_dataset_root(dataset))
        typer.echo(datacheck.format_summary(data, datacheck.summarise(data)))
        if check:
            from simulator.results import calibration  # the model and HiGHS: only for --check

            typer.echo("\nwhat the results rest on (per quantity, the weakest source of its rows):")
            typer.echo(datacheck.format_quantities(datacheck.quantity_confidence(data)))
            progress("calibration: building and solving the base-year model (2 representative days)")
            checks = calibration.run_checks(data)
            typer.echo("\ncalibration checks (base year):")
            typer.echo(calibration.format_checks(checks))
            failed = calibration.failures(checks, data)
            if failed is not None:
                raise failed
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


def main() -> None:  # console-script entry point
    signal.signal(signal.SIGTERM, _on_sigterm)
    app()


if __name__ == "__main__":
    main()
