"""The area scope rule: one definition, in memory and in SQL, with workers' own tasks."""

from __future__ import annotations

import pytest

from identity.scope import CaseArea, Scope, area_level, in_scope

CASE = CaseArea(district_code="310101", street_code="310101002",
                community_code="310101002001", grid_code="310101002001003")


@pytest.mark.parametrize("code, level", [("310000", "city"), ("310101", "district"),
                                         ("310101002", "street"), ("310101002001", "community"),
                                         ("310101002001003", "grid"), ("31", None),
                                         ("abc", None), ("", None)])
def test_level_from_the_code_shape(code, level):
    assert area_level(code) == level


def test_the_areas_table_wins_over_the_shape():
    assert area_level("HP-01", "street") == "street"


@pytest.mark.parametrize("scope, inside", [
    (Scope("city", "310000"), True),
    (Scope("district", "310101"), True),
    (Scope("district", "310106"), False),
    (Scope("street", "310101002"), True),
    (Scope("street", "310101003"), False),
    (Scope("community", "310101002001"), True),
    (Scope("grid", "310101002001003"), True),
    (Scope("grid", "310101002001004"), False),
    # A prefix of the code is not the area: 3101010 is no street of 310101.
    (Scope("street", "3101010"), False),
])
def test_inside_means_the_code_at_the_users_level(scope, inside):
    assert in_scope(scope, CASE) is inside


def test_missing_level_column_falls_back_to_the_finest_code_prefix():
    partial = CaseArea(district_code="310101", grid_code="310101002001003")
    assert in_scope(Scope("street", "310101002"), partial)
    assert not in_scope(Scope("street", "310101005"), partial)


def test_an_unplaced_case_is_only_the_citys():
    nowhere = CaseArea()
    assert in_scope(Scope("city", "310000"), nowhere)
    assert not in_scope(Scope("district", "310101"), nowhere)


def test_workers_see_only_their_own_cases_in_their_area():
    mine = CaseArea(**{**CASE.__dict__, "assignee_user_id": 7})
    worker = Scope("street", "310101002", worker_user_id=7)
    assert in_scope(worker, mine)
    assert not in_scope(Scope("street", "310101002", worker_user_id=8), mine)
    assert not in_scope(worker, CASE)  # unassigned
    assert not in_scope(Scope("street", "310101003", worker_user_id=7), mine)
