"""Inhibition, pure: the rules' `inhibits` field and which fires an open case mutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.muting.inhibit import inhibits
from alerts.rules.evaluate.events import Areas
from alerts.rules.loader import RulesInvalid, load_folder

FLOOD = """\
rules:
  - id: underpass-flooded
    kind: threshold
    name: {zh: 下立交积水, en: Underpass flooded}
    category: 路面积水
    severity: critical
    match: {device_kind: gauge, metric: level_m}
    params: {op: ">=", value: 0.35}
  - id: district-flooding
    kind: count
    name: {zh: 区域性内涝, en: District-wide flooding}
    category: 区域内涝
    severity: critical
    match: {subcategory: 路面积水}
    params: {count: 1, within: 1h, per: district}
    inhibits:
      - rules: [underpass-flooded]
        same: %s
"""


def load(tmp_path: Path, text: str):
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    return load_folder(tmp_path)


def test_the_spec_loads_and_the_default_rules_use_it(tmp_path) -> None:
    rule = load(tmp_path, FLOOD % "street").by_id["district-flooding"]
    assert [i.to_json() for i in rule.inhibits] == [{"rules": ["underpass-flooded"],
                                                     "same": "street"}]
    assert load_folder().by_id["district-flooding"].inhibits


@pytest.mark.parametrize("change, problem", [
    (("same: street", "same: city"), "r.yaml:18: inhibits.same 'city' is not one of"),
    (("[underpass-flooded]", "[underpass-floded]"), "inhibits unknown rule 'underpass-floded'"),
    (("[underpass-flooded]", "[district-flooding]"), "'district-flooding' inhibits itself"),
    (("        same: street", "        when: open"), "r.yaml:18: inhibits: unknown field"),
])
def test_mistakes_name_the_file_and_line(tmp_path, change, problem) -> None:
    with pytest.raises(RulesInvalid) as caught:
        load(tmp_path, (FLOOD % "street").replace(*change))
    assert problem in str(caught.value)


def test_an_open_case_mutes_the_named_rules_in_its_area_only() -> None:
    specs = [{"rules": ["underpass-flooded"], "same": "district"}]
    case = Areas("g1", "c1", "s1", "310101")
    assert inhibits(specs, case, "underpass-flooded", Areas("g9", "c9", "s9", "310101"))
    assert not inhibits(specs, case, "underpass-flooded", Areas("g1", "c1", "s1", "310106"))
    assert not inhibits(specs, case, "smoke-detected", case)
    street = [{"rules": ["underpass-flooded"], "same": "street"}]
    assert not inhibits(street, case, "underpass-flooded", Areas("g9", "c9", "s9", "310101"))
