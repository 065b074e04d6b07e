"""The map's drill-down on the seeded two-district world: the page opens at the viewer's own
area, a click opens the next level inside it, and a hand-made callback request for an area
of another district — posted straight to /_dash-update-component — gets a refusal and no
map."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from dashboard.pages.map import view
from identity.scope import Scope
from layers import LAYERS
from store import db as store_db
from tests.access.dash_calls import CALLBACK_PATH, find

pytestmark = pytest.mark.integration

HUANGPU, JINGAN = "310101", "310106"
NANJING_EAST, JINGAN_TEMPLE = "310101002", "310106013"  # 南京东路街道, 静安寺街道


@pytest.fixture
def cur(dashboard_world):
    conn = store_db.connect(dashboard_world.settings.database_url)
    with conn.cursor() as cursor:
        yield cursor
    conn.rollback()
    conn.close()


def test_a_district_manager_opens_their_streets_and_nothing_of_another_district(cur) -> None:
    now = datetime.now(UTC)
    own = Scope("district", HUANGPU)
    district = view(cur, own, HUANGPU, "zh-CN", now)
    assert district.trail == [(HUANGPU, "黄浦区")]
    assert (NANJING_EAST, "南京东路街道") in district.parts
    assert {layer.NAME for layer in LAYERS} == set(district.traces)
    street = view(cur, own, NANJING_EAST, "zh-CN", now)
    assert street.trail == [(HUANGPU, "黄浦区"), (NANJING_EAST, "南京东路街道")]
    assert street.parts and all(code.startswith(NANJING_EAST) for code, _ in street.parts)
    grid = street.parts[0][0]
    deeper = view(cur, own, grid, "zh-CN", now)
    assert [code for code, _ in deeper.trail] == [HUANGPU, NANJING_EAST, grid]
    for foreign in (JINGAN, JINGAN_TEMPLE, "310000", "999999999"):
        assert view(cur, own, foreign, "zh-CN", now) is None


def test_the_city_trail_starts_with_the_whole_city(cur) -> None:
    found = view(cur, Scope("city", "310000"), NANJING_EAST, "en", datetime.now(UTC))
    assert [label for _code, label in found.trail] == ["Whole city", "Huangpu", "南京东路街道"]


def _session(world, account: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{world.url}/login", data={"username": world.users[account],
                                                      "password": world.password},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return session


def _click_body(callback: dict, code: str) -> dict:
    """The drill callback as the renderer posts it after a click on a name on the map."""
    outputs = []
    for part in callback["output"][2:-2].split("..."):
        ident, _, prop = part.rpartition(".")
        outputs.append({"id": ident, "property": prop.split("@")[0]})
    click = {"points": [{"curveNumber": 20, "pointNumber": 0, "x": 121.48, "y": 31.23,
                         "customdata": code, "text": "?"}]}
    return {"output": callback["output"], "outputs": outputs,
            "inputs": [{"id": "map-figure", "property": "clickData", "value": click},
                       [], []],
            "state": [{"id": "map-layers", "property": "value",
                       "value": [layer.NAME for layer in LAYERS]}],
            "changedPropIds": ["map-figure.clickData"]}


def test_a_hand_made_drill_into_another_district_is_refused(dashboard_world) -> None:
    session = _session(dashboard_world, "manager_hp")
    deps = session.get(f"{dashboard_world.url}/_dash-dependencies", timeout=10).json()
    drill = find(deps, "map-figure.figure")
    post = f"{dashboard_world.url}{CALLBACK_PATH}"
    own = session.post(post, json=_click_body(drill, NANJING_EAST), timeout=30)
    assert own.status_code == 200, own.text
    shown = own.json()["response"]
    assert shown["map-figure"]["figure"]["data"]
    assert "南京东路街道" in json.dumps(shown["map-trail"], ensure_ascii=False)
    for foreign in (JINGAN_TEMPLE, JINGAN, "310000"):
        answer = session.post(post, json=_click_body(drill, foreign), timeout=30)
        assert answer.status_code == 200, answer.text
        response = answer.json()["response"]
        assert set(response) == {"map-message"}, foreign
        assert response["map-message"]["children"] == "该区域不在您的管辖范围内"
        assert "静安" not in answer.content.decode()
    # The 静安 manager opens the same street without trouble.
    other = _session(dashboard_world, "manager_ja")
    answer = other.post(post, json=_click_body(drill, JINGAN_TEMPLE), timeout=30)
    assert answer.json()["response"]["map-figure"]["figure"]["data"]
