"""Reproduce a recorded run (a run folder or a bundle) and say whether it repeats.

Steps, each reported:

1. **Inputs.** The SHA-256 of every input file recorded in ``manifest.json``
   is checked against the files now present in the data set; each file that
   changed, went missing or was added is named.
2. **Scenario.** The run's own resolved ``scenario.yaml`` is loaded (no
   ``extends:``) and its SHA-256 checked against the manifest.
3. **Re-run.** The scenario is solved again with the same inputs folder and
   the same soft-target setting, into a temporary run folder.
4. **Compare.** The objective must agree within :data:`OBJECTIVE_RTOL`
   (relative). Every result table recorded in the manifest is compared with
   the re-run's table: same columns, same rows, text columns exactly equal,
   numeric values within ``|new − recorded| ≤ VALUE_ATOL + VALUE_RTOL·|recorded|``.
   A recorded table whose file no longer matches the SHA-256 in its own
   manifest was edited after the run, and fails too.

The verdict of each table, the largest differences and the overall verdict
are returned as a :class:`Report`; nothing here prints or exits.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import ReproduceError, SimulatorError

OBJECTIVE_RTOL = 1e-6  # relative tolerance on the objective (M CNY)
VALUE_ATOL = 1e-6  # absolute tolerance on every numeric table value, in the column's unit
VALUE_RTOL = 1e-6  # relative tolerance on every numeric table value
N_WORST = 5  # differences listed per table


def _quiet(_msg: str) -> None:
    return None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- files of a run folder


def table_path(folder: Path, name: str) -> Path | None:
    """``<name>.csv`` or its gzipped form ``<name>.csv.gz`` (published runs), if present."""
    for candidate in (folder / f"{name}.csv", folder / f"{name}.csv.gz"):
        if candidate.is_file():
            return candidate
    return None


def table_bytes(path: Path) -> bytes:
    """The CSV text of a table file (decompressed if gzipped)."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def read_manifest(folder: Path) -> dict:
    path = folder / "manifest.json"
    if not path.is_file():
        raise ReproduceError(f"{folder}: no manifest.json; expected a run folder written by `transim run` or an unpacked bundle")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReproduceError(f"{path}: not valid JSON ({exc})") from None


def recorded_tables(folder: Path, manifest: dict) -> list[str]:
    """Names of the result tables a run recorded (from the manifest, else the CSV files present)."""
    if manifest.get("tables"):
        return sorted(manifest["tables"])
    names = {p.name.split(".")[0] for p in folder.iterdir() if p.name.endswith((".csv", ".csv.gz"))}
    return sorted(names)


# --------------------------------------------------------------------------- inputs


def find_inputs(run_dir: Path, manifest: dict, dataset: str | None = None, explicit: Path | None = None) -> Path:
    """The data set folder a recorded run is re-run with.

    In order: ``explicit``; ``inputs/<name>`` inside the run folder (a
    bundle); the scenario's ``dataset`` when it is an absolute path; the
    manifest's ``dataset_path`` (``inputs/<dataset>``) beside a parent of the
    run folder or of the working directory; the manifest's absolute
    ``dataset_root``.
    """
    if explicit is not None:
        return Path(explicit)
    dataset = dataset or manifest.get("dataset") or "wuhan"
    name = Path(dataset).name
    looked = []
    bundled = run_dir / "inputs" / name
    if bundled.is_dir():
        return bundled
    looked.append(bundled)
    if Path(dataset).is_absolute():
        if Path(dataset).is_dir():
            return Path(dataset)
        looked.append(Path(dataset))
    rel = Path(manifest.get("dataset_path") or f"inputs/{name}")
    if rel.is_absolute():
        if rel.is_dir():
            return rel
        looked.append(rel)
    else:
        for base in [*run_dir.resolve().parents, Path.cwd().resolve(), *Path.cwd().resolve().parents]:
            if (base / rel).is_dir():
                return base / rel
        looked.append(Path("<each parent of the run folder>") / rel)
    recorded_root = manifest.get("dataset_root")
    if recorded_root and Path(recorded_root).is_dir():
        return Path(recorded_root)
    raise ReproduceError(
        f"the data set '{dataset}' of {run_dir} was not found; looked in: " + ", ".join(str(p) for p in looked) + "; give it with --inputs"
    )


@dataclass
class InputCheck:
    """One input file: recorded hash against the file now present."""

    file: str
    status: str  # unchanged | CHANGED | MISSING | ADDED
    recorded: str | None
    now: str | None

    @property
    def ok(self) -> bool:
        return self.status == "unchanged"


def check_inputs(root: Path, recorded: dict[str, str]) -> list[InputCheck]:
    """Compare the recorded SHA-256 of each input file with the file in ``root``.

    A CSV present now but not recorded is ``ADDED`` (every CSV of a data set
    is read, so it would enter the run).
    """
    checks = []
    for name, digest in sorted(recorded.items()):
        path = root / name
        if not path.is_file():
            checks.append(InputCheck(name, "MISSING", digest, None))
            continue
        now = sha256_bytes(path.read_bytes())
        checks.append(InputCheck(name, "unchanged" if now == digest else "CHANGED", digest, now))
    if root.is_dir():
        for path in sorted(root.glob("*.csv")):
            if path.name not in recorded:
                checks.append(InputCheck(path.name, "ADDED", None, sha256_bytes(path.read_bytes())))
    return checks


# --------------------------------------------------------------------------- table comparison


@dataclass
class Difference:
    row: str  # the row's key columns, e.g. "year=2026 sector=power"
    column: str
    recorded: str
    now: str
    abs_diff: float = float("nan")
    outside: bool = True


@dataclass
class TableVerdict:
    name: str
    status: str  # identical | within tolerance | DIFFERENT | MISSING | EDITED | not compared
    rows: int = 0
    max_abs: float = 0.0
    max_rel: float = 0.0
    n_outside: int = 0
    message: str = ""
    worst: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("identical", "within tolerance", "not compared", "alternative optimum")


def _read_text_frame(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False)


def _numeric(values: pd.Series) -> pd.Series | None:
    """The column as floats when every non-empty entry is a number, else None."""
    parsed = pd.to_numeric(values.replace("", np.nan), errors="coerce")
    if (parsed.isna() & values.ne("") & ~values.str.lower().isin(["nan", "inf", "-inf"])).any():
        return None
    return parsed.astype(float)


def _row_labels(frame: pd.DataFrame, key_columns: list[str], rows: np.ndarray) -> list[str]:
    return [" ".join(f"{c}={frame[c].iat[i]}" for c in key_columns) or f"row {i + 1}" for i in rows]


def compare_frames(name: str, recorded: bytes, now: bytes, atol: float = VALUE_ATOL, rtol: float = VALUE_RTOL) -> TableVerdict:
    """Compare two CSV tables: text columns exactly, numeric columns within ``atol + rtol·|recorded|``."""
    if recorded == now:
        return TableVerdict(name, "identical", rows=max(recorded.count(b"\n") - 1, 0))
    rec, new = _read_text_frame(recorded), _read_text_frame(now)
    if list(rec.columns) != list(new.columns):
        return TableVerdict(name, "DIFFERENT", len(rec), message=f"columns differ: recorded {list(rec.columns)}, now {list(new.columns)}")
    if len(rec) != len(new):
        return TableVerdict(name, "DIFFERENT", len(rec), message=f"rows differ: recorded {len(rec)}, now {len(new)}")
    numeric: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    text: list[str] = []
    for col in rec.columns:
        a, b = _numeric(rec[col]), _numeric(new[col])
        if a is None or b is None:
            text.append(col)
        else:
            numeric[col] = (a.to_numpy(), b.to_numpy())
    # rows are named by their text columns and whole-number columns (year, slice, ...)
    keys = text + [c for c, (a, _) in numeric.items() if np.all(np.isfinite(a) & (a == np.round(a)))]
    keys = [c for c in text if c in keys] + [c for c in rec.columns if c in keys and c not in text]
    verdict = TableVerdict(name, "within tolerance", len(rec))
    problems: list[Difference] = []
    for col in text:
        bad = np.flatnonzero(rec[col].to_numpy() != new[col].to_numpy())
        verdict.n_outside += len(bad)
        for i, label in zip(bad[:N_WORST], _row_labels(rec, [k for k in keys if k != col][:3], bad[:N_WORST]), strict=True):
            problems.append(Difference(label, col, rec[col].iat[i], new[col].iat[i]))
    scored: list[tuple[float, int, str]] = []
    for col, (a, b) in numeric.items():
        both_nan = np.isnan(a) & np.isnan(b)
        diff = np.where(both_nan, 0.0, np.abs(b - a))
        diff = np.where(np.isnan(diff), np.inf, diff)  # NaN on one side only
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(diff == 0.0, 0.0, diff / np.abs(a))
        if len(diff):
            verdict.max_abs = max(verdict.max_abs, float(np.max(diff)))
            verdict.max_rel = max(verdict.max_rel, float(np.max(np.where(np.isnan(rel), np.inf, rel))))
        outside = diff > atol + rtol * np.abs(np.nan_to_num(a))
        verdict.n_outside += int(outside.sum())
        order = np.lexsort((-diff, ~outside))[:N_WORST]  # outside tolerance first, then largest
        scored.extend((bool(outside[i]), float(diff[i]), int(i), col) for i in order if diff[i] > 0.0)
    scored.sort(key=lambda t: (not t[0], -t[1]))
    for out, d, i, col in scored[:N_WORST]:
        label = _row_labels(rec, [k for k in keys if k != col][:3], np.array([i]))[0]
        problems.append(Difference(label, col, rec[col].iat[i], new[col].iat[i], d, out))
    verdict.worst = problems[:N_WORST]  # differing text first, then the largest numeric differences
    if verdict.n_outside:
        verdict.status = "DIFFERENT"
        verdict.message = f"{verdict.n_outside} value{'s' if verdict.n_outside != 1 else ''} outside tolerance"
    return verdict


# --------------------------------------------------------------------------- the report


@dataclass
class Report:
    source: str
    scenario: str = ""
    created_utc: str = ""
    inputs_root: str = ""
    inputs: list[InputCheck] = field(default_factory=list)
    scenario_ok: bool = True
    scenario_message: str = ""
    version_notes: list[str] = field(default_factory=list)
    rerun_error: str = ""
    rerun_folder: str = ""
    objective_recorded: float | None = None
    objective_now: float | None = None
    tables: list[TableVerdict] = field(default_factory=list)

    @property
    def objective_ok(self) -> bool:
        if self.objective_recorded is None or self.objective_now is None:
            return False
        a, b = self.objective_recorded, self.objective_now
        return abs(b - a) <= OBJECTIVE_RTOL * max(abs(a), 1e-12)

    @property
    def ok(self) -> bool:
        return (
            all(c.ok for c in self.inputs)
            and self.scenario_ok
            and not self.rerun_error
            and self.objective_ok
            and all(t.ok for t in self.tables)
        )

    def reasons(self) -> list[str]:
        out = []
        bad_inputs = [c for c in self.inputs if not c.ok]
        if bad_inputs:
            out.append("input files differ from the recorded run: " + ", ".join(f"{c.file} ({c.status.lower()})" for c in bad_inputs))
        if not self.scenario_ok:
            out.append(self.scenario_message)
        if self.rerun_error:
            out.append(f"the re-run failed: {self.rerun_error}")
        elif not self.objective_ok:
            out.append(f"objective differs: recorded {self.objective_recorded!r}, now {self.objective_now!r}")
        bad_tables = [t for t in self.tables if not t.ok]
        if bad_tables:
            out.append("tables not reproduced: " + ", ".join(f"{t.name} ({t.status.lower()})" for t in bad_tables))
        return out

    def lines(self) -> list[str]:
        """The report as text lines for the command line."""
        out = [f"reproducing {self.source}: scenario {self.scenario or '?'}, recorded {self.created_utc or '?'}"]
        n_bad = sum(not c.ok for c in self.inputs)
        out.append(
            f"inputs ({self.inputs_root}): {len(self.inputs)} files checked against the recorded SHA-256, "
            + ("all unchanged" if not n_bad else f"{n_bad} differ")
        )
        for c in self.inputs:
            if not c.ok:
                rec = c.recorded[:12] + "…" if c.recorded else "none"
                now = c.now[:12] + "…" if c.now else "none"
                out.append(f"  {c.status:<9} {c.file}  (sha256 recorded {rec}, now {now})")
        out.append(f"scenario.yaml: {self.scenario_message}")
        for note in self.version_notes:
            out.append(f"note: {note}")
        if self.rerun_error:
            out.append(f"re-run: FAILED — {self.rerun_error}")
        else:
            if self.objective_recorded is not None and self.objective_now is not None:
                a, b = self.objective_recorded, self.objective_now
                rel = abs(b - a) / max(abs(a), 1e-12)
                verdict = "reproduced" if self.objective_ok else "NOT REPRODUCED"
                out.append(
                    f"objective: recorded {a:,.6f} M CNY, now {b:,.6f}; relative difference {rel:.3g} "
                    f"(tolerance {OBJECTIVE_RTOL:g}): {verdict}"
                )
            out.append(f"tables (numeric: |now − recorded| ≤ {VALUE_ATOL:g} + {VALUE_RTOL:g}·|recorded|; text: exact):")
            width = max((len(t.name) for t in self.tables), default=8)
            for t in self.tables:
                head = f"  {t.name:<{width}}  {t.status:<16}"
                if t.status in ("identical",):
                    out.append(f"{head} {t.rows} rows")
                elif t.status == "within tolerance":
                    out.append(f"{head} {t.rows} rows; largest |Δ| {t.max_abs:.3g} (relative {t.max_rel:.3g})")
                elif t.status == "alternative optimum":
                    out.append(f"{head} {t.message}")
                    for d in t.worst:
                        out.append(f"      {d.row}: {d.column} recorded {d.recorded}, now {d.now}")
                else:
                    detail = t.message
                    if t.status == "DIFFERENT" and t.worst:
                        detail += f"; largest |Δ| {t.max_abs:.3g} (relative {t.max_rel:.3g})"
                    out.append(f"{head} {detail}")
                if t.status == "DIFFERENT":
                    for d in (w for w in t.worst if w.outside):
                        delta = "" if np.isnan(d.abs_diff) else f"  |Δ| {d.abs_diff:.3g}"
                        out.append(f"      {d.row}: {d.column} recorded {d.recorded}, now {d.now}{delta}")
        if self.rerun_folder:
            out.append(f"re-run kept in {self.rerun_folder}")
        if self.ok:
            out.append("verdict: REPRODUCED")
        else:
            out.append("verdict: NOT REPRODUCED")
            out.extend(f"  - {r}" for r in self.reasons())
        return out


# --------------------------------------------------------------------------- reproduce


def recreate_environment(manifest: dict) -> list[str]:
    """How to recreate the environment a run was recorded in: its lock file, or its recorded versions."""
    from simulator.runs.run_folder import LOCK_FILE, environment

    recorded = manifest.get("environment") or {}
    versions = manifest.get("versions") or {}
    pins = " ".join(f"{k}=={v}" for k, v in sorted(versions.items()) if k not in ("python", "simulator", "highs") and v != "not installed")
    out = []
    now = environment()
    venv = "python3 -m venv .venv-recorded && .venv-recorded/bin/pip install"
    if recorded.get("lock_sha256") and recorded.get("lock_sha256") == now.get("lock_sha256"):
        out.append(
            f"to recreate the recorded environment ({LOCK_FILE} of this checkout, the one the run used): "
            f"{venv} -r {LOCK_FILE} && .venv-recorded/bin/pip install --no-deps -e . && .venv-recorded/bin/transim reproduce …"
        )
    elif recorded.get("lock_sha256"):
        commit = (manifest.get("code") or {}).get("git_commit")
        where = f"git show {commit[:10]}:{LOCK_FILE} > recorded.lock" if commit else "the lock file of the commit that made the run"
        out.append(
            f"the run used another {LOCK_FILE} (sha256 {recorded['lock_sha256'][:12]}…): {where}, then {venv} -r recorded.lock "
            "&& .venv-recorded/bin/pip install --no-deps -e ."
        )
    if pins:
        out.append(
            f"or install the recorded versions (Python {versions.get('python', '?')}): {venv} {pins} && .venv-recorded/bin/pip install -e ."
        )
    return out


def _version_notes(manifest: dict) -> list[str]:
    from simulator.runs.run_folder import code_identity, package_versions
    from simulator.solve.highs import highs_version

    notes = []
    recorded = manifest.get("versions") or {}
    now = {**package_versions(), "highs": highs_version()}
    changed = [f"{k} {recorded[k]} → {now.get(k, 'absent')}" for k in sorted(recorded) if recorded[k] != now.get(k, "absent")]
    if changed:
        notes.append("versions differ from the recorded run (results may move within tolerance): " + ", ".join(changed))
        notes.extend(recreate_environment(manifest))
    code = manifest.get("code") or {}
    if code.get("sources_sha256") and code["sources_sha256"] != code_identity()["sources_sha256"]:
        commit = code.get("git_commit")
        notes.append("the simulator's sources differ from the recorded run" + (f" (recorded at commit {commit[:10]})" if commit else ""))
    return notes


def reproduce(
    run_dir: str | Path,
    inputs_root: Path | None = None,
    keep: Path | None = None,
    progress: Callable = _quiet,
    source: str | None = None,
) -> Report:
    """Reproduce the run in ``run_dir`` (a run folder or an unpacked bundle)."""
    from simulator.runs import pipeline
    from simulator.runs.run_folder import write_run

    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    report = Report(source=source or str(run_dir), scenario=manifest.get("scenario", ""), created_utc=manifest.get("created_utc", ""))
    scenario_file = run_dir / "scenario.yaml"
    if not scenario_file.is_file():
        raise ReproduceError(f"{run_dir}: no scenario.yaml (the resolved scenario of the run)")

    # the scenario's data set entry, read without validation (the folder is needed before loading)
    import yaml

    try:
        dataset = (yaml.safe_load(scenario_file.read_text(encoding="utf-8")) or {}).get("dataset")
    except yaml.YAMLError:
        dataset = None
    root = find_inputs(run_dir, manifest, dataset, inputs_root)
    report.inputs_root = str(root)
    progress(f"checking {len(manifest.get('input_sha256', {}))} input files in {root}")
    report.inputs = check_inputs(root, manifest.get("input_sha256", {}))
    report.version_notes = _version_notes(manifest)

    progress(f"re-running {scenario_file}")
    try:
        prepared = pipeline.prepare(scenario_file, None, progress, inputs_root=root)
        sha = prepared.scenario.sha256()
        if manifest.get("scenario_sha256") and sha != manifest["scenario_sha256"]:
            report.scenario_ok = False
            report.scenario_message = (
                f"scenario.yaml differs from the recorded scenario (sha256 {sha[:12]}…, recorded {manifest['scenario_sha256'][:12]}…)"
            )
        else:
            report.scenario_message = f"unchanged (sha256 {sha[:12]}…)"
        outcome = pipeline.run(prepared, soft_targets=bool(manifest.get("soft_targets")), progress=progress)
    except SimulatorError as exc:
        report.rerun_error = str(exc).replace("\n", "; ")
        if not report.scenario_message:
            report.scenario_message = "not checked (the re-run failed before loading it)"
        return report
    report.objective_recorded = manifest.get("objective_mcny")
    report.objective_now = outcome.result.objective

    with tempfile.TemporaryDirectory(prefix="transim-reproduce-") as tmp:
        out_root = Path(keep) if keep is not None else Path(tmp)
        new_dir = write_run(outcome, out_root, command=["transim", "reproduce", str(run_dir)])
        if keep is not None:
            report.rerun_folder = str(new_dir)
        progress("comparing tables")
        report.tables = compare_runs(run_dir, manifest, new_dir)
        if report.objective_ok:
            prove_alternative_dispatch(outcome, run_dir, new_dir, report.tables, progress)
    return report


# --------------------------------------------------------------------------- equal-cost alternative optima

#: tables that may differ between equal-cost alternative optima; every other table must reproduce within tolerance
ALTERNATIVE_TABLES = ("dispatch",)


def _dispatch_quantity(model, flow: str, year: int, s: int):
    """The LP variables and coefficients whose sum is the dispatch table's ``value_gw`` of (flow, year, slice), or None."""
    p = model.power
    if flow == "storage_charge":
        return [p.charge[year, s, r] for r in p.R], -1.0
    if flow == "storage_discharge":
        return [p.discharge[year, s, r] for r in p.R], 1.0
    if flow == "curtailment":
        return [p.curtailment[year, s]], -1.0
    if flow.startswith("import_") and flow[len("import_") :] in p.I:
        return [p.imported[year, s, flow[len("import_") :]]], 1.0
    if flow in p.G:
        return [p.generation[year, s, flow]], 1.0
    return None


def prove_alternative_dispatch(
    outcome, recorded_dir: Path, new_dir: Path, verdicts: list[TableVerdict], progress: Callable = _quiet
) -> None:
    """Turn a differing dispatch into ``alternative optimum`` where an equal-cost alternative is proven.

    Only when the objective and every other table reproduce. The dispatch
    values outside tolerance are required at their recorded values all at
    once (each within the table tolerance) on the re-run's optimal face
    (:mod:`simulator.solve.alternatives`; one LP, however many values
    differ): if that LP is feasible, the recorded dispatch is an equally
    cheap optimum of the same LP. Otherwise the verdict stays ``DIFFERENT``.
    """
    from simulator.solve.alternatives import optimal_face

    bad = [t for t in verdicts if not t.ok]
    if not bad or any(t.name not in ALTERNATIVE_TABLES or t.status != "DIFFERENT" for t in bad):
        return
    verdict = next(t for t in bad if t.name == "dispatch")
    rec = pd.read_csv(io.BytesIO(table_bytes(table_path(recorded_dir, "dispatch"))))
    new = pd.read_csv(io.BytesIO(table_bytes(table_path(new_dir, "dispatch"))))
    if (
        list(rec.columns) != list(new.columns)
        or len(rec) != len(new)
        or not rec[["flow", "year", "slice"]].equals(new[["flow", "year", "slice"]])
    ):
        return
    a, b = rec["value_gw"].to_numpy(dtype=float), new["value_gw"].to_numpy(dtype=float)
    outside = np.flatnonzero(np.abs(b - a) > VALUE_ATOL + VALUE_RTOL * np.abs(a))
    if len(outside) == 0:
        return
    model = outcome.model
    column = {id(var): j for j, var in enumerate(outcome.result.lp_columns)}
    quantities = []
    for i in outside:
        quantity = _dispatch_quantity(model, rec["flow"].iat[i], int(rec["year"].iat[i]), int(rec["slice"].iat[i]))
        if quantity is None:
            return
        variables, sign = quantity
        idx = [column[id(v)] for v in variables if id(v) in column]
        if not idx:
            return
        quantities.append((idx, [sign] * len(idx), float(a[i]), VALUE_ATOL + VALUE_RTOL * abs(a[i])))
    progress(f"dispatch differs in {len(outside)} values: is the recorded dispatch an equally cheap plan of this LP?")
    range_of = optimal_face(outcome.result)
    if not range_of.attainable(quantities):
        return
    shown: list[Difference] = []
    order = outside[np.argsort(-np.abs(b[outside] - a[outside]), kind="stable")][:N_WORST]
    for i in order:  # the largest differences, each with its range over the optimal plans
        idx, coef, _, _ = quantities[int(np.searchsorted(outside, i))]
        low, high = range_of(idx, coef)
        flow, year, s = rec["flow"].iat[i], int(rec["year"].iat[i]), int(rec["slice"].iat[i])
        shown.append(
            Difference(
                f"flow={flow} year={year} slice={s}", "value_gw", f"{a[i]:.9g}", f"{b[i]:.9g} (optimal range [{low:.6g}, {high:.6g}])"
            )
        )
    verdict.status = "alternative optimum"
    verdict.worst = shown
    verdict.message = (
        f"{len(outside)} values differ, proven an equal-cost alternative: with the cost held at the optimum "
        "(+1e-7 M CNY) this LP has a plan with all the recorded values at once (within the table tolerance); "
        "the largest differences are shown with each value's range over the optimal plans"
    )


def compare_runs(recorded_dir: Path, manifest: dict, new_dir: Path) -> list[TableVerdict]:
    """A verdict for every table of the recorded run (and a note for tables only the re-run has)."""
    new_manifest = read_manifest(new_dir)
    recorded_hashes = manifest.get("tables") or {}
    names = recorded_tables(recorded_dir, manifest)
    verdicts = []
    for name in names:
        rec_path = table_path(recorded_dir, name)
        if rec_path is None:
            verdicts.append(TableVerdict(name, "MISSING", message=f"the recorded run has no {name}.csv"))
            continue
        rec = table_bytes(rec_path)
        new_path = table_path(new_dir, name)
        if new_path is None:
            verdicts.append(TableVerdict(name, "DIFFERENT", message="the re-run produced no such table"))
            continue
        verdict = compare_frames(name, rec, table_bytes(new_path))
        expected = (recorded_hashes.get(name) or {}).get("sha256")
        if expected and sha256_bytes(rec) != expected:
            verdict.message = f"{rec_path.name} was edited after the run (its SHA-256 differs from manifest.json)" + (
                f"; {verdict.message}" if verdict.message else ""
            )
            if verdict.status != "DIFFERENT":
                verdict.status = "EDITED"
        verdicts.append(verdict)
    for name in sorted(set(new_manifest.get("tables") or {}) - set(names)):
        verdicts.append(TableVerdict(name, "not compared", message="new table, not in the recorded run"))
    return verdicts
