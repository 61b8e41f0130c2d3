"""Property: any mutation of the reference scenario either solves, is explained as infeasible,
or gives a located input error — never an unhandled exception."""

from __future__ import annotations

import copy
import re

import yaml
from conftest import SCENARIOS, WUHAN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import InfeasibleError, InputError, SolveError
from simulator.intake.scenario import load_scenario
from simulator.runs import pipeline

BASE = load_scenario(SCENARIOS / "reference.yaml").resolved
BASE = {**BASE, "dataset": str(WUHAN), "time": {"days": 2, "hours": None, "method": "hierarchical"}}
LOCATED = re.compile(r"(:\d+:\d+$)|(:row \d+ \(line \d+\)$)|(\.csv$)|(\.yaml$)")


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


PATHS = [p for p in _paths(BASE) if p]
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3),
    max_leaves=5,
)


def _mutate(data, path, action, value):
    data = copy.deepcopy(data)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if action == "scale" and isinstance(parent[key], int | float) and not isinstance(parent[key], bool):
        parent[key] = parent[key] * value if isinstance(value, int | float) and not isinstance(value, bool) else -parent[key]
    elif action == "delete" and isinstance(parent, dict):
        del parent[key]
    elif action == "add" and isinstance(parent, dict):
        parent["unexpected_key"] = value
    else:
        parent[key] = value
    return data


@settings(max_examples=20, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), action=st.sampled_from(["replace", "scale", "scale", "delete", "add"]), value=values)
def test_mutated_reference_runs_or_fails_with_a_location(scenario_dir, path, action, value):
    data = _mutate(BASE, path, action, value)
    file = scenario_dir / "mutant.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        prepared = pipeline.prepare(file)
        outcome = pipeline.run(prepared)
        assert outcome.result.status == "optimal"
    except (InfeasibleError, SolveError) as exc:  # explained in planner's terms, not a raw status
        assert str(exc) and "status" not in str(exc).lower()
    except InputError as exc:
        assert exc.problems, str(exc)
        for problem in exc.problems:
            assert LOCATED.search(problem.where), f"no location in: {problem}"
            assert problem.what
