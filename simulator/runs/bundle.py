"""One archive that carries a run to another machine: ``transim bundle RUN --out FILE``.

A bundle is a ``.tar.gz`` with one top folder ``<scenario>-<run>/`` holding
the files at the top of the run folder (resolved ``scenario.yaml``,
``manifest.json``, the recorded result tables, ``highs.log``; not the
``charts/`` folder) and ``inputs/<dataset>/`` with
the exact input files the run read, each verified against the SHA-256 in the
manifest before it is packed. ``transim reproduce FILE`` unpacks it into a
temporary folder and re-runs from there with the bundled inputs.

The archive is deterministic (sorted members, zero timestamps and owners),
so bundling the same run twice gives the same bytes.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from simulator.errors import ReproduceError
from simulator.runs.reproduce import check_inputs, find_inputs, read_manifest


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(data))


def bundle_members(run_dir: Path, inputs_root: Path | None = None) -> dict[str, bytes]:
    """Archive path → bytes of every file a bundle of ``run_dir`` holds.

    Raises :class:`ReproduceError` naming each input file that no longer
    matches the manifest (the exact inputs of the run cannot be packed).
    """
    import yaml

    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    scenario = yaml.safe_load((run_dir / "scenario.yaml").read_text(encoding="utf-8")) or {}
    root = find_inputs(run_dir, manifest, scenario.get("dataset"), inputs_root)
    recorded = manifest.get("input_sha256") or {}
    bad = [c for c in check_inputs(root, recorded) if c.status in ("CHANGED", "MISSING")]
    if bad:
        raise ReproduceError(
            f"cannot bundle the exact inputs of {run_dir}: these files in {root} differ from the recorded SHA-256: "
            + ", ".join(f"{c.file} ({c.status.lower()})" for c in bad)
        )
    top = f"{manifest.get('scenario', 'run')}-{run_dir.resolve().name}"
    members: dict[str, bytes] = {}
    for path in sorted(run_dir.iterdir()):  # top-level files only: charts/ and inputs/ stay out
        if path.is_file():
            members[f"{top}/{path.name}"] = path.read_bytes()
    dataset = Path(str(scenario.get("dataset") or manifest.get("dataset") or root.name)).name
    for name in sorted(recorded):
        members[f"{top}/inputs/{dataset}/{name}"] = (root / name).read_bytes()
    return members


def make_bundle(run_dir: str | Path, out: str | Path, inputs_root: Path | None = None) -> Path:
    """Write the bundle of ``run_dir`` to ``out`` (written whole or not at all)."""
    members = bundle_members(Path(run_dir), inputs_root)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            for name, data in members.items():
                _add(tar, name, data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def is_bundle(path: Path) -> bool:
    return Path(path).is_file() and tarfile.is_tarfile(path)


def unpack(bundle: str | Path, dest: str | Path) -> Path:
    """Unpack ``bundle`` into ``dest``; return the run folder inside it (the one holding manifest.json)."""
    bundle, dest = Path(bundle), Path(dest)
    try:
        with tarfile.open(bundle, "r:*") as tar:
            tar.extractall(dest, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise ReproduceError(f"{bundle}: cannot be unpacked as a bundle ({exc})") from None
    found = sorted(p.parent for p in dest.glob("*/manifest.json")) or ([dest] if (dest / "manifest.json").is_file() else [])
    if len(found) != 1:
        raise ReproduceError(f"{bundle}: expected one run folder with a manifest.json in the archive, found {len(found)}")
    return found[0]


@contextlib.contextmanager
def opened(path: str | Path) -> Iterator[Path]:
    """A run folder for ``path``: the folder itself, or a bundle unpacked into a temporary folder."""
    path = Path(path)
    if path.is_dir():
        yield path
        return
    if not path.exists():
        raise ReproduceError(f"{path}: no such run folder or bundle")
    if not is_bundle(path):
        raise ReproduceError(f"{path}: neither a run folder nor a bundle (.tar.gz written by `transim bundle`)")
    with tempfile.TemporaryDirectory(prefix="transim-bundle-") as tmp:
        yield unpack(path, tmp)
