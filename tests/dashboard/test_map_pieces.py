"""The map page's pure parts: the breadcrumb's steps, which traces a layer list shows, and
which area a click asks for."""

from __future__ import annotations

import json

from dash import html

from dashboard.pages.map import (
    chosen_code,
    layer_of,
    lineage,
    parts_of,
    trail_items,
    visibility,
)
from identity.scope import Scope

STREET = ("street", "310101002", "310101", "310101002", None)
GRID = ("grid", "310101002001001", "310101", "310101002", "310101002001")


def test_the_trail_starts_at_the_viewers_own_level() -> None:
    city, district = Scope("city", "310000"), Scope("district", "310101")
    assert lineage(city, STREET) == [("city", "310000"), ("district", "310101"),
                                     ("street", "310101002")]
    assert lineage(district, STREET) == [("district", "310101"), ("street", "310101002")]
    assert lineage(Scope("street", "310101002"), STREET) == [("street", "310101002")]
    assert [code for _level, code in lineage(district, GRID)] == [
        "310101", "310101002", "310101002001", "310101002001001"]
    assert lineage(city, ("city", "310000", None, None, None)) == [("city", "310000")]
    assert lineage(district, ("district", "310101", "310101", None, None)) == [
        ("district", "310101")]


def test_breadcrumb_steps_are_buttons_except_the_area_shown() -> None:
    items = trail_items([("310000", "全市"), ("310101", "黄浦区"), ("310101002", "南京东路街道")])
    assert len(items) == 3
    first, last = items[0].children, items[-1]
    assert isinstance(first, html.Button) and first.children == "全市"
    assert first.id == {"type": "map-crumb", "code": "310000"}
    assert last.children == "南京东路街道" and last.id == "map-current"
    assert trail_items([]) == []


def test_layers_name_their_traces_and_unticked_layers_are_hidden() -> None:
    names = ["incidents", "cells-0", "cells-1", "boundaries-fine", "devices", "cases-critical",
             "names"]
    traces = [layer_of(n) for n in names]
    assert traces == ["incidents", "cells", "cells", "boundaries", "devices", "cases", "names"]
    assert visibility(traces, ["cells", "names"]) == [False, True, True, False, False, False,
                                                      True]
    assert visibility(traces, None) == [False] * 7
    assert all(visibility(traces, traces))


def test_the_names_trace_lists_the_parts_to_open() -> None:
    figure = {"data": [{"name": "devices"},
                       {"name": "names", "customdata": ["310101002", "310101013"],
                        "text": ["南京东路街道", "外滩街道"]}]}
    assert parts_of(figure) == [("310101002", "南京东路街道"), ("310101013", "外滩街道")]
    assert parts_of({"data": [{"name": "devices"}]}) == []


def _prop(ident: dict) -> str:
    return json.dumps(ident, separators=(",", ":"), sort_keys=True) + ".n_clicks"


def test_the_area_asked_for_comes_from_a_click_or_a_clicked_button() -> None:
    click = {"points": [{"customdata": "310101002", "text": "南京东路街道"}]}
    assert chosen_code([{"prop_id": "map-figure.clickData", "value": click}]) == "310101002"
    assert chosen_code([{"prop_id": "map-figure.clickData",
                         "value": {"points": [{"customdata": 17}]}}]) is None  # a case
    crumb = {"type": "map-crumb", "code": "310101"}
    assert chosen_code([{"prop_id": _prop(crumb), "value": 1}]) == "310101"
    part = {"type": "map-part", "code": "310101013"}
    assert chosen_code([{"prop_id": _prop(part), "value": 2}]) == "310101013"
    # Buttons just added to the page fire with no click; other pages' ids choose nothing.
    assert chosen_code([{"prop_id": _prop(part), "value": 0}]) is None
    assert chosen_code([{"prop_id": _prop({"type": "triage-move", "code": "1"}),
                         "value": 1}]) is None
    assert chosen_code([{"prop_id": _prop({"type": "map-part", "code": "x; DROP"}),
                         "value": 1}]) is None
    assert chosen_code([{"prop_id": ".", "value": None}]) is None
    assert chosen_code(None) is None
