"""The lock file: every declared dependency pinned, recorded in the manifest, and how to recreate it printed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from simulator.runs.reproduce import recreate_environment
from simulator.runs.run_folder import LOCK_FILE, environment, read_lock

REPO = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!\[; ]", requirement, maxsplit=1)[0].lower()


def test_every_runtime_and_test_dependency_is_pinned_exactly():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = read_lock(REPO / LOCK_FILE)
    declared = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    missing = [r for r in declared if _name(r) not in pins]
    assert not missing, f"not in {LOCK_FILE} (run scripts/lock.sh): {missing}"
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", v) for v in pins.values())
    # an exact pin in pyproject is the lock's version
    for r in project["dependencies"]:
        if "==" in r:
            assert pins[_name(r)] == r.split("==")[1].strip(), r


def test_manifest_environment_and_recreate_instructions():
    env = environment()
    assert env["lock_file"] == LOCK_FILE and len(env["lock_sha256"]) == 64
    assert env["matches_lock"] == (not env["differs_from_lock"])
    manifest = {
        "environment": env,
        "versions": {"python": "3.11.7", "pandas": "2.3.3", "numpy": "2.4.6", "highs": "1.16.0"},
        "code": {"git_commit": "0123456789abcdef"},
    }
    lines = recreate_environment(manifest)
    assert f"-r {LOCK_FILE}" in lines[0] and "pip install --no-deps -e ." in lines[0]
    assert "pandas==2.3.3" in lines[1] and "numpy==2.4.6" in lines[1] and "highs==" not in lines[1]
    other = {**manifest, "environment": {**env, "lock_sha256": "f" * 64}}
    assert f"git show 0123456789:{LOCK_FILE} > recorded.lock" in recreate_environment(other)[0]
