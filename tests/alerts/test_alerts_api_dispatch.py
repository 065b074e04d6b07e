"""The dispatch move through the API: the worker is chosen by the roster rules, the answer
names them and the delivery, the message is on the dispatch topic; nobody on duty is a 422
that writes nothing; 409 / 403 / 404 as for every other move."""

from __future__ import annotations

import json
import uuid

import pytest

from alerts.api.app import create_app
from alerts.api.dispatching import BrokerDispatcher
from alerts.cases.moves import NewCase, open_case, transition
from identity.pool import POOL_KEY
from identity.users import add_user
from store import db as store_db
from tests.alerts.test_alerts_dispatch_flow import read_dispatches

pytestmark = pytest.mark.integration

PASSWORD = "dispatch-pass-1"
USERS = {"op": ("operator", "310101"), "wkr": ("worker", "310101"),
         "far": ("operator", "310106")}
ALWAYS = ["daily 00:00-24:00"]


@pytest.fixture(scope="module")
def world(isolated):
    settings = isolated("api_dispatch")
    conn = store_db.connect(settings.database_url)
    for name, (role, area) in USERS.items():
        add_user(conn, name, PASSWORD, role, area)
    dispatcher = BrokerDispatcher(settings)
    app = create_app(settings.database_url, dispatcher=dispatcher)
    client = app.test_client()
    headers = {}
    for name in USERS:
        token = client.post("/api/v1/login", json={"username": name,
                                                   "password": PASSWORD}).json["token"]
        headers[name] = {"Authorization": f"Bearer {token}"}
    yield settings, client, conn, headers
    app.extensions[POOL_KEY].close()
    dispatcher.close()
    conn.close()


def grid_with_worker(conn, schedule) -> tuple[str, str]:
    """A grid cell of its own (in 310101) with one active grid worker on `schedule`."""
    tag = uuid.uuid4().hex[:8]
    grid, worker = f"310101002001{tag}", f"w-{tag}"
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO workers (worker_id, name, phone, grid_code, tier, lon, lat,"
                    " schedule) VALUES (%s, '网格员', '13800000000', %s, 'grid', 121.48, 31.23,"
                    " %s)", (worker, grid, json.dumps(schedule)))
    return grid, worker


def confirmed_case(conn, grid: str) -> int:
    case = NewCase(fingerprint=uuid.uuid4().hex, kind="hotline", title="井盖破损",
                   category="井盖破损", lon=121.4801, lat=31.2301, district_code="310101",
                   street_code="310101002", grid_code=grid)
    alert_id = open_case(conn, case, actor="test")
    transition(conn, alert_id, "confirm", "test", "operator", 1)
    return alert_id


def dispatch(client, headers, case_id, version=2, **extra):
    return client.post(f"/api/v1/cases/{case_id}/transitions", headers=headers,
                       json={"action": "dispatch", "expected_version": version, **extra})


def one(conn, sql: str, params: tuple) -> tuple:
    with conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def test_dispatch_chooses_the_on_duty_worker_and_publishes(world):
    settings, client, conn, headers = world
    grid, worker = grid_with_worker(conn, ALWAYS)
    case_id = confirmed_case(conn, grid)
    answer = dispatch(client, headers["op"], case_id, note="请尽快处置")
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert {k: body[k] for k in ("id", "action", "from_state", "state", "version", "worker_id",
                                 "tier", "published")} == {
        "id": case_id, "action": "dispatch", "from_state": "confirmed", "state": "dispatched",
        "version": 3, "worker_id": worker, "tier": "grid", "published": True}
    assert one(conn, "SELECT assignee_worker_id FROM alerts WHERE id = %s",
               (case_id,)) == (worker,)
    assert one(conn, "SELECT alert_id, worker_id, published_at IS NOT NULL FROM dispatches"
                     " WHERE delivery_id = %s", (body["delivery_id"],)) == (case_id, worker, True)
    actor, note, details = one(conn, "SELECT actor, note, details FROM alert_events"
                                     " WHERE id = %s", (body["event_id"],))
    assert (actor, note, details["worker_id"]) == ("op", "请尽快处置", worker)
    sent = [r for r in read_dispatches(settings)
            if json.loads(r.value)["delivery_id"] == body["delivery_id"]]
    assert len(sent) == 1 and sent[0].key == worker.encode()


def test_nobody_on_duty_is_a_422_that_writes_nothing(world):
    settings, client, conn, headers = world
    grid, _ = grid_with_worker(conn, [])  # no shifts: never on duty
    case_id = confirmed_case(conn, grid)
    answer = dispatch(client, headers["op"], case_id)
    assert answer.status_code == 422
    assert answer.json["action"] == "dispatch"
    assert any("none on duty" in why for why in answer.json["tried"])
    assert one(conn, "SELECT state, version, assignee_worker_id FROM alerts WHERE id = %s",
               (case_id,)) == ("confirmed", 2, None)
    assert one(conn, "SELECT count(*) FROM dispatches WHERE alert_id = %s", (case_id,)) == (0,)


def test_stale_version_refused_role_and_outside_scope_keep_their_answers(world):
    _, client, conn, headers = world
    grid, _ = grid_with_worker(conn, ALWAYS)
    case_id = confirmed_case(conn, grid)
    stale = dispatch(client, headers["op"], case_id, version=1)
    assert stale.status_code == 409
    assert (stale.json["state"], stale.json["version"]) == ("confirmed", 2)
    assert dispatch(client, headers["wkr"], case_id).status_code == 404  # not assigned to them
    assert dispatch(client, headers["far"], case_id).status_code == 404  # another district
    assert one(conn, "SELECT count(*) FROM dispatches WHERE alert_id = %s", (case_id,)) == (0,)
    new = open_case(conn, NewCase(fingerprint=uuid.uuid4().hex, kind="hotline", title="t",
                                   district_code="310101", grid_code=grid), actor="test")
    refused = dispatch(client, headers["op"], new, version=1)  # not confirmed yet
    assert refused.status_code == 403 and refused.json["action"] == "dispatch"


def test_naming_a_worker_is_refused_not_ignored(world):
    _, client, conn, headers = world
    grid, worker = grid_with_worker(conn, ALWAYS)
    case_id = confirmed_case(conn, grid)
    answer = dispatch(client, headers["op"], case_id, worker_id=worker)
    assert answer.status_code == 400 and "worker_id" in answer.json["error"]
    assert one(conn, "SELECT state FROM alerts WHERE id = %s", (case_id,)) == ("confirmed",)


def test_without_a_dispatcher_dispatch_is_503_and_other_moves_work(world):
    settings, _, conn, _ = world
    app = create_app(settings.database_url)
    client = app.test_client()
    token = client.post("/api/v1/login", json={"username": "op",
                                               "password": PASSWORD}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    grid, _ = grid_with_worker(conn, ALWAYS)
    case_id = confirmed_case(conn, grid)
    assert dispatch(client, auth, case_id).status_code == 503
    assert one(conn, "SELECT state FROM alerts WHERE id = %s", (case_id,)) == ("confirmed",)
    other = open_case(conn, NewCase(fingerprint=uuid.uuid4().hex, kind="hotline", title="t",
                                     district_code="310101", grid_code=grid), actor="test")
    moved = client.post(f"/api/v1/cases/{other}/transitions", headers=auth,
                        json={"action": "confirm", "expected_version": 1})
    assert moved.status_code == 200
    app.extensions[POOL_KEY].close()
