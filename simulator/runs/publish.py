"""Published runs: ``outputs/published/<scenario>/``, regenerated on purpose only.

``transim publish SCENARIO...`` solves each scenario as written and replaces
``outputs/published/<scenario name>/`` with a slim copy of the run folder:
the resolved ``scenario.yaml``, ``manifest.json``, ``highs.log`` and every
result table. A table larger than :data:`GZIP_ABOVE_BYTES` is stored as
``<name>.csv.gz`` (gzip with a zero timestamp, so the same table gives the
same bytes); charts are left out. The manifest is the run's own, so its
table hashes still describe the CSV text inside the ``.gz``.

CI runs ``transim reproduce outputs/published/<scenario>``: a change that
moves a published number fails until the run is published again and the
commit says why the numbers moved.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

GZIP_ABOVE_BYTES = 100_000
KEEP_FILES = ("scenario.yaml", "manifest.json", "highs.log")


def _quiet(_msg: str) -> None:
    return None


def slim_copy(run_dir: Path, dest: Path, tables: list[str]) -> None:
    """Copy the files a published run keeps from ``run_dir`` into ``dest``."""
    dest.mkdir(parents=True)
    for name in KEEP_FILES:
        if (run_dir / name).is_file():
            shutil.copyfile(run_dir / name, dest / name)
    for name in tables:
        src = run_dir / f"{name}.csv"
        data = src.read_bytes()
        if len(data) > GZIP_ABOVE_BYTES:
            (dest / f"{name}.csv.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        else:
            (dest / f"{name}.csv").write_bytes(data)


def replace_folder(new: Path, final: Path) -> None:
    """Put ``new`` at ``final``, removing what was there; never leaves ``final`` half-written."""
    old = final.parent / f".{final.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)


def publish(
    scenario_paths: list[Path], out_root: str | Path = "outputs/published", progress: Callable = _quiet, command=None
) -> list[Path]:
    """Solve each scenario and replace its published run; return the published folders."""
    from simulator.runs import pipeline
    from simulator.runs.run_folder import write_run

    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    done = []
    for path in scenario_paths:
        prepared = pipeline.prepare(path, None, progress)
        outcome = pipeline.run(prepared, progress=progress)
        with tempfile.TemporaryDirectory(prefix=".publish-", dir=out_root) as tmp:
            run_dir = write_run(outcome, Path(tmp) / "runs", command=command)
            staged = Path(tmp) / "published"
            slim_copy(run_dir, staged, sorted(outcome.tables))
            final = out_root / prepared.scenario.name
            replace_folder(staged, final)
        progress(f"published {path} → {final}")
        done.append(final)
    return done
