"""Validating a rule file from the page: the engine's loader, the deployed folder around it,
problems by file and line, and nothing saved."""

from pathlib import Path

import pytest

from alerts.rules import load_folder
from alerts.rules.loader import DEFAULT_FOLDER
from dashboard.admin.rule_check import check_text, conditions, deployed, duration_text, file_name

GOOD = """rules:
  - id: bridge-strain-high
    kind: threshold
    name: {zh: 桥梁应变过大, en: Bridge strain high}
    category: 桥梁结构异常
    severity: major
    match: {device_kind: bridge, metric: strain_ue}
    params: {op: ">=", value: 3000, for: 2m, clear: 2500}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped rules, so a test can see that nothing is written to it."""
    copy = tmp_path / "rules"
    copy.mkdir()
    for path in DEFAULT_FOLDER.glob("*.yaml"):
        (copy / path.name).write_bytes(path.read_bytes())
    return copy


def test_a_good_new_file_is_valid_and_counted_with_the_deployed_ones(folder) -> None:
    before = sorted(p.name for p in folder.iterdir())
    checked = check_text(folder, GOOD, "bridges.yaml")
    assert checked.ok and checked.rules_in_file == ("bridge-strain-high",)
    assert checked.total == len(load_folder(folder)) + 1
    assert not checked.replaces
    assert sorted(p.name for p in folder.iterdir()) == before  # never saved


def test_problems_name_the_file_and_line_without_the_scratch_folder(folder) -> None:
    text = GOOD.replace("severity: major", "severity: huge").replace("kind: threshold",
                                                                      "kind: treshold")
    checked = check_text(folder, text, "bridges.yaml")
    assert not checked.ok
    assert {(p.file, p.line) for p in checked.problems} == {("bridges.yaml", 3),
                                                            ("bridges.yaml", 6)}
    assert all("cityops-rules-" not in p.text for p in checked.problems)


def test_an_id_already_deployed_in_another_file_is_a_clash(folder) -> None:
    clash = GOOD.replace("bridge-strain-high", "manhole-tilted")
    checked = check_text(folder, clash, "mine.yaml")
    assert not checked.ok
    assert any("already used at" in p.text and "devices.yaml" in p.text
               and "/" not in p.text.split("at ")[-1] for p in checked.problems)


def test_a_file_of_a_deployed_name_replaces_it(folder) -> None:
    checked = check_text(folder, (folder / "zones.yaml").read_text(encoding="utf-8"),
                         "zones.yaml")
    assert checked.ok and checked.replaces and checked.total == len(load_folder(folder))


def test_broken_yaml_gives_its_line(folder) -> None:
    checked = check_text(folder, "rules:\n  - id: [\n", None)
    assert not checked.ok and checked.problems[0].file == "pasted.yaml"
    assert checked.problems[0].line is not None
    assert "not valid YAML" in checked.problems[0].text


def test_composite_parts_are_checked_against_the_deployed_rules(folder) -> None:
    text = """rules:
  - id: lamp-and-smoke
    kind: composite
    name: {zh: 组合, en: Combined}
    category: 火情隐患
    severity: critical
    params: {all: [smoke-detected, no-such-rule], within: 10m, per: grid}
"""
    checked = check_text(folder, text, "combo.yml")
    assert not checked.ok
    assert any("no-such-rule" in p.text for p in checked.problems)


@pytest.mark.parametrize(("given", "name"), [
    (None, "pasted.yaml"), ("../../etc/passwd", "passwd.yaml"), ("my rules.yml", "my_rules.yml"),
    ("floods.yaml", "floods.yaml"), ("C:\\x\\y.yaml", "C__x_y.yaml")])
def test_the_checked_file_gets_a_plain_yaml_name(given, name) -> None:
    assert file_name(given) == name


def test_deployed_rules_and_their_conditions_read_like_the_rule_file() -> None:
    rules, problems = deployed(DEFAULT_FOLDER)
    assert not problems
    by_id = {r.id: r for r in rules}
    assert conditions(by_id["manhole-tilted"]) == (
        "device_kind=manhole · metric=tilt_deg · op=>= value=10 for=1m clear=5")
    assert "zones=外滩历史文化风貌区" in conditions(by_id["bund-illegal-building"])
    assert "None" not in " ".join(conditions(r) for r in rules)


def test_a_broken_deployed_folder_reports_its_problems(tmp_path) -> None:
    (tmp_path / "bad.yaml").write_text("rules: nope\n", encoding="utf-8")
    rules, problems = deployed(tmp_path)
    assert rules == [] and problems[0].file == "bad.yaml"


@pytest.mark.parametrize(("seconds", "text"), [(0, "0s"), (30, "30s"), (90, "1m30s"),
                                               (7200, "2h"), (86400 + 60, "1d1m")])
def test_durations_are_written_as_rule_files_write_them(seconds, text) -> None:
    assert duration_text(seconds) == text
