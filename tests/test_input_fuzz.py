"""Property: any mutation of the input CSV tables either solves, is explained as infeasible,
or gives a located input error — never an unhandled exception.

Mutations of a copy of ``inputs/wuhan``: a numeric cell replaced (negative,
huge, tiny, inf, nan, text, empty), a row duplicated or deleted, a row id
renamed, a profile value changed. Each example runs the reference scenario on
two representative days over 2024–2025.

CI runs ``FUZZ_EXAMPLES`` examples (default 16). The long mode runs 1,000:

    TRANSIM_FUZZ_EXAMPLES=1000 TRANSIM_FUZZ_LOG=fuzz.log nice python -m pytest -m fuzz tests/test_input_fuzz.py

``TRANSIM_FUZZ_LOG`` (optional) gets one line per example: outcome, table, mutation.

The draw is derandomised (hypothesis picks its examples from a fixed seed), so CI
runs the same examples on every machine and a failure is repeatable; set
``TRANSIM_FUZZ_RANDOM=1`` to explore new draws.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import SCENARIOS, WUHAN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import InfeasibleError, InputError, SolveError
from simulator.intake.scenario import load_scenario
from simulator.runs import pipeline

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("TRANSIM_FUZZ_EXAMPLES", "16"))
LOG = os.environ.get("TRANSIM_FUZZ_LOG")
DERANDOMIZE = os.environ.get("TRANSIM_FUZZ_RANDOM", "") != "1"
BASE = load_scenario(SCENARIOS / "reference.yaml").resolved
BASE = {
    **BASE,
    "years": {**BASE["years"], "start": 2024, "end": 2025},
    "targets": [t for t in BASE["targets"] if 2024 <= t["year"] <= 2025],
    "time": {"days": 2, "hours": None, "method": "hierarchical"},
}
LOCATED = re.compile(r"(:\d+(:\d+)?$)|(:row \d+ \(line \d+\)$)|(\.csv$)|(\.yaml$)|(^command line option)")
TABLES = sorted(p.stem for p in WUHAN.glob("*.csv") if not p.stem.startswith("sources"))
FRAMES = {name: pd.read_csv(WUHAN / f"{name}.csv") for name in TABLES}

cells = st.sampled_from(["-1", "1e9", "1e-12", "inf", "-inf", "nan", "", "abc", "0", "2", "1.5", "-0.5", "1e308"]) | st.floats(
    allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6
).map(repr)


def _mutate(folder: Path, table: str, action: str, row: int, column: int, value: str) -> str:
    """Change ``folder/<table>.csv`` in place; return what was done (for the log)."""
    path = folder / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    frame = FRAMES[table]
    if len(frame) == 0:
        return "empty table, unchanged"
    i = row % len(frame)
    numeric = [c for c in frame.columns if c != "source" and pd.api.types.is_numeric_dtype(frame[c])]
    if action == "cell" and numeric:
        col = numeric[column % len(numeric)]
        edited = frame.astype(object).copy()
        edited.iat[i, frame.columns.get_loc(col)] = value
        edited.to_csv(path, index=False)
        return f"{col} of row {i + 1} := {value!r}"
    if action == "duplicate":
        lines.append(lines[i + 1])
    elif action == "delete":
        del lines[i + 1]
    elif action == "rename":
        first, _, rest = lines[i + 1].partition(",")
        lines[i + 1] = f"{value or 'x'}{first}," + rest
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"{action} row {i + 1}"


def _record(outcome: str, table: str, what: str) -> None:
    if LOG:
        with open(LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{outcome}\t{table}\t{what}\n")


@settings(
    max_examples=EXAMPLES,
    derandomize=DERANDOMIZE,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from(TABLES),
    action=st.sampled_from(["cell", "cell", "cell", "duplicate", "delete", "rename"]),
    row=st.integers(0, 10_000),
    column=st.integers(0, 100),
    value=cells,
)
def test_mutated_inputs_run_or_fail_with_a_location(table, action, row, column, value):
    with tempfile.TemporaryDirectory(prefix="transim-fuzz-") as tmp:
        data = Path(tmp) / "inputs" / "wuhan"
        shutil.copytree(WUHAN, data)
        what = _mutate(data, table, action, row, column, value)
        scenario = Path(tmp) / "mutant.yaml"
        scenario.write_text(yaml.safe_dump({**BASE, "dataset": str(data)}, allow_unicode=True), encoding="utf-8")
        try:
            outcome = pipeline.run(pipeline.prepare(scenario))
            assert outcome.result.status == "optimal"
            _record("optimal", table, what)
        except (InfeasibleError, SolveError) as exc:  # explained in planner's terms, not a raw status
            assert str(exc) and "status" not in str(exc).lower()
            _record(type(exc).__name__, table, what)
        except InputError as exc:
            assert exc.problems, str(exc)
            for problem in exc.problems:
                assert LOCATED.search(problem.where), f"no location in: {problem}"
                assert problem.what
            _record("input error", table, what)
        except BaseException as exc:
            _record(f"UNHANDLED {type(exc).__name__}: {exc}".replace("\n", " ")[:300], table, what)
            raise
