"""Fingerprints of what a change must not move: the compiled LP, the objective, every result table, a sweep.

    python benchmarks/lp_fingerprint.py OUT.json   # then: diff OLD.json NEW.json

For the reference and baseline scenarios (their default days) and
reference-2060 (6 days): the SHA-256 of the LP handed to HiGHS (costs, bounds,
matrix, offset), the objective (repr) and each result table written with 17
significant digits; and the records of the first 40 variants of
reference-sweep at 12 days (serial, LP reused), timings left out. Two
checkouts with equal fingerprints give the same numbers bit for bit.
"""

from __future__ import annotations

import hashlib
import json
import sys

import numpy as np

from simulator import sweep
from simulator.runs.pipeline import build, prepare, run
from simulator.solve.highs import compile_lp


def lp_hash(model) -> str:
    lp = compile_lp(model).lp
    digest = hashlib.sha256()
    for a in (lp.col_cost_, lp.col_lower_, lp.col_upper_, lp.row_lower_, lp.row_upper_):
        digest.update(np.ascontiguousarray(np.asarray(a, dtype=float)).tobytes())
    for a in (lp.a_matrix_.start_, lp.a_matrix_.index_):
        digest.update(np.ascontiguousarray(np.asarray(a, dtype=np.int64)).tobytes())
    digest.update(np.ascontiguousarray(np.asarray(lp.a_matrix_.value_, dtype=float)).tobytes())
    digest.update(repr(lp.offset_).encode())
    return digest.hexdigest()[:16]


def table_hashes(tables: dict) -> dict:
    return {k: hashlib.sha256(v.to_csv(index=False, float_format="%.17g").encode()).hexdigest()[:16] for k, v in tables.items()}


def main() -> None:
    out: dict = {}
    cases = [
        ("scenarios/reference.yaml", None),
        ("scenarios/baseline.yaml", None),
        ("scenarios/examples/reference-2060.yaml", {"time": {"days": 6}}),
    ]
    for path, overrides in cases:
        prepared = prepare(path, overrides)
        out[f"{path}:lp"] = lp_hash(build(prepared))
        outcome = run(prepared)
        out[f"{path}:objective"] = repr(outcome.result.objective)
        out[f"{path}:tables"] = table_hashes(outcome.tables)
    plan = sweep.plan_sweep("scenarios/examples/reference-sweep.yaml", samples=40, overrides={"time": {"days": 12}})
    table = sweep.run_serial(plan, list(plan.variants["variant"]))
    columns = [c for c in table.columns if c not in ("seconds", "worker")]
    out["reference-sweep:40 variants"] = hashlib.sha256(table[columns].to_csv(index=False, float_format="%.17g").encode()).hexdigest()[:16]
    out["reference-sweep:statuses"] = table["status"].value_counts().to_dict()
    text = json.dumps(out, indent=1, sort_keys=True)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
