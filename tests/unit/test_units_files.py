"""The units and responsibility-list files: both formats, every problem with its line,
and the responsibility list's choice of row (most specific sub-type, finest area)."""

from __future__ import annotations

import pytest

from alerts.units.files import ListProblems, duties_csv, read, units_yaml
from alerts.units.responsibility import Duty, _rank

YAML = """\
units:
  - {code: HP-ROAD, name: 黄浦区路政所, tier: district, area: "310101"}
responsibilities:
  - {category: 道路交通, subtype: 道路破损, area: "310101", unit: HP-ROAD}
  - {area: "310101002", unit: S2-CG}
"""


def test_yaml_reads_units_and_duties_with_defaults() -> None:
    found = read("units.yaml", YAML)
    assert [u.code for u in found.units] == ["HP-ROAD"]
    assert found.units[0].serves == ("310101",)  # a unit serves its own area by default
    assert found.duties[1] == Duty("*", "*", "310101002", "S2-CG")


def test_csv_round_trips() -> None:
    duties = read("units.yaml", YAML).duties
    assert read("list.csv", duties_csv(list(duties))).duties == duties
    assert "道路破损" in units_yaml([], list(duties))


def test_every_problem_is_reported_with_its_line() -> None:
    bad = "units:\n  - {code: X, name: x, tier: planet}\nresponsibilities:\n  - {area: '1'}\n"
    with pytest.raises(ListProblems) as caught:
        read("units.yaml", bad)
    assert caught.value.problems == ["units.yaml:2: tier must be one of city, district, street",
                                     "units.yaml:4: a responsibility needs an area and a unit"]
    with pytest.raises(ListProblems, match="list.csv:1: the header"):
        read("list.csv", "a,b\n")
    twice = "category,subtype,area_code,unit_code\n道路交通,*,1,A\n道路交通,*,1,B\n"
    with pytest.raises(ListProblems, match="listed twice"):
        read("list.csv", twice)


def test_the_finest_area_then_the_named_subtype_wins() -> None:
    areas = ["310101002", "310101"]
    street_default = Duty("*", "*", "310101002", "CG")
    district_exact = Duty("道路交通", "道路破损", "310101", "ROAD")
    by_category = Duty("道路交通", "*", "310101002", "X")
    assert min([district_exact, street_default], key=lambda d: _rank(d, areas)) \
        == street_default
    assert min([street_default, by_category], key=lambda d: _rank(d, areas)) == by_category
