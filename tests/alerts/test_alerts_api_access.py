"""The access matrix: every case route × every role × inside / outside the user's area.

Sent straight to the real app on the real database. Outside the scope is always a 404 (a
case's existence must not leak); inside, the role table of alerts/cases/flow.py decides.
"""

from __future__ import annotations

import itertools

import pytest

from alerts.api.app import create_app
from alerts.cases.moves import NewCase, open_case
from identity.pool import POOL_KEY
from identity.users import add_user
from store import db as store_db

pytestmark = pytest.mark.integration

PASSWORD = "matrix-pass-1"
SERIAL = itertools.count()
ROLES = ("operator", "manager", "leader", "worker", "admin")
# Each role's user: an area inside which the 'inside' case lies and the 'outside' one not.
AREAS = {"operator": "310101", "manager": "310101002", "leader": "310101",
         "worker": "310101002", "admin": "310101"}
INSIDE = dict(district_code="310101", street_code="310101002",
              community_code="310101002001", grid_code="310101002001003")
OUTSIDE = dict(district_code="310106", street_code="310106001",
               community_code="310106001001", grid_code="310106001001001")

# route -> role -> (inside, outside); the 'confirm' move on a new case is legal only for the
# desk (operator, manager); the others are refused by the role table (403) inside the area.
EXPECTED = {
    "list": {role: (200, 200) for role in ROLES},
    "read": {role: (200, 404) for role in ROLES},
    "move": {"operator": (200, 404), "manager": (200, 404), "leader": (403, 404),
             "worker": (403, 404), "admin": (403, 404)},
}


@pytest.fixture(scope="module")
def world(isolated):
    settings = isolated("api_access")
    conn = store_db.connect(settings.database_url)
    ids = {role: add_user(conn, f"{role}1", PASSWORD, role, AREAS[role]) for role in ROLES}
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO workers (worker_id, user_id, name, grid_code) "
                    "VALUES ('w-1', %s, '张三', %s)", (ids["worker"], INSIDE["grid_code"]))
    app = create_app(settings.database_url)
    client = app.test_client()
    tokens = {}
    for role in ROLES:
        answer = client.post("/api/v1/login", json={"username": f"{role}1",
                                                    "password": PASSWORD})
        tokens[role] = {"Authorization": f"Bearer {answer.json['token']}"}
    yield client, conn, tokens
    app.extensions[POOL_KEY].close()
    conn.close()


def new_case(conn, place: dict, assign_to_worker: bool) -> int:
    case = NewCase(fingerprint=f"matrix|{next(SERIAL)}", kind="incident", title="井盖缺失",
                   category="井盖破损", **place)
    alert_id = open_case(conn, case, actor="test")
    if assign_to_worker:
        with conn, conn.cursor() as cur:
            cur.execute("UPDATE alerts SET assignee_worker_id = 'w-1' WHERE id = %s",
                        (alert_id,))
    return alert_id


def call(client, route: str, case_id: int, headers: dict):
    if route == "list":
        answer = client.get("/api/v1/cases?per_page=200", headers=headers)
        listed = answer.status_code == 200 and case_id in [c["id"] for c in answer.json["cases"]]
        return answer.status_code, listed
    if route == "read":
        return client.get(f"/api/v1/cases/{case_id}", headers=headers).status_code, None
    answer = client.post(f"/api/v1/cases/{case_id}/transitions", headers=headers,
                         json={"action": "confirm", "expected_version": 1})
    return answer.status_code, None


@pytest.mark.parametrize("route, role, place",
                         list(itertools.product(EXPECTED, ROLES, ("inside", "outside"))))
def test_access_matrix(world, route, role, place):
    client, conn, tokens = world
    # Workers' cases are assigned to them in both places: the area still rules.
    case_id = new_case(conn, INSIDE if place == "inside" else OUTSIDE, role == "worker")
    expected = EXPECTED[route][role][0 if place == "inside" else 1]
    status, listed = call(client, route, case_id, tokens[role])
    assert status == expected
    if route == "list":
        assert listed is (place == "inside")


@pytest.mark.parametrize("route", list(EXPECTED))
def test_workers_do_not_see_cases_of_others_in_their_area(world, route):
    client, conn, tokens = world
    case_id = new_case(conn, INSIDE, assign_to_worker=False)
    status, listed = call(client, route, case_id, tokens["worker"])
    assert status == (200 if route == "list" else 404)
    assert not listed


def test_a_city_user_sees_every_district(world):
    client, conn, _ = world
    add_user(conn, "city.leader", PASSWORD, "leader", "310000")
    token = client.post("/api/v1/login", json={"username": "city.leader",
                                               "password": PASSWORD}).json["token"]
    for place in (INSIDE, OUTSIDE):
        case_id = new_case(conn, place, False)
        answer = client.get(f"/api/v1/cases/{case_id}",
                            headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200


def test_the_area_filter_narrows_and_never_widens(world):
    client, conn, tokens = world
    inside, outside = new_case(conn, INSIDE, False), new_case(conn, OUTSIDE, False)
    def ids(query, role="operator"):
        answer = client.get(f"/api/v1/cases?per_page=200&{query}", headers=tokens[role])
        assert answer.status_code == 200
        return {c["id"] for c in answer.json["cases"]}
    assert inside in ids("area=310101002") and outside not in ids("area=310101002")
    assert not ids("area=310106")  # outside the operator's district: nothing, not more
    assert ids("area=nonsense") == set()
    assert inside in ids("state=new&severity=minor&category=井盖破损&overdue=false")
    assert inside not in ids("state=closed")


@pytest.mark.parametrize("query", ["state=lost", "severity=huge", "overdue=maybe", "page=0",
                                   "per_page=1000", "page=x"])
def test_bad_filters_are_a_400(world, query):
    client, _, tokens = world
    assert client.get(f"/api/v1/cases?{query}", headers=tokens["operator"]).status_code == 400


def test_pages(world):
    client, conn, tokens = world
    for _ in range(3):
        new_case(conn, INSIDE, False)
    first = client.get("/api/v1/cases?per_page=2&page=1", headers=tokens["manager"]).json
    second = client.get("/api/v1/cases?per_page=2&page=2", headers=tokens["manager"]).json
    assert len(first["cases"]) == 2 and first["total"] >= 3
    assert not {c["id"] for c in first["cases"]} & {c["id"] for c in second["cases"]}
