"""Moves through the API: success with its audit event, conflicts (409), refusals (403),
and the reporter's details as each role sees them."""

from __future__ import annotations

import pytest

from alerts.api.app import create_app
from alerts.cases.moves import NewCase, open_case
from identity.pool import POOL_KEY
from identity.users import add_user
from store import db as store_db

pytestmark = pytest.mark.integration

PASSWORD = "moves-pass-1"
PLACE = dict(district_code="310101", street_code="310101002",
             community_code="310101002001", grid_code="310101002001003")
USERS = {"op.a": "operator", "op.b": "operator", "mgr": "manager", "boss": "leader",
         "wkr": "worker"}


@pytest.fixture(scope="module")
def world(isolated):
    settings = isolated("api_moves")
    conn = store_db.connect(settings.database_url)
    ids = {name: add_user(conn, name, PASSWORD, role, "310101") for name, role in USERS.items()}
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO workers (worker_id, user_id, name) VALUES ('w-9', %s, '赵六')",
                    (ids["wkr"],))
        cur.execute("INSERT INTO incidents (source, source_id, category, description, "
                    "reporter_name, reporter_phone, reported_at, district_code, street_code) "
                    "VALUES ('hotline', 'h-77', '井盖破损', '井盖缺失', '王小明', "
                    "'13812345678', now(), %(district_code)s, %(street_code)s)", PLACE)
    app = create_app(settings.database_url)
    client = app.test_client()
    headers = {}
    for name in USERS:
        token = client.post("/api/v1/login", json={"username": name,
                                                   "password": PASSWORD}).json["token"]
        headers[name] = {"Authorization": f"Bearer {token}"}
    yield client, conn, headers
    app.extensions[POOL_KEY].close()
    conn.close()


def new_case(conn, fingerprint: str, **labels) -> int:
    case = NewCase(fingerprint=fingerprint, kind="incident", title="井盖缺失",
                   category="井盖破损", labels=labels, **PLACE)
    alert_id = open_case(conn, case, actor="test")
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE alerts SET assignee_worker_id = 'w-9' WHERE id = %s", (alert_id,))
    return alert_id


def move(client, headers, case_id, action, version, note=None):
    return client.post(f"/api/v1/cases/{case_id}/transitions", headers=headers,
                       json={"action": action, "expected_version": version, "note": note})


def test_a_move_is_made_as_the_user_and_shows_on_the_timeline(world):
    client, conn, headers = world
    case_id = new_case(conn, "moves|ok")
    answer = move(client, headers["op.a"], case_id, "confirm", 1)
    assert answer.status_code == 200
    assert answer.json | {"event_id": 0} == {"id": case_id, "action": "confirm", "event_id": 0,
                                              "from_state": "new", "state": "confirmed",
                                              "version": 2}
    case = client.get(f"/api/v1/cases/{case_id}", headers=headers["mgr"]).json
    assert case["state"] == "confirmed" and case["version"] == 2
    last = case["timeline"][-1]
    assert (last["actor"], last["action"], last["to_state"]) == ("op.a", "confirm", "confirmed")


def test_two_operators_at_once_the_second_gets_409_with_the_current_state(world):
    client, conn, headers = world
    case_id = new_case(conn, "moves|conflict")
    assert move(client, headers["op.a"], case_id, "confirm", 1).status_code == 200
    late = move(client, headers["op.b"], case_id, "reject", 1, note="误报")
    assert late.status_code == 409
    assert (late.json["state"], late.json["version"]) == ("confirmed", 2)


@pytest.mark.parametrize("user, action, note, reason", [
    ("wkr", "accept", None, "new"),        # workers accept dispatched cases only
    ("mgr", "reject", None, "reason"),     # rejecting needs a written reason
    ("boss", "confirm", None, "leader"),   # leaders do not take in cases
    ("op.a", "fly", None, "fly"),          # no such move
])
def test_refusals_are_403_with_the_reason_and_leave_no_trace(world, user, action, note, reason):
    client, conn, headers = world
    case_id = new_case(conn, f"moves|refused|{user}|{action}")
    answer = move(client, headers[user], case_id, action, 1, note)
    assert answer.status_code == 403
    assert reason in answer.json["error"].lower()
    case = client.get(f"/api/v1/cases/{case_id}", headers=headers["op.a"]).json
    assert case["version"] == 1 and [e["action"] for e in case["timeline"]] == ["open"]


@pytest.mark.parametrize("body", [None, {}, {"action": "confirm"},
                                  {"action": "confirm", "expected_version": "1"},
                                  {"action": "confirm", "expected_version": True},
                                  {"action": 5, "expected_version": 1},
                                  {"action": "confirm", "expected_version": 1, "note": 3}])
def test_malformed_moves_are_a_400(world, body):
    client, conn, headers = world
    case_id = new_case(conn, f"moves|bad|{body!r}")
    answer = client.post(f"/api/v1/cases/{case_id}/transitions", headers=headers["op.a"],
                         json=body)
    assert answer.status_code == 400


@pytest.mark.parametrize("user, name, phone", [("op.a", "王小明", "13812345678"),
                                               ("mgr", "王小明", "13812345678"),
                                               ("boss", "王**", "138****5678"),
                                               ("wkr", "王**", "138****5678")])
def test_reporters_are_masked_for_roles_that_do_not_call_them(world, user, name, phone):
    client, conn, headers = world
    case_id = new_case(conn, f"moves|reporter|{user}", detail={"source_id": "h-77"})
    with conn, conn.cursor() as cur:  # the report merged into the case, as the engine does
        cur.execute("INSERT INTO case_sources (alert_id, source_kind, source_key, at) "
                    "VALUES (%s, 'incident', 'hotline:h-77', now())", (case_id,))
    answer = client.get(f"/api/v1/cases/{case_id}", headers=headers[user])
    assert answer.status_code == 200
    [incident] = answer.json["incidents"]
    assert (incident["reporter_name"], incident["reporter_phone"]) == (name, phone)
    if name.endswith("*"):
        assert "13812345678" not in answer.text and "王小明" not in answer.text
