"""Load a scenario: YAML with ``extends:``, deep merge, validation → :class:`Scenario`.

How a scenario is resolved (the one place this is stated)
---------------------------------------------------------
1. The file is read with a safe YAML composer; every value keeps its
   ``file:line:col``. Duplicate keys, merge keys (``<<``) and the YAML 1.1
   booleans ``yes/no/on/off/y/n`` are refused; ``1e3`` is read as the number
   1000.0 (YAML 1.2), quoted scalars are always strings.
2. ``extends: other.yaml`` names a parent scenario, resolved relative to the
   including file; it must stay inside the scenarios folder (the nearest
   ancestor folder named ``scenarios`` of the top file, else the top file's
   own folder). Chains are followed to the root; a cycle is refused with the
   chain named.
3. Deep merge, parent first: **mappings merge key by key; lists and scalars
   replace** the parent's value whole (a child's ``targets:`` list replaces
   the parent's list).
4. Command-line overrides (``--days``, ``--hours``) are merged last, by the
   same rule.
5. The result is validated with pydantic; unknown keys are refused. Sector
   settings under ``sectors.<name>`` are validated by the schema the sector
   module declares (``Settings``).

All problems of a file are reported together as
``path:line:col: field.path: what is wrong (what is expected)``.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from simulator.errors import Problem, ScenarioError
from simulator.intake.schema_base import StrictModel
from simulator.intake.sector_settings import SECTOR_SETTINGS

Loc = tuple  # a path of keys / indices into the scenario mapping


# --------------------------------------------------------------------------- schema


class Years(StrictModel):
    """Planning years: base year (data) and the first and last planning year."""

    base: int = Field(2023, ge=2000, le=2059, description="base year of the data")
    start: int = Field(2024, ge=2001, le=2060)
    end: int = Field(2026, ge=2001, le=2060)

    @model_validator(mode="after")
    def _order(self):
        if not self.base < self.start <= self.end:
            raise ValueError(f"years must satisfy base < start <= end, got base={self.base}, start={self.start}, end={self.end}")
        return self


class Time(StrictModel):
    """Time slices: ``days`` representative days (clustered), or ``hours: 8760``."""

    days: int = Field(36, ge=1, le=365, description="representative days (36: benchmarks/README.md, free decisions)")
    hours: Literal[24, 8760] | None = Field(None, description="8760 = full chronology (overrides days)")
    method: Literal["hierarchical", "k_means", "k_medoids"] = "hierarchical"
    representation: Literal["medoid", "mean", "duration", "distribution", "distribution_minmax"] = Field(
        "distribution",
        description=(
            "how each group of days is represented: its medoid day, its mean, its own duration curve, or the year's "
            "duration curve cut into the groups (distribution; distribution_minmax also keeps each profile's min and max)"
        ),
    )
    extreme_days: list[Literal["peak_load", "lowest_pv", "highest_pv"]] = Field(
        default_factory=lambda: ["peak_load"],
        description="days kept as periods of their own (weight one day): peak city load, lowest / highest daily PV yield",
    )


class Economics(StrictModel):
    discount_rate: float = Field(0.06, ge=0.0, le=0.3, description="real, per year")
    carbon_price_cny_per_t: float = Field(0.0, ge=0.0, le=5000.0, description="CNY/t CO2")
    soft_target_penalty_mcny_per_unit: float = Field(1.0e4, gt=0.0, description="default penalty on a soft target's shortfall")


class Accounting(StrictModel):
    """Energy accounting conventions: which statistic counts what, and at which factor.

    Each field is the convention of the statistic that a 56号 target is read
    against (docs/policy-coverage.md); the default is that statistic's own
    convention, cited in ``inputs/<dataset>/sources.csv`` (ids in brackets). A
    convention that could not be confirmed says so in its source row; the
    other choice is one line of YAML away.
    """

    electricity_calorific_kgce_per_kwh: float = Field(
        0.1229, gt=0.0, le=0.5, description="electricity at its calorific value, kgce/kWh (GB/T 2589-2020 [gbt-2589-2020])"
    )
    renewable_coal_equivalent_kgce_per_kwh: float = Field(
        0.30,
        gt=0.0,
        le=0.5,
        description="renewable electricity at the NBS coal-equivalent (发电煤耗法), kgce/kWh [conv-nbs-renewable-production]",
    )
    steel_electricity_kgce_per_kwh: float = Field(
        0.1229, gt=0.0, le=0.5, description="electricity in 吨钢综合能耗, kgce/kWh (GB 21256-2013 [conv-gb-21256-2013])"
    )
    refining_electricity_kgce_per_kwh: float = Field(
        0.3714,
        gt=0.0,
        le=0.5,
        description="electricity in 吨原油加工能耗, kgce/kWh: 0.26 kgoe/kWh × 1.4286 kgce/kgoe (GB 30251-2013 [conv-gb-30251-2013])",
    )
    ethylene_electricity_kgce_per_kwh: float = Field(
        0.3714,
        gt=0.0,
        le=0.5,
        description="electricity in 吨乙烯综合能耗, kgce/kWh: 0.26 kgoe/kWh × 1.4286 kgce/kgoe (GB 30250-2013 [conv-gb-30250-2013])",
    )
    building_electricity_basis: Literal["coal_equivalent", "calorific"] = Field(
        "coal_equivalent",
        description="factor of electricity (use and rooftop PV) in 城镇建筑可再生能源替代率 (GB 55015-2021 [conv-gb-55015-2021])",
    )
    renewable_production_basis: Literal["capacity", "output"] = Field(
        "capacity",
        description="可再生能源综合生产能力: capacity × stated full-load hours, or the modelled output used [conv-renewable-capacity]",
    )
    pv_full_load_hours: float = Field(
        1000.0, gt=0.0, le=8760.0, description="stated full-load hours of PV in 综合生产能力, h/yr [conv-renewable-capacity]"
    )
    green_share_grid_renewable_pct: float = Field(
        0.0,
        ge=0.0,
        le=100.0,
        description="renewable content of grid (non-green) imports counted in the green share, % [conv-green-share]",
    )
    roof_coverage_of_installable: list[str] = Field(
        default_factory=lambda: ["public"],
        description="building categories whose roof-PV coverage is over the installable roof (可安装光伏屋顶面积); "
        "every other category's is over the whole roof (屋顶光伏覆盖率) [conv-roof-coverage]",
    )


class Target(StrictModel):
    """One policy target: ``indicator`` (sense) ``value`` or base × (1 + change).

    ``basis``: ``policy`` when the number is written in the policy (its clause
    in policy/targets.md), ``scenario`` when the scenario chose it because the
    clause gives no number. By default a target holds in ``year`` only; a
    standard in force holds in every year of ``years`` (the same value), and
    ``path: linear`` holds in every planning year up to ``year`` on the straight
    line from ``path_start`` (default: the indicator's base-year value) in the
    base year to the target value in ``year``.
    """

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9\-_.]*$")
    clause: str = ""
    basis: Literal["policy", "scenario"] = "scenario"
    indicator: str = Field(min_length=3, pattern=r"^[a-z_]+\.[a-z0-9_]+$")
    year: int = Field(ge=2001, le=2060)
    years: list[int] | None = Field(None, min_length=1, description="years in which the same value holds (a standard in force)")
    path: Literal["linear"] | None = Field(None, description="linear: every planning year up to `year`, on the line from the base")
    path_start: float | None = Field(None, description="base-year value of a linear path (default: the indicator's base value)")
    value: float | None = None
    change_vs_base: float | None = Field(None, ge=-1.0, le=10.0)
    unit: str | None = None
    sense: Literal["<=", ">=", "=="] = ">="
    mode: Literal["hard", "soft"] = "hard"
    penalty_mcny_per_unit: float | None = Field(None, gt=0.0)
    note: str = ""

    @model_validator(mode="after")
    def _one_of(self):
        if (self.value is None) == (self.change_vs_base is None):
            raise ValueError("give exactly one of `value` or `change_vs_base`")
        if self.years is not None and self.path is not None:
            raise ValueError("give at most one of `years` or `path`")
        if self.path_start is not None and self.path is None:
            raise ValueError("`path_start` needs `path: linear`")
        if self.years is not None and (self.year not in self.years or max(self.years) != self.year):
            raise ValueError(f"`years` must end with the target year {self.year}, got {self.years}")
        return self

    def holding_years(self, first_planning_year: int) -> list[int]:
        """The years in which the target is a constraint (the target year last)."""
        if self.years is not None:
            return sorted(set(self.years))
        if self.path == "linear":
            return list(range(first_planning_year, self.year + 1))
        return [self.year]


class Solver(StrictModel):
    """HiGHS options; all recorded in the run manifest so a run repeats exactly.

    ``method: auto`` (the default) picks by LP size (measured in
    benchmarks/README.md): dual simplex below ``simulator.solve.highs.AUTO_IPM_ROWS``
    rows; IPX with crossover, then dual simplex, up to ``AUTO_HIPO_ROWS``; HiPO
    with crossover, then IPX, then dual simplex from there on (hourly
    multi-year LPs). A method that ends without an optimal plan hands over to
    the next; every attempt is recorded in the manifest. ``ipm`` is IPX;
    ``hipo`` needs the ``highspy-extras`` package at highspy's version.
    ``ipm_iteration_limit`` caps each interior-point attempt (none by default).
    """

    method: Literal["auto", "simplex", "ipm", "ipx", "hipo", "pdlp", "choose"] = "auto"
    threads: int = Field(1, ge=1, le=64)
    random_seed: int = Field(0, ge=0)
    crossover: bool = True
    presolve: Literal["on", "off"] = "on"
    time_limit_s: float = Field(3600.0, gt=0.0)
    primal_feasibility_tolerance: float = Field(1e-7, gt=0.0, le=1e-3)
    dual_feasibility_tolerance: float = Field(1e-7, gt=0.0, le=1e-3)
    ipm_iteration_limit: int | None = Field(None, ge=0)


_SWEEP_FIELDS = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "std", "low", "high"),
    "grid": ("values",),
}
_SWEEP_FORBIDDEN_ROOTS = ("name", "description", "dataset", "time", "sweep", "targets", "solver")


class SweepParameter(StrictModel):
    """One uncertain parameter of a sweep (see docs/sweeps.md).

    ``paths`` are dotted paths into the scenario (``overrides.<table>.<row>.<column>``
    for an input value, or a scenario field such as ``economics.discount_rate``).
    ``apply: value`` sets each path to the sampled number; ``apply: scale``
    multiplies each path's central value by it (one factor for several rows).
    Distributions: uniform(low, high), triangular(low, mode, high), normal(mean,
    std) truncated to [low, high], or a grid of ``values`` (full factorial).
    """

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    paths: list[str] = Field(min_length=1)
    apply: Literal["value", "scale"] = "value"
    distribution: Literal["uniform", "triangular", "normal", "grid"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    std: float | None = Field(None, gt=0.0)
    values: list[float] | None = Field(None, min_length=1)
    unit: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _fields_of_distribution(self):
        need = _SWEEP_FIELDS[self.distribution]
        missing = [f for f in need if getattr(self, f) is None]
        extra = [f for f in ("low", "high", "mode", "mean", "std", "values") if f not in need and getattr(self, f) is not None]
        if missing or extra:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"{', '.join(extra)} not used"] if extra else [])
            raise ValueError(f"a {self.distribution} distribution takes {', '.join(need)}: {'; '.join(parts)}")
        if self.low is not None and not self.low < self.high:
            raise ValueError(f"low must be below high, got low={self.low}, high={self.high}")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode must lie in [low, high], got {self.mode}")
        if self.values is not None and len(set(self.values)) != len(self.values):
            raise ValueError("grid values must be distinct")
        for p in self.paths:
            parts = p.split(".")
            if len(parts) < 2 or not all(parts) or parts[0] in _SWEEP_FORBIDDEN_ROOTS:
                raise ValueError(
                    f"path '{p}' cannot be swept (a dotted path like overrides.<table>.<row>.<column> or economics.<field>; "
                    f"not under {', '.join(_SWEEP_FORBIDDEN_ROOTS)})"
                )
            if parts[0] == "overrides" and len(parts) != 4:
                raise ValueError(f"path '{p}' must have the form overrides.<table>.<row id>.<column>")
        return self


class Sweep(StrictModel):
    """Uncertain parameters, Latin hypercube ``samples`` drawn with ``seed``.

    Variants = ``samples`` draws of the continuous parameters × every point of
    the grids (the same draws for every grid point).
    """

    samples: int = Field(100, ge=1, le=100_000)
    seed: int = Field(0, ge=0)
    parameters: list[SweepParameter] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        ids = [p.id for p in self.parameters]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate parameter id {', '.join(dup)} (unique ids)")
        paths = [p for par in self.parameters for p in par.paths]
        dup = sorted({p for p in paths if paths.count(p) > 1})
        if dup:
            raise ValueError(f"path {', '.join(dup)} is swept by more than one parameter (each path once)")
        return self


class ScenarioSpec(StrictModel):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-.]*$")
    description: str = ""
    dataset: str = Field("wuhan", min_length=1)
    years: Years = Years()
    time: Time = Time()
    economics: Economics = Economics()
    accounting: Accounting = Accounting()
    sectors: dict[str, dict[str, Any] | None] = Field(default_factory=lambda: {"power": {}})
    overrides: dict[str, dict[str, dict[str, float]]] = Field(
        default_factory=dict,
        description="table → row id → column → value, applied to inputs/<dataset>",
    )
    targets: list[Target] = Field(default_factory=list)
    solver: Solver = Solver()
    sweep: Sweep | None = None


# --------------------------------------------------------------------------- result


@dataclass
class Scenario:
    """A resolved, validated scenario and where each of its values came from."""

    spec: ScenarioSpec
    path: Path
    resolved: dict
    locations: dict = field(repr=False, default_factory=dict)
    chain: list[Path] = field(default_factory=list)
    sector_settings: dict[str, BaseModel] = field(default_factory=dict)

    def where(self, loc: Loc) -> str:
        """``file:line:col`` of the value at ``loc`` (or of its nearest parent)."""
        return _where(self.locations, tuple(loc), self.path)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def years(self) -> list[int]:
        return list(range(self.spec.years.start, self.spec.years.end + 1))

    def resolved_yaml(self) -> str:
        """The resolved scenario as YAML text, keys in a stable order."""
        return yaml.safe_dump(self.resolved, sort_keys=True, allow_unicode=True, width=100)

    def sha256(self) -> str:
        return hashlib.sha256(self.resolved_yaml().encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- YAML

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_YAML11_BOOL = {"yes", "no", "on", "off", "y", "n"}


def _mark(path: Path, node) -> str:
    return f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _scalar(node, path: Path, loc: Loc, problems: list[Problem]):
    if node.style is not None:  # quoted or block scalar: always a string
        return node.value
    text = node.value
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text.lower() in _YAML11_BOOL:
        problems.append(
            Problem(
                _mark(path, node),
                _dotted(loc),
                f"'{text}' is a YAML 1.1 boolean and is ambiguous",
                "write true or false, or quote it to mean the text",
            )
        )
        return text
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if text.lower() in {".nan", ".inf", "-.inf", "+.inf"}:
        problems.append(Problem(_mark(path, node), _dotted(loc), f"'{text}' is not a finite number", "a finite number"))
        return text
    return text


def _to_python(node, path: Path, loc: Loc, locations: dict, problems: list[Problem]):
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(_mark(path, key_node), _dotted(loc), "a key must be a plain text or number"))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(Problem(_mark(path, key_node), _dotted(loc), "merge keys (<<) are not supported", "write the keys out"))
                continue
            key = _scalar(key_node, path, loc, problems)
            child = loc + (key,)
            if key in out:
                problems.append(
                    Problem(
                        _mark(path, key_node),
                        _dotted(child),
                        f"duplicate key '{key}' (first at line {locations[child][1]})",
                        "each key once per mapping",
                    )
                )
                continue
            locations[child] = (str(path), key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _to_python(value_node, path, child, locations, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            child = loc + (i,)
            locations[child] = (str(path), item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_to_python(item, path, child, locations, problems))
        return items
    return _scalar(node, path, loc, problems)


def read_yaml(path: Path, problems: list[Problem] | None = None) -> tuple[dict, dict]:
    """Read one YAML file safely → (mapping, locations). Raises ScenarioError.

    Value problems (ambiguous booleans, duplicate keys) are appended to
    ``problems`` when a list is given, so that they are reported together with
    the validation problems of the same file; otherwise they are raised.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(problems=[Problem(str(path), "", "file not found", "an existing YAML file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(problems=[Problem(str(path), "", f"cannot be read: {exc}", "a UTF-8 text file")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ScenarioError(problems=[Problem(where, "", f"YAML syntax error: {exc.problem or exc.context}", "valid YAML")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(problems=[Problem(str(path), "", f"YAML error: {exc}", "valid YAML")]) from None
    if node is None:
        raise ScenarioError(problems=[Problem(f"{path}:1:1", "", "the file is empty", "a mapping of scenario keys")])
    locations: dict = {(): (str(path), node.start_mark.line + 1, node.start_mark.column + 1)}
    found: list[Problem] = []
    data = _to_python(node, path, (), locations, found)
    if found and problems is None:
        raise ScenarioError(problems=found)
    if problems is not None:
        problems.extend(found)
    if not isinstance(data, dict):
        raise ScenarioError(problems=[Problem(_mark(path, node), "", "the top level must be a mapping", "key: value lines")])
    return data, locations


# --------------------------------------------------------------------------- merge


def deep_merge(base: Any, over: Any) -> Any:
    """Mappings merge key by key; lists and scalars replace the base value whole."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(over)


def _merge_locations(base_locs: dict, over_locs: dict, over: dict) -> dict:
    """Locations follow :func:`deep_merge`: a replaced value drops the parent's children."""
    out = dict(base_locs)
    for loc in over_locs:
        if not loc:
            continue
        value = _get(over, loc)
        if not isinstance(value, dict):
            n = len(loc)
            for old in [k for k in out if len(k) > n and k[:n] == loc]:
                del out[old]
    out.update({k: v for k, v in over_locs.items() if k})
    return out


def _get(data, loc: Loc):
    for part in loc:
        data = data[part]
    return data


def _where(locations: dict, loc: Loc, default: Path) -> str:
    for n in range(len(loc), -1, -1):
        hit = locations.get(tuple(loc[:n]))
        if isinstance(hit, str):  # a command-line option
            return hit
        if hit:
            return f"{hit[0]}:{hit[1]}:{hit[2]}"
    return f"{default}:1:1"


def _scenarios_root(path: Path) -> Path:
    for parent in path.resolve().parents:
        if parent.name == "scenarios":
            return parent
    return path.resolve().parent


def _resolve_chain(path: Path, root: Path, chain: list[Path], problems: list[Problem]) -> tuple[dict, dict, list[Path]]:
    resolved = path.resolve()
    if resolved in chain:
        names = " -> ".join(str(p) for p in chain + [resolved])
        raise ScenarioError(problems=[Problem(str(chain[-1]), "extends", f"cycle in extends: {names}", "a chain without cycles")])
    data, locations = read_yaml(path, problems)
    chain = chain + [resolved]
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data, locations, chain
    where = _where(locations, ("extends",), path)
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise ScenarioError(problems=[Problem(where, "extends", f"{parent_ref!r} is not a file name", "a relative path to a .yaml file")])
    parent = (path.parent / parent_ref).resolve()
    if not parent.is_relative_to(root):
        raise ScenarioError(
            problems=[
                Problem(
                    where,
                    "extends",
                    f"'{parent_ref}' resolves to {parent}, outside the scenarios folder {root}",
                    "a scenario inside the scenarios folder",
                )
            ]
        )
    if parent in chain:
        names = " -> ".join(str(p) for p in [*chain, parent])
        raise ScenarioError(problems=[Problem(where, "extends", f"cycle in extends: {names}", "a chain without cycles")])
    if not parent.is_file():
        raise ScenarioError(
            problems=[Problem(where, "extends", f"'{parent_ref}' not found (looked for {parent})", "an existing scenario file")]
        )
    base, base_locs, chain = _resolve_chain(parent, root, chain, problems)
    merged = deep_merge(base, data)
    return merged, _merge_locations(base_locs, {k: v for k, v in locations.items() if k[:1] != ("extends",)}, data), chain


# --------------------------------------------------------------------------- validation


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names allowed at ``loc`` (for the "unknown key" message)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            if isinstance(current, type) and issubclass(current, BaseModel):
                continue
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        ann = info.annotation
        args = getattr(ann, "__args__", ())
        current = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(current.model_fields)
    return []


_EXPECT = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a text",
    "dict_type": "a mapping of key: value",
    "list_type": "a list",
    "literal_error": "",
    "missing": "this field is required",
}


def _pydantic_problems(exc: ValidationError, scenario_loc: Loc, locations: dict, top: Path, model) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = scenario_loc + tuple(err["loc"])
        where = _where(locations, loc, top)
        kind = err["type"]
        if kind == "extra_forbidden":
            allowed = _allowed_keys(model, tuple(err["loc"])[:-1])
            problems.append(
                Problem(where, _dotted(loc), f"unknown key '{loc[-1]}'", "one of: " + ", ".join(allowed) if allowed else "no such key")
            )
            continue
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        value = err.get("input")
        got = f" (got {value!r})" if kind != "missing" and not isinstance(value, dict | list) else ""
        expected = _EXPECT.get(kind, "")
        if kind == "literal_error":
            expected = msg.replace("Input should be ", "one of ")
            msg = "not an allowed value"
        problems.append(Problem(where, _dotted(loc), f"{msg}{got}", expected))
    return problems


def _sector_problems(spec_dict: dict, locations: dict, top: Path) -> tuple[dict, list[Problem]]:
    settings, problems = {}, []
    sectors = spec_dict.get("sectors") or {}
    if not isinstance(sectors, dict):
        return settings, problems
    for name, value in sectors.items():
        loc = ("sectors", name)
        if name not in SECTOR_SETTINGS:
            problems.append(
                Problem(
                    _where(locations, loc, top), _dotted(loc), f"unknown sector '{name}'", "one of: " + ", ".join(sorted(SECTOR_SETTINGS))
                )
            )
            continue
        schema = SECTOR_SETTINGS[name]
        try:
            settings[name] = schema.model_validate(value or {})
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, loc, locations, top, schema))
    return settings, problems


_WHERE = re.compile(r"^(.*):(\d+):(\d+)$")


def _by_location(problem: Problem) -> tuple:
    """Sort key: file, then line and column."""
    hit = _WHERE.match(problem.where)
    return (hit[1], int(hit[2]), int(hit[3])) if hit else (problem.where, 0, 0)


def _option_locations(overrides: dict, loc: Loc = ()) -> dict:
    """Every value given on the command line is located at its option: ``time.days`` → ``command line option --days``."""
    out = {}
    for key, value in overrides.items():
        child = (*loc, key)
        if isinstance(value, dict):
            out.update(_option_locations(value, child))
        else:
            out[child] = f"command line option --{str(key).replace('_', '-')}"
    return out


def load_scenario(path: str | Path, overrides: dict | None = None) -> Scenario:
    """Read, resolve and validate a scenario file. Raises :class:`ScenarioError`."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(problems=[Problem(str(path), "", "scenario file not found", "an existing .yaml file")])
    yaml_problems: list[Problem] = []
    data, locations, chain = _resolve_chain(path, _scenarios_root(path), [], yaml_problems)
    if overrides:
        data = deep_merge(data, overrides)
        locations.update(_option_locations(overrides))
    problems: list[Problem] = list(yaml_problems)
    seen = {p.field for p in yaml_problems}  # a value refused while reading is not reported twice
    spec = None
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        problems.extend(p for p in _pydantic_problems(exc, (), locations, path, ScenarioSpec) if p.field not in seen)
    settings, sector_problems = _sector_problems(data, locations, path)
    problems.extend(p for p in sector_problems if p.field not in seen)
    if spec is not None:
        if "power" not in spec.sectors:
            problems.append(
                Problem(_where(locations, ("sectors",), path), "sectors", "the power sector is missing", "sectors must include power")
            )
        ids: dict[str, int] = {}
        for i, target in enumerate(spec.targets):
            loc = ("targets", i)
            if target.id in ids:
                problems.append(
                    Problem(
                        _where(locations, loc + ("id",), path), _dotted(loc + ("id",)), f"duplicate target id '{target.id}'", "unique ids"
                    )
                )
            ids[target.id] = i
            if not spec.years.start <= target.year <= spec.years.end:
                problems.append(
                    Problem(
                        _where(locations, loc + ("year",), path),
                        _dotted(loc + ("year",)),
                        f"year {target.year} is outside the planning years",
                        f"{spec.years.start}..{spec.years.end}",
                    )
                )
            outside = [y for y in target.years or [] if not spec.years.start <= y <= spec.years.end]
            if outside:
                problems.append(
                    Problem(
                        _where(locations, loc + ("years",), path),
                        _dotted(loc + ("years",)),
                        f"years {outside} are outside the planning years",
                        f"{spec.years.start}..{spec.years.end}",
                    )
                )
    if problems:
        raise ScenarioError(problems=sorted(problems, key=_by_location))
    resolved = spec.model_dump(mode="json")
    for name, sector_spec in settings.items():
        resolved["sectors"][name] = sector_spec.model_dump(mode="json")
    return Scenario(spec=spec, path=path, resolved=resolved, locations=locations, chain=chain, sector_settings=settings)


def scenario_from_dict(data: dict, path: str | Path = "<memory>") -> Scenario:
    """Validate an in-memory scenario mapping (tests, sweeps)."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems=_pydantic_problems(exc, (), {}, path, ScenarioSpec)) from None
    settings, problems = _sector_problems(data, {}, path)
    if problems:
        raise ScenarioError(problems=problems)
    resolved = spec.model_dump(mode="json")
    for name, sector_spec in settings.items():
        resolved["sectors"][name] = sector_spec.model_dump(mode="json")
    return Scenario(spec=spec, path=path, resolved=resolved, locations={}, chain=[path], sector_settings=settings)
