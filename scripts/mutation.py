"""Mutation testing of the model core's accounting functions on a busy machine (docs/testing.md; not CI).

`mutmut run` generates the mutants into ``mutants/`` (with its trampolines) and measures which tests
reach which function (``mutants/mutmut-stats.json``); this script then runs the selected functions'
mutants the way mutmut does (fork one worker per mutant from a process that has imported pytest and
the test modules, ``MUTANT_UNDER_TEST`` = the mutant, ``pytest -x`` on the tests reaching its function,
fastest first), but in a chosen order and without regenerating the mutants, and writes the exit codes
into mutmut's ``.meta`` files so that ``mutmut results`` / ``mutmut show`` see them. Run from the
repository root, after one ``mutmut run`` (stop it with Ctrl-C once it runs mutants):

    .venv/bin/python scripts/mutation.py list              # mutants/selection.json: diff and class of each mutant
    nice .venv/bin/python scripts/mutation.py run          # run them (MAXC=2 workers), the most relevant first
    .venv/bin/python scripts/mutation.py summary           # counts by file, and the survivors with their diffs

Each command takes ``--only PATTERN`` (a regular expression searched in "module.function", e.g.
``--only 'model\\.matrix|_contract|_balance_electricity'``): only those functions' mutants are listed, run, counted.

Classes: ``doc`` (only a Pyomo ``doc=`` string changes), ``dtype_none`` (``astype(None)`` /
``dtype=None``: pandas keeps float64), ``raises`` (a ``None``, an unknown column or key, a dropped
argument: the first test that reaches the line raises), ``semantic`` (the rest). ``run`` takes
the four functions no round ran to the end first (``semantic``, then ``raises``), then the other functions'
``semantic`` mutants (round 1's open ones first), then their ``raises``; ``doc`` and
``dtype_none`` are run last (``ALL=1``) since they are equivalent by construction.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
import resource
import signal
import sys
import time
from pathlib import Path

#: the accounting-relevant functions, most relevant first (module, mangled function name)
FUNCTIONS = [
    ("simulator.sectors.power", "x__contract"),
    ("simulator.model.core", "x__objective"),
    ("simulator.model.core", "x__roof_pv_built"),
    ("simulator.model.targets", "x_add_targets"),
    ("simulator.sectors.buildings", "x__use"),
    ("simulator.sectors.transport", "x__use"),
    ("simulator.sectors.industry", "x__product_saving"),
    ("simulator.sectors.industry", "x__intensity"),
    ("simulator.sectors.industry", "x__use_nonnegative"),
    ("simulator.sectors.power", "x__accumulation_rule"),
    ("simulator.sectors.power", "x__storage_state_of_charge"),
    ("simulator.sectors.power", "x__storage_duration"),
    ("simulator.sectors.power", "x__import_within_annual_limit"),
    ("simulator.sectors.power", "x__renewable_production"),
    ("simulator.sectors.power", "x_in_service"),
    ("simulator.sectors.power", "x_existing_in_service"),
    ("simulator.model.targets", "x_shadow_price"),
    ("simulator.model.targets", "x_shortfall_in_units"),
    ("simulator.model.targets", "xǁIndicatorǁvalue"),
    ("simulator.model.targets", "xǁIndicatorǁgrowth_level"),
    ("simulator.model.targets", "x__growth_slope"),
    ("simulator.model.targets", "x__shortfall_factor"),
    ("simulator.model.targets", "x__path_values"),
    ("simulator.model.core", "x__balance_electricity"),
    ("simulator.model.core", "x_discount_factors"),
    ("simulator.sectors.buildings", "x__roof_pv"),
    ("simulator.sectors.buildings", "x__new_construction"),
    ("simulator.sectors.buildings", "x__limit_new_construction"),
    ("simulator.sectors.transport", "x__piles"),
    ("simulator.sectors.industry", "x_conversion_mtce"),
    ("simulator.sectors.industry", "x_product_conversion_mtce"),
    ("simulator.sectors.industry", "x__product_use"),
]
#: round 4: the matrix blocks (simulator/model/matrix.py) and the functions main rewrote as matrix blocks, and the LP
#: compiler that appends their rows; ``--only PATTERN`` (a regular expression searched in "module.function") selects them
ROUND_4 = [
    *[
        ("simulator.model.matrix", f)
        for f in [
            "x_var_grid",
            "x__first_appearance",
            "xǁLinearTermsǁempty",
            "xǁLinearTermsǁof",
            "xǁLinearTermsǁ__add__",
            "xǁLinearTermsǁ__neg__",
            "xǁLinearTermsǁ__sub__",
            "xǁLinearTermsǁcsr",
            "x_linear_sum",
            "xǁLinearViewǁ__init__",
            "xǁLinearViewǁ__getitem__",
            "xǁLinearViewǁ__contains__",
            "xǁLinearViewǁ__iter__",
            "xǁLinearViewǁ__len__",
            "xǁLinearViewǁkeys",
            "xǁLinearViewǁvalues_array",
            "xǁ_RowDataǁindex",
            "xǁMatrixRowsǁ__init__",
            "xǁMatrixRowsǁconstruct",
            "xǁMatrixRowsǁ__getitem__",
            "xǁMatrixRowsǁ__contains__",
            "xǁMatrixRowsǁ__iter__",
            "xǁMatrixRowsǁkeys",
            "xǁMatrixRowsǁvalues",
            "xǁMatrixRowsǁitems",
            "xǁMatrixRowsǁrow_of",
            "xǁMatrixRowsǁrow_expression",
            "x_matrix_rows",
            "x_is_matrix_rows",
        ]
    ],
    ("simulator.sectors.power", "x__storage_within_capacity"),
    ("simulator.sectors.power", "x__import_within_capacity"),
    ("simulator.sectors.power", "x__curtailment"),
    ("simulator.sectors.power", "x__supply"),
    ("simulator.solve.highs", "x_compile_lp"),
    ("simulator.solve.highs", "x__matrix_families"),
    ("simulator.solve.highs", "xǁ_IdIndexǁ__init__"),
    ("simulator.solve.highs", "xǁ_IdIndexǁ_sort"),
    ("simulator.solve.highs", "xǁ_IdIndexǁfind"),
    ("simulator.solve.highs", "xǁ_IdIndexǁadd"),
    ("simulator.solve.highs", "x__append_matrix_rows"),
]
FUNCTIONS += ROUND_4
NEVER_RUN_IN_ROUND_1 = 4  # the first four functions
MUTANTS = Path("mutants")
SELECTION = MUTANTS / "selection.json"
DOC = re.compile(r',?\s*doc=(f?"[^"]*"|None)')


def _only(selection: dict) -> dict:
    """The mutants of the functions ``--only PATTERN`` selects (all without it)."""
    if "--only" not in sys.argv:
        return selection
    pattern = re.compile(sys.argv[sys.argv.index("--only") + 1])
    return {k: v for k, v in selection.items() if pattern.search(v["function"])}


def _classify(lines: list[str]) -> str:
    minus = [x[1:] for x in lines if x.startswith("-")]
    plus = [x[1:] for x in lines if x.startswith("+")]
    joined_minus, joined_plus = " ".join(minus), " ".join(plus)

    def strip(s: str) -> str:
        return re.sub(r"\s+", "", DOC.sub("", s)).replace(",)", ")").rstrip(",")

    if "doc=" in joined_minus and strip(joined_minus) == strip(joined_plus):
        return "doc"
    if "astype(None)" in joined_plus or "dtype=None" in joined_plus:
        return "dtype_none"
    raises = (
        ("XX" in joined_plus and "XX" not in joined_minus)
        or joined_plus.count("None") > joined_minus.count("None")
        or (re.search(r'"[A-Z_0-9 .]{3,}"', joined_plus) and not re.search(r'"[A-Z_0-9 .]{3,}"', joined_minus))
    )
    return "raises" if raises else "semantic"


def list_mutants() -> None:
    """Write mutants/selection.json: {mutant: {"function", "rank", "class", "diff"}} of the selected functions."""
    out = {}
    for module in sorted({m for m, _ in FUNCTIONS}):
        lines = (MUTANTS / (module.replace(".", "/") + ".py")).read_text().splitlines()
        funcs = {
            node.name: lines[node.lineno - 1 : node.end_lineno]
            for node in ast.walk(ast.parse("\n".join(lines)))
            if isinstance(node, ast.FunctionDef) and "__mutmut_" in node.name
        }
        for name, code in funcs.items():
            base, num = name.rsplit("__mutmut_", 1)
            if num == "orig" or (module, base) not in FUNCTIONS or not _only({0: {"function": f"{module}.{base}"}}):
                continue
            orig = [x.replace(base + "__mutmut_orig", "F") for x in funcs[base + "__mutmut_orig"]]
            diff = difflib.unified_diff(orig, [x.replace(name, "F") for x in code], lineterm="", n=0)
            changed = [x for x in diff if x[:1] in "+-" and not x.startswith(("+++", "---"))]
            out[f"{module}.{name}"] = {
                "function": f"{module}.{base}",
                "rank": FUNCTIONS.index((module, base)),
                "number": int(num),
                "class": _classify(changed),
                "diff": changed,
            }
    SELECTION.write_text(json.dumps(out, ensure_ascii=False, indent=0))
    print(f"{len(out)} mutants of {len(FUNCTIONS)} functions")


#: round 1's survivors and mutants not re-checked, as docs/testing.md lists them (function → mutant numbers); round 3
#: runs them first among the other 28 functions' semantic mutants (did the tests added in round 2 kill them?)
ROUND_1_OPEN = {
    "simulator.sectors.buildings.x__use": [*range(62, 71), 20, 21, 31, 36],
    "simulator.sectors.transport.x__use": [17],
    "simulator.sectors.buildings.x__limit_new_construction": [5, 6, 7, 17, 26, 27, 32, 38],
    "simulator.sectors.buildings.x__new_construction": [13, 25, 26, 32, 48],
    "simulator.sectors.buildings.x__roof_pv": [*range(28, 47), *range(72, 86)],
    "simulator.sectors.industry.x__use_nonnegative": [22, 30, 33, 36],
    "simulator.sectors.industry.x_conversion_mtce": [6, 7, 8],
    "simulator.model.targets.x_shortfall_in_units": [11, 16, 17, 18, 26],
    "simulator.model.targets.x__shortfall_factor": [7],
}


def _order(selection: dict) -> list[str]:
    """Round 3's order: every semantic and raises mutant of the four functions no round ran to the end (semantic
    first), then the other functions' semantic mutants (round 1's open ones first), then their raises mutants."""
    tier = {"semantic": 0, "raises": 1, "dtype_none": 2, "doc": 2}

    def key(name):
        s = selection[name]
        later = s["rank"] >= NEVER_RUN_IN_ROUND_1
        round_1_open = s["number"] in ROUND_1_OPEN.get(s["function"], [])
        return (later, tier[s["class"]], not round_1_open, s["rank"], s["number"])

    def key_4(name):  # round 4 (``--only``): the matrix module, the rewritten families, _contract, the LP compiler
        s, groups = selection[name], ["model.matrix", "power.x__(storage|import|curtail|supply)|core.x__balance", "_contract"]
        group = next((g for g, p in enumerate(groups) if re.search(p, s["function"])), len(groups))
        if group == 2 and not re.search(r"linear_sum|var_grid|row\[|w_twh|w_h\b|worn|\b[gir]i\b", " ".join(s["diff"])):
            group = len(groups) + 1  # _contract's lines round 3 already ran (the cost annuities), after the LP compiler
        return (tier[s["class"]], group, s["rank"], s["number"])

    names = sorted(selection, key=key_4 if "--only" in sys.argv else key)
    return names if os.environ.get("ALL") == "1" else [n for n in names if tier[selection[n]["class"]] < 2]


def run() -> None:
    """Run the selected mutants without a result (all of them with RERUN=1), the most relevant first."""
    os.chdir(MUTANTS)
    sys.path[:0] = [os.getcwd(), os.path.join(os.getcwd(), "tests")]
    import pytest

    for module in ["pandas", "pyomo.environ", "highspy", "simulator.model.core", "simulator.solve.highs", "simulator.results.tables"]:
        __import__(module)
    for test in Path("tests").glob("test_*.py"):  # the test modules, imported once before forking
        if test.stem in {"test_timeslices", "test_measures"} or test.stem.endswith(("_by_hand", "_cases", "_storage")):
            __import__(test.stem)
    stats = json.loads(Path("mutmut-stats.json").read_text())
    duration, tests_of = stats["duration_by_test"], stats["tests_by_mangled_function_name"]
    selection = _only(json.loads(Path("selection.json").read_text()))
    workers = int(os.environ.get("MAXC", "2"))
    metas: dict[str, dict] = {}

    def meta(name: str) -> tuple[Path, dict]:
        path = Path(name.split(".x")[0].replace(".", "/") + ".py.meta")
        if path not in metas:
            metas[path] = json.loads(path.read_text())
        return path, metas[path]

    def record(name: str, code: int, seconds: float) -> None:
        path, data = meta(name)
        data["exit_code_by_key"][name] = code
        data["durations_by_key"][name] = seconds
        path.write_text(json.dumps(data))
        print(f"{time.strftime('%H:%M:%S')} {name} {code} {seconds:.1f}", flush=True)

    running: dict[int, tuple[str, float]] = {}

    def reap() -> None:
        pid, status = os.wait()
        name, start = running.pop(pid)
        if os.WIFSIGNALED(status):
            code = 36 if os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL) else -os.WTERMSIG(status)  # 36: timeout
        else:
            code = os.WEXITSTATUS(status)  # 1: killed, 0: survived
        record(name, code, time.time() - start)

    for name in _order(selection):
        if meta(name)[1]["exit_code_by_key"].get(name) is not None and os.environ.get("RERUN") != "1":
            continue
        tests = sorted(tests_of.get(selection[name]["function"], []), key=lambda t: duration.get(t, float("inf")))
        if not tests:
            record(name, 33, 0.0)  # no test reaches the function
            continue
        while len(running) >= workers:
            reap()
        cpu_limit = int(3 * sum(duration.get(t, 1.0) for t in tests) + 20)
        pid = os.fork()
        if pid == 0:
            os.environ["MUTANT_UNDER_TEST"] = name
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit, cpu_limit + 1))
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            args = ["--rootdir=.", "--tb=no", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *tests]
            os._exit(int(pytest.main(args)))
        running[pid] = (name, time.time())
    while running:
        reap()


STATUS = {1: "killed", 3: "killed", 0: "survived", 36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 33: "no tests"}


def summary() -> None:
    """Counts by file and class; the survivors with their diffs."""
    selection = _only(json.loads(SELECTION.read_text()))
    codes: dict[str, int | None] = {}
    for path in {n.split(".x")[0] for n in selection}:
        codes |= json.loads((MUTANTS / (path.replace(".", "/") + ".py.meta")).read_text())["exit_code_by_key"]
    table: dict[str, dict[str, int]] = {}
    for name, s in selection.items():
        code = codes.get(name)
        status = "not run" if code is None else STATUS.get(code, f"exit {code}")
        if status == "survived" and s["class"] in ("doc", "dtype_none"):
            status = f"survived ({s['class']})"
        for key in (name.split(".x")[0], "all"):
            row = table.setdefault(key, {})
            row[status] = row.get(status, 0) + 1
    for key, row in sorted(table.items(), key=lambda kv: kv[0] == "all"):
        print(key, sum(row.values()), dict(sorted(row.items())))
    for name, s in sorted(selection.items(), key=lambda kv: (kv[1]["rank"], kv[1]["number"])):
        if codes.get(name) == 0 and s["class"] not in ("doc", "dtype_none"):
            print(f"\n{name} [{s['class']}]\n  " + "\n  ".join(s["diff"]))


if __name__ == "__main__":
    {"list": list_mutants, "run": run, "summary": summary}[sys.argv[1]]()
