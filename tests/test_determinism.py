"""Five runs of the reference scenario in separate processes write byte-identical tables.

Each process gets a different ``PYTHONHASHSEED``, so an iteration over a set
or a hash-ordered dict that reached a table, the LP's column order or the tsam
clustering would show up here. The manifests must agree on everything except
``created_utc``, ``timings_s`` and ``command`` (and ``code``, whose source hash
would move if someone edited the simulator while the five runs ran).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from simulator.intake.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
TRANSIM = Path(sys.executable).with_name("transim")
VARYING = {"created_utc", "timings_s", "command", "code"}


def test_five_processes_write_identical_tables(tmp_path):
    dataset = tmp_path / "data" / "wuhan"
    shutil.copytree(REPO / "inputs" / "wuhan", dataset)  # insulated from edits to the repository's data
    resolved = load_scenario(REPO / "scenarios" / "reference.yaml").resolved
    resolved["dataset"] = str(dataset)
    scen = tmp_path / "reference.yaml"
    scen.write_text(yaml.safe_dump(resolved, sort_keys=True, allow_unicode=True), encoding="utf-8")

    procs = []
    for i in range(5):
        env = {**os.environ, "PYTHONHASHSEED": str(11 * i + 1), "MPLBACKEND": "Agg"}
        cmd = [str(TRANSIM), "run", str(scen), "--days", "4", "--out", str(tmp_path / f"a{i}")]
        procs.append(subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for p in procs:
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0, out

    folders = [next((tmp_path / f"a{i}" / "reference").iterdir()) for i in range(5)]
    manifests = [json.loads((f / "manifest.json").read_text()) for f in folders]
    tables = sorted(manifests[0]["tables"])
    assert {"capacity", "dispatch", "generation", "energy_use", "costs", "emissions", "indicators", "scorecard"} <= set(tables)
    first = {name: (folders[0] / f"{name}.csv").read_bytes() for name in tables}
    for folder, man in zip(folders[1:], manifests[1:], strict=True):
        for name in tables:
            assert (folder / f"{name}.csv").read_bytes() == first[name], f"{name}.csv differs between processes ({folder})"
        assert (folder / "scenario.yaml").read_bytes() == (folders[0] / "scenario.yaml").read_bytes()
        a = {k: v for k, v in manifests[0].items() if k not in VARYING}
        b = {k: v for k, v in man.items() if k not in VARYING}
        diff = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        assert not diff, f"manifest fields differ between processes: {diff}"
