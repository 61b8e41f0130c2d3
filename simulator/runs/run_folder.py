"""Run folders: ``outputs/<scenario>/<timestamp>/``, written whole or not at all.

A run is written into ``outputs/<scenario>/.<timestamp>.partial`` and renamed
into place only when every file is written; a failed or interrupted run
leaves no folder that looks complete (the partial folder is removed).

Contents: ``scenario.yaml`` (resolved), ``manifest.json``, the result tables
of :mod:`simulator.results` as CSV, ``highs.log``.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from simulator import __version__
from simulator.errors import InputError, Problem
from simulator.results.tables import write_tables

PACKAGES = ["pyomo", "highspy", "numpy", "pandas", "scipy", "tsam", "pydantic", "pyyaml", "matplotlib", "typer"]


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "simulator": __version__}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


#: the lock file of exact versions (scripts/lock.sh), at the root of a checkout
LOCK_FILE = "requirements.lock"


def read_lock(path: Path) -> dict[str, str]:
    """``name → version`` of the pins in a lock file that apply to this Python and platform."""
    try:
        from packaging.markers import Marker
    except ImportError:  # pragma: no cover - packaging comes with matplotlib
        Marker = None
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        spec = line.split("#", 1)[0].strip()
        if "==" not in spec:
            continue
        requirement, _, marker = spec.partition(";")
        if marker.strip() and Marker is not None and not Marker(marker.strip()).evaluate():
            continue
        name, version = (part.strip() for part in requirement.split("==", 1))
        pins[name.lower()] = version
    return pins


def environment() -> dict:
    """The lock file this checkout carries (SHA-256) and the installed packages that differ from its pins.

    Packages of the lock that are not installed (the test tools in a user's
    environment) are not counted.
    """
    path = Path(__file__).resolve().parents[2] / LOCK_FILE
    if not path.is_file():
        return {"lock_file": None}
    differs = []
    for name, version in sorted(read_lock(path).items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        if installed != version:
            differs.append(f"{name} {version} (lock) → {installed} (installed)")
    return {
        "lock_file": LOCK_FILE,
        "lock_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "matches_lock": not differs,
        "differs_from_lock": differs,
    }


def dataset_path(root: Path) -> str:
    """The data set folder relative to the project (``inputs/<dataset>``), else absolute.

    A run folder moved to another checkout finds its inputs again through this path.
    """
    root = Path(root).resolve()
    if root.parent.name == "inputs":
        return f"inputs/{root.name}"
    return str(root)


def code_identity() -> dict:
    """SHA-256 of the simulator's Python sources (and cli.py), and the git commit if any."""
    package = Path(__file__).resolve().parents[1]
    files = sorted(package.rglob("*.py"))
    cli = package.parent / "cli.py"
    if cli.is_file():
        files.append(cli)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package.parent).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        done = subprocess.run(["git", "-C", str(package), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False)
        commit = done.stdout.strip() if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"sources_sha256": digest.hexdigest(), "git_commit": commit}


def table_hashes(folder: Path, tables: dict) -> dict:
    """Rows and SHA-256 of each result table as written (``<name>.csv``)."""
    return {
        name: {"file": f"{name}.csv", "rows": len(frame), "sha256": hashlib.sha256((folder / f"{name}.csv").read_bytes()).hexdigest()}
        for name, frame in sorted(tables.items())
    }


def manifest(outcome, command: list[str] | None = None, tables: dict | None = None) -> dict:
    """Everything that affects the result, and how long each step took.

    Only ``created_utc``, ``timings_s`` and ``command`` differ between two runs
    of the same scenario with the same inputs and code.
    """
    prep = outcome.prepared
    scenario, inputs, result = prep.scenario, prep.inputs, outcome.result
    from simulator.solve.highs import highs_version

    return {
        "scenario": scenario.name,
        "scenario_file": str(scenario.path),
        "scenario_chain": [str(p) for p in scenario.chain],
        "scenario_sha256": scenario.sha256(),
        "dataset": inputs.dataset,
        "dataset_root": str(inputs.root),
        "dataset_path": dataset_path(inputs.root),
        "input_sha256": dict(sorted(inputs.file_hashes.items())),
        "input_overrides": inputs.overridden,
        "years": scenario.years,
        "base_year": scenario.spec.years.base,
        "time_slices": prep.time.label,
        "n_slices": prep.time.n,
        "time_clustering": None if prep.time.n >= 8760 else scenario.spec.time.method,
        "time_representation": None if prep.time.n >= 8760 else scenario.spec.time.representation,
        "time_extreme_days": None if prep.time.n >= 8760 else list(scenario.spec.time.extreme_days),
        "representative_days": sorted({int(d) for d in prep.time.day_of_year}) if prep.time.n < 8760 else None,
        "versions": {**package_versions(), "highs": highs_version()},
        "environment": environment(),
        "platform": {
            "system": platform.system(),
            "machine": platform.machine(),
            "release": platform.release(),
            "python_implementation": platform.python_implementation(),
        },
        "code": code_identity(),
        "tables": tables or {},
        "solver_options": result.options,
        "solver_attempts": [{k: v for k, v in a.items() if k != "seconds"} for a in result.attempts],  # seconds: timings_s
        "soft_targets": outcome.soft_targets,
        "termination": result.status,
        "objective_mcny": result.objective,
        "highs_warnings": result.warnings,
        "lp_size": {"rows": result.n_rows, "columns": result.n_cols},
        "iterations": result.iterations,
        "timings_s": {
            **{k: round(v, 4) for k, v in outcome.timings.items()},
            **{f"highs_attempt_{i}_{a['method']}_s": a["seconds"] for i, a in enumerate(result.attempts, start=1)},
        },
        "command": command or sys.argv,
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S")


def check_out_root(out_root: str | Path) -> Path:
    """Make sure run folders can be written under ``out_root`` before anything is built.

    Creates the folder if needed and writes a probe file into it. Raises
    :class:`~simulator.errors.InputError` located at the ``--out`` option.
    """
    out_root = Path(out_root)
    where = "command line option --out"
    if out_root.exists() and not out_root.is_dir():
        raise InputError(problems=[Problem(where, "out", f"{out_root} is a file, not a folder", "a folder for run folders")])
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_root):
            pass
    except OSError as exc:
        raise InputError(
            problems=[Problem(where, "out", f"cannot write into {out_root} ({exc.strerror or exc})", "a folder you can write to")]
        ) from None
    return out_root


def _claim(parent: Path, stamp: str) -> Path:
    """Reserve a new run folder name ``<stamp>``, ``<stamp>-2``, …: ``mkdir`` is atomic, so two runs never get the same name."""
    n = 1
    while True:
        final = parent / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            final.mkdir()
            return final
        except FileExistsError:
            n += 1


def write_run(outcome, out_root: str | Path = "outputs", command: list[str] | None = None, extra_writers=()) -> Path:
    """Write the run folder atomically; return its final path.

    Files go to a hidden partial folder of a unique name; when all are written,
    the final name is reserved (an empty folder made with ``mkdir``) and the
    partial folder renamed onto it in one step. Concurrent runs of the same
    scenario into the same ``out_root`` get distinct folders.

    ``extra_writers`` are called ``writer(outcome, folder)`` after the tables;
    one with ``after_manifest`` set after ``manifest.json`` (it may cite its
    hash); one with a ``begin`` attribute is begun first, ``finish =
    writer.begin(outcome, folder)`` (the charts start rendering in another
    process), and ``finish()`` is called before the manifest is written
    (``finish.cancel()`` if the run fails first).
    """
    out_root = Path(out_root)
    parent = out_root / outcome.prepared.scenario.name
    parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{_stamp()}.", suffix=".partial", dir=parent))
    final = None
    begun = []
    try:
        (partial / "scenario.yaml").write_text(outcome.prepared.scenario.resolved_yaml(), encoding="utf-8")
        early = [w for w in extra_writers if hasattr(w, "begin")]
        late = [w for w in extra_writers if getattr(w, "after_manifest", False)]
        for writer in early:
            begun.append(writer.begin(outcome, partial))
        write_tables(outcome.tables, partial)
        (partial / "highs.log").write_text(outcome.result.log, encoding="utf-8")
        for writer in extra_writers:
            if writer not in late and writer not in early:
                writer(outcome, partial)
        for finish in begun:  # cancelling a finished writer later does nothing
            finish()
        man = manifest(outcome, command, tables=table_hashes(partial, outcome.tables))
        (partial / "manifest.json").write_text(json.dumps(man, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        for writer in late:  # writers that cite the manifest (report.html gives its SHA-256)
            writer(outcome, partial)
        os.chmod(partial, 0o755)  # mkdtemp makes it private
        final = _claim(parent, _stamp())
        os.replace(partial, final)  # onto the empty folder just reserved: atomic on POSIX
    except BaseException:
        for finish in begun:
            getattr(finish, "cancel", lambda: None)()
        shutil.rmtree(partial, ignore_errors=True)
        if final is not None and final.is_dir() and not any(final.iterdir()):
            final.rmdir()
        raise
    return final
