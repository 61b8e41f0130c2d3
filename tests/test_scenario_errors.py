"""Scenario and input errors: each names file:line (or file:row), the field, what and what is expected."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import WUHAN, small_wuhan, write_scenario

from simulator.errors import DataError, InputError, ScenarioError
from simulator.intake.scenario import deep_merge, load_scenario
from simulator.runs import pipeline

LINE = re.compile(r":(\d+):(\d+): ")


def _problems(exc) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_unknown_key_names_file_line_and_allowed_keys(scenario_dir):
    path = write_scenario(scenario_dir, "s.yaml", "name: s\nyears:\n  base: 2023\n  strat: 2024\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (msg,) = _problems(exc)
    assert msg.startswith(f"{path}:4:3: years.strat: unknown key 'strat'")
    assert "one of: base, end, start" in msg


def test_wrong_type_and_all_problems_reported_together(scenario_dir):
    text = "name: s\nyears: {base: 2023, start: twenty, end: 2026}\neconomics:\n  discount_rate: high\n"
    path = write_scenario(scenario_dir, "s.yaml", text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    msgs = _problems(exc)
    assert len(msgs) == 2
    assert any(m.startswith(f"{path}:2:") and "years.start" in m and "whole number" in m for m in msgs)
    assert any(m.startswith(f"{path}:4:3: economics.discount_rate") and "'high'" in m for m in msgs)


def test_yaml_11_traps(scenario_dir):
    path = write_scenario(scenario_dir, "s.yaml", "name: s\nsectors:\n  power:\n    allow_curtailment: no\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (msg,) = _problems(exc)
    assert msg.startswith(f"{path}:4:24: sectors.power.allow_curtailment: 'no' is a YAML 1.1 boolean")
    # 1e3 is a number (YAML 1.2), not the string YAML 1.1 makes of it
    ok = write_scenario(scenario_dir, "ok.yaml", "name: s\neconomics: {carbon_price_cny_per_t: 1e2}\n")
    assert load_scenario(ok).spec.economics.carbon_price_cny_per_t == 100.0
    dup = write_scenario(scenario_dir, "dup.yaml", "name: s\nname: t\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(dup)
    assert _problems(exc)[0].startswith(f"{dup}:2:1: name: duplicate key 'name' (first at line 1)")


def test_negative_capacity_override_names_scenario_line(scenario_dir):
    data = small_wuhan(overrides={"pv_classes": {"utility": {"potential_gw": -1.0}}})
    path = write_scenario(scenario_dir, "neg.yaml", data)
    with pytest.raises(InputError) as exc:
        pipeline.prepare(path)
    (msg,) = _problems(exc)
    lines = path.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "potential_gw: -1.0" in text)
    col = lines[line - 1].index("potential_gw") + 1
    assert msg.startswith(f"{path}:{line}:{col}: overrides.pv_classes.utility.potential_gw: negative value -1")
    assert "(a value ≥ 0)" in msg


def test_missing_input_folder_and_missing_table(scenario_dir, tmp_path):
    path = write_scenario(scenario_dir, "s.yaml", {**small_wuhan(), "dataset": "atlantis"})
    with pytest.raises(ScenarioError) as exc:
        pipeline.prepare(path)
    (msg,) = _problems(exc)
    assert re.match(rf"{re.escape(str(path))}:\d+:1: dataset: no input folder for data set 'atlantis'", msg)
    data = tmp_path / "data"
    shutil.copytree(WUHAN, data)
    (data / "storage.csv").unlink()
    path = write_scenario(scenario_dir, "t.yaml", {**small_wuhan(), "dataset": str(data)})
    prepared = pipeline.prepare(path)
    with pytest.raises(DataError) as exc:
        pipeline.build(prepared)
    assert _problems(exc)[0].startswith(f"{data / 'storage.csv'}: table not found")


def test_unknown_source_id_names_file_and_row(scenario_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(WUHAN, data)
    text = (data / "pv_classes.csv").read_text().splitlines()
    text[2] = text[2].replace("est-wuhan-pv-2023;", "no-such-source;")
    (data / "pv_classes.csv").write_text("\n".join(text) + "\n")
    path = write_scenario(scenario_dir, "s.yaml", {**small_wuhan(), "dataset": str(data)})
    with pytest.raises(DataError) as exc:
        pipeline.prepare(path)
    (msg,) = _problems(exc)
    assert msg == f"{data / 'pv_classes.csv'}:row 2 (line 3): source: unknown source id 'no-such-source' (an id listed in sources.csv)"


def test_extends_cycle_names_the_chain(scenario_dir):
    a = write_scenario(scenario_dir, "a.yaml", "extends: b.yaml\nname: a\n")
    write_scenario(scenario_dir, "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(a)
    (msg,) = _problems(exc)
    b = scenario_dir / "b.yaml"
    assert msg == f"{b}:1:1: extends: cycle in extends: {a} -> {b} -> {a} (a chain without cycles)"


def test_extends_outside_the_scenarios_folder(scenario_dir):
    (scenario_dir.parent / "evil.yaml").write_text("name: evil\n")
    path = write_scenario(scenario_dir, "s.yaml", "name: s\nextends: ../evil.yaml\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (msg,) = _problems(exc)
    assert msg.startswith(f"{path}:2:1: extends: '../evil.yaml' resolves to") and "outside the scenarios folder" in msg


def test_yaml_syntax_error_has_line(scenario_dir):
    path = write_scenario(scenario_dir, "s.yaml", "name: s\nyears: {base: 2023\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (msg,) = _problems(exc)
    assert LINE.search(msg) and msg.startswith(str(path)) and "YAML syntax error" in msg


def test_unknown_indicator_points_at_the_target(scenario_dir):
    data = small_wuhan(targets=[{"id": "x", "indicator": "power.pv_capacityy", "year": 2026, "value": 1}])
    path = write_scenario(scenario_dir, "s.yaml", data)
    with pytest.raises(ScenarioError) as exc:
        pipeline.build(pipeline.prepare(path))
    (msg,) = _problems(exc)
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: targets\[0\]\.indicator: unknown indicator 'power.pv_capacityy'", msg)
    assert "power.pv_capacity" in msg


def test_child_values_keep_their_own_location_after_extends(scenario_dir):
    write_scenario(scenario_dir, "base.yaml", "name: base\neconomics:\n  discount_rate: 0.05\n")
    child = write_scenario(scenario_dir, "child.yaml", "extends: base.yaml\nname: child\neconomics:\n  carbon_price_cny_per_t: -5\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    (msg,) = _problems(exc)
    assert msg.startswith(f"{child}:4:3: economics.carbon_price_cny_per_t")
    s = load_scenario(
        write_scenario(scenario_dir, "good.yaml", "extends: base.yaml\nname: good\neconomics:\n  carbon_price_cny_per_t: 50\n")
    )
    assert s.spec.economics.discount_rate == 0.05 and s.spec.economics.carbon_price_cny_per_t == 50


def test_deep_merge_rule():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 1}
    over = {"a": {"y": [3]}, "c": 2}
    assert deep_merge(base, over) == {"a": {"x": 1, "y": [3]}, "b": 1, "c": 2}


def test_every_negative_or_non_numeric_value_of_a_table_is_reported_together(scenario_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(WUHAN, data)
    text = (data / "storage.csv").read_text().splitlines()
    fields = text[1].split(",")
    fields[3] = "-0.25"  # capex_power_cny_per_w
    fields[11] = "lots"  # max_build_gw_per_yr
    text[1] = ",".join(fields)
    (data / "storage.csv").write_text("\n".join(text) + "\n")
    path = write_scenario(scenario_dir, "s.yaml", {**small_wuhan(), "dataset": str(data)})
    with pytest.raises(DataError) as exc:
        pipeline.build(pipeline.prepare(path))
    msgs = _problems(exc)
    where = f"{data / 'storage.csv'}:row 1 (line 2)"
    assert f"{where}: capex_power_cny_per_w: outside the physical range [0, 100] (got -0.25) (0 to 100 CNY/W)" in msgs
    assert f"{where}: max_build_gw_per_yr: is not a number (got 'lots') (a number, or an empty cell)" in msgs


def test_unknown_time_representation_names_line_and_choices(scenario_dir):
    path = write_scenario(scenario_dir, "s.yaml", "name: s\ntime:\n  days: 24\n  representation: distributions\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (msg,) = _problems(exc)
    assert msg.startswith(f"{path}:4:3: time.representation: not an allowed value (got 'distributions')")
    assert "one of 'medoid', 'mean', 'duration', 'distribution' or 'distribution_minmax'" in msg
