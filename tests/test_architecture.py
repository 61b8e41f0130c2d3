"""The package layout is the architecture: imports form no circle and point downward.

Every module of ``simulator`` is parsed (imports inside functions included) and
its imports of other ``simulator`` modules are checked against the stage order
intake ← model (+ sectors, its plug-ins) ← solve ← results ← runs ← sweep.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "simulator"
# rank of each stage; a module may import only modules of its own rank or lower
STAGES = {"errors": 0, "intake": 1, "model": 2, "sectors": 2, "solve": 3, "results": 4, "runs": 5, "sweep": 6}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """simulator modules that ``name`` imports (a package import counts as its __init__)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("simulator")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module.startswith("simulator"):
                continue
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                out.add(sub if sub in known else module)
    return {m for m in out if m in known and m != name}


def _stage(module: str) -> int:
    parts = module.split(".")
    return STAGES.get(parts[1], 0) if len(parts) > 1 else 0


GRAPH = {name: _imports(name, path, set(_modules())) for name, path in _modules().items()}


def test_every_module_has_a_stage():
    for name in GRAPH:
        parts = name.split(".")
        assert len(parts) == 1 or parts[1] in STAGES or parts[1] == "__init__", f"{name} sits in no stage"


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_imports_point_downward(name):
    for target in GRAPH[name]:
        assert _stage(target) <= _stage(name), f"{name} (stage {_stage(name)}) imports {target} (stage {_stage(target)})"


def test_no_import_circle():
    state: dict[str, int] = {}

    def visit(node, chain):
        if state.get(node) == 1:
            raise AssertionError("import circle: " + " → ".join([*chain[chain.index(node) :], node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            visit(nxt, [*chain, node])
        state[node] = 2

    for node in sorted(GRAPH):
        visit(node, [])


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_each_module_imports_on_its_own(name):
    importlib.import_module(name)


def test_sector_settings_match_the_registry():
    from simulator.intake.sector_settings import SECTOR_SETTINGS
    from simulator.sectors import REGISTRY

    assert set(SECTOR_SETTINGS) == set(REGISTRY)
    for key, module in REGISTRY.items():
        assert module.Settings is SECTOR_SETTINGS[key]
