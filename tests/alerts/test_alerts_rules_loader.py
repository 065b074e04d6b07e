"""Rule files: the shipped defaults load, and every kind of mistake names its file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from alerts.rules import load_folder, reload
from alerts.rules.loader import RulesInvalid
from alerts.rules.model import Rule, RuleSet

GOOD = """\
rules:
  - id: pressure-low
    kind: threshold
    name: {zh: 压力过低, en: Pressure low}
    category: 供水管网异常
    severity: major
    match: {device_kind: water_main, metric: pressure_kpa}
    params: {op: "<=", value: 150, for: 2m}
    auto_resolve: true
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(folder: Path) -> list[tuple[str, int | None, str]]:
    found = reload(folder)
    assert isinstance(found, list), "expected errors, got a rule set"
    return [(Path(e.path).name, e.line, e.problem) for e in found]


def test_the_shipped_default_rules_load_with_every_kind() -> None:
    rules = load_folder()
    assert {r.kind for r in rules.rules} == {"threshold", "rate", "absence", "count",
                                             "composite", "geofence"}
    assert all(r.name_zh and r.name_en for r in rules.rules)


def test_a_good_file_loads_with_typed_parameters(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    rules = load_folder(tmp_path)
    rule = rules.by_id["pressure-low"]
    assert isinstance(rule, Rule) and rule.params["for"] == 120.0
    assert rule.match.metric == {"pressure_kpa"} and rule.auto_resolve


MISTAKES = [
    # (what is wrong, the line replaced, its replacement, line reported, words in the problem)
    ("unknown kind", "    kind: threshold", "    kind: treshold", 3, "not one of"),
    ("bad severity", "    severity: major", "    severity: urgent", 6, "severity"),
    ("unknown metric", "metric: pressure_kpa}", "metric: presure}", 7, "'presure' is not known"),
    ("metric of another kind", "metric: pressure_kpa}", "metric: tilt_deg}", 7, "manhole"),
    ("bad duration", "for: 2m}", "for: 2 minutes}", 8, "not a duration"),
    ("unknown parameter", "for: 2m}", "for: 2m, hold: 3}", 8, "no parameter 'hold'"),
    ("missing parameter", 'params: {op: "<=", value: 150, for: 2m}', "params: {for: 2m}", 8,
     "need parameter 'op'"),
    ("name without English", "{zh: 压力过低, en: Pressure low}", "{zh: 压力过低}", 4, "zh and en"),
    ("auto_resolve not a bool", "auto_resolve: true", "auto_resolve: yes please", 9,
     "true or false"),
    ("unknown field", "    auto_resolve: true", "    auto_resolve: true\n    colour: red", 10,
     "unknown field 'colour'"),
    ("missing field", "    category: 供水管网异常\n", "", 2, "has no 'category'"),
    ("duplicate key", "    severity: major", "    severity: major\n    severity: minor", 7,
     "appears twice"),
    ("broken YAML", "    match: {device_kind", "    match: [device_kind", 7, "not valid YAML"),
    ("match on the wrong side", "{device_kind: water_main, metric: pressure_kpa}",
     "{source: hotline, metric: pressure_kpa}", 7, "cannot match source"),
]


@pytest.mark.parametrize(("what", "old", "new", "line", "words"), MISTAKES,
                         ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_reported_with_file_and_line(tmp_path: Path, what: str, old: str,
                                                     new: str, line: int, words: str) -> None:
    assert old in GOOD, what
    write(tmp_path, "water.yaml", GOOD.replace(old, new, 1))
    found = errors_of(tmp_path)
    assert any(name == "water.yaml" and at == line and words in problem
               for name, at, problem in found), found


def test_errors_of_every_file_are_listed_and_nothing_half_loads(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD.replace("kind: threshold", "kind: nope"))
    write(tmp_path, "c.yaml", "rules: 3\n")
    found = errors_of(tmp_path)
    assert {name for name, _, _ in found} == {"b.yaml", "c.yaml"}
    with pytest.raises(RulesInvalid) as caught:
        load_folder(tmp_path)
    assert "b.yaml:3:" in str(caught.value)


def test_ids_are_unique_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD)
    assert any(name == "b.yaml" and at == 2 and "already used at" in problem
               for name, at, problem in errors_of(tmp_path))


def test_composites_must_name_existing_rules(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD + """\
  - id: both
    kind: composite
    name: {zh: 两者, en: Both}
    category: x
    severity: minor
    params: {all: [pressure-low, ghost], within: 10m}
""")
    assert any("unknown rule 'ghost'" in problem and at == 10
               for _, at, problem in errors_of(tmp_path))


def test_geofence_points_are_checked_at_their_own_line(tmp_path: Path) -> None:
    write(tmp_path, "zones.yaml", """\
rules:
  - id: zone
    kind: geofence
    name: {zh: 区, en: Zone}
    category: 违章搭建
    severity: minor
    match: {subcategory: 违章搭建}
    params:
      zones:
        - name: a
          points:
            - [121.1, 31.1]
            - [121.2, 31.1]
            - [121.2, 95.0]
""")
    assert errors_of(tmp_path) == [("zones.yaml", 14, "params.zones: [121.2, 95.0] is not a "
                                                      "lon/lat pair on Earth")]


def test_reload_returns_the_new_set_when_it_is_good(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    assert isinstance(reload(tmp_path), RuleSet)
