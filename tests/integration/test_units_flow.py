"""Departments and units in the case flow (issue #16), against the real database and broker,
on a city whose units, responsibility list and unit staff were written by the demo's own
seed (sim/seed/units.py):

- a case routed by the responsibility list reaches the right unit, whose staff see it;
- a wrong unit returns it, the list does not send it there again, and first-dispatch
  accuracy counts it;
- a whistle with three units, one of them late to report in, escalates once, and the case
  closes only after the lead unit handled it and a verifier who is not the handler agreed;
- unit staff see no other unit's case: not in their task view, not through a dashboard
  callback, not through the API.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import requests

from alerts.api.app import create_app
from alerts.cases.errors import Refused
from alerts.cases.moves import NewCase, open_case, transition
from alerts.dispatch.assign import dispatch
from alerts.units import whistle
from alerts.units.accuracy import first_dispatch_accuracy
from alerts.units.report_ins import escalate_missed
from cityops.stream import kafka_client
from geo import store as geo_store
from identity.pool import POOL_KEY
from identity.scope import Scope
from screens.tasks import my_tasks
from sim.seed import seed_city
from sim.seed import units as seed_units
from sim.seed.grid import read_cells
from store import db as store_db
from tests.access import dash_calls
from tests.process import serving

pytestmark = pytest.mark.integration

SERIAL = itertools.count(1)


class World:
    def __init__(self, settings, conn, password: str, cells) -> None:
        self.settings, self.conn, self.password, self.cells = settings, conn, password, cells
        self.producer = kafka_client.producer(settings)
        self.topic = settings.topic("dispatch")
        first = seed_units.accounts(cells)[0][2]
        self.district = first
        self.street = seed_units.accounts(cells)[1][2]
        with conn.cursor() as cur:
            cur.execute("SELECT w.grid_code FROM workers w JOIN users u ON u.id = w.user_id "
                        "WHERE u.username = 'worker_hp'")
            self.grid = cur.fetchone()[0]
        conn.rollback()
        i = list(cells.codes).index(self.grid)
        self.place = {"grid_code": self.grid, "community_code": cells.community[i],
                      "street_code": cells.street[i], "district_code": cells.district[i]}

    def case(self, category: str, major: str, place: dict | None = None) -> int:
        """A confirmed case from an incident of this category in the worker's grid."""
        new = NewCase(fingerprint=f"units|{next(SERIAL)}", kind="incident",
                      title=f"{category} 测试", category=category,
                      labels={"incident_category": major}, **(place or self.place))
        alert_id = open_case(self.conn, new, actor="test")
        transition(self.conn, alert_id, "confirm", "operator", "operator", 1)
        return alert_id

    def state(self, alert_id: int) -> tuple:
        with self.conn.cursor() as cur:
            cur.execute("SELECT state, version, unit_code, tier FROM alerts WHERE id = %s",
                        (alert_id,))
            row = cur.fetchone()
        self.conn.rollback()
        return row


@pytest.fixture(scope="module")
def world(isolated, small_city_areas):
    settings = isolated("units")
    conn = store_db.connect(settings.database_url)
    geo_store.write_areas(conn, small_city_areas)
    report = seed_city(conn, devices_count=0, readings_devices=0, open_cases=0,
                       incidents_24h=0)
    cells = read_cells(conn)
    seed_units.write(conn, cells, report.password)
    made = World(settings, conn, report.password, cells)
    yield made
    made.producer.close()
    conn.close()


def test_the_responsibility_list_routes_a_case_to_its_unit(world) -> None:
    alert_id = world.case("道路破损", "道路交通")
    done = dispatch(world.conn, world.producer, alert_id, "manager_hp", "manager", 2,
                    topic=world.topic)
    assert done.unit_code == f"{world.district}-ROAD" and done.worker_id is None
    assert done.published
    assert world.state(alert_id)[:3] == ("dispatched", 3, f"{world.district}-ROAD")
    # A category with no row goes to the grid worker as before.
    other = world.case("暴露垃圾", "市容环境")
    assert dispatch(world.conn, world.producer, other, "manager_hp", "manager", 2,
                    topic=world.topic).worker_id is not None
    # The unit's staff work it: accept and handle, with their unit on the events.
    transition(world.conn, alert_id, "accept", "unit_road", "unit", 3,
               unit=f"{world.district}-ROAD")
    moved = transition(world.conn, alert_id, "handle", "unit_road", "unit", 4,
                       unit=f"{world.district}-ROAD")
    assert moved.to_state == "handled"
    # The grid worker of the place verifies on site; the handler could not.
    tasks = my_tasks(world.conn.cursor(), _worker_scope(world), datetime.now(UTC))
    assert alert_id in {t["id"] for t in tasks}
    assert transition(world.conn, alert_id, "verify", "worker_hp", "worker", 5).to_state \
        == "closed"


def _worker_scope(world) -> Scope:
    with world.conn.cursor() as cur:
        cur.execute("SELECT id, area_code FROM users WHERE username = 'worker_hp'")
        user_id, area = cur.fetchone()
    world.conn.rollback()
    return Scope("district", area, worker_user_id=user_id)


def test_a_wrong_unit_returns_the_case_and_accuracy_counts_it(world) -> None:
    since = datetime.now(UTC)
    alert_id = world.case("井盖破损", "公用设施")
    water = f"{world.district}-WATER"
    assert dispatch(world.conn, world.producer, alert_id, "manager_hp", "manager", 2,
                    topic=world.topic).unit_code == water
    with pytest.raises(Refused):  # a unit cannot return a case it does not hold
        transition(world.conn, alert_id, "return", "unit_road", "unit", 3, note="不是我们的",
                   unit=f"{world.district}-ROAD")
    transition(world.conn, alert_id, "return", "water-staff", "unit", 3,
               note="井盖属道路养护，非排水所职责", details={"wrong_unit": True}, unit=water)
    # Sent again, the list does not choose the unit that said no; the desk names the unit.
    again = dispatch(world.conn, world.producer, alert_id, "manager_hp", "manager", 4,
                     topic=world.topic, unit=f"{world.district}-ROAD")
    assert again.unit_code == f"{world.district}-ROAD"
    right = world.case("道路破损", "道路交通")
    dispatch(world.conn, world.producer, right, "manager_hp", "manager", 2, topic=world.topic)
    with world.conn.cursor() as cur:
        accuracy = first_dispatch_accuracy(cur, since, datetime.now(UTC) + timedelta(1))
        of_water = first_dispatch_accuracy(cur, since, datetime.now(UTC) + timedelta(1), water)
    world.conn.rollback()
    assert (accuracy.dispatched, accuracy.returned_wrong) == (2, 1)
    assert accuracy.rate == 0.5 and of_water.rate == 0.0


def test_a_whistle_escalates_a_late_unit_and_closes_after_lead_and_verifier(world) -> None:
    alert_id = world.case("违章搭建", "房屋土地")
    lead, road, cg = (f"{world.district}-HOUSE", f"{world.district}-ROAD",
                      f"{world.street}-CG")
    called_at = datetime.now(UTC) - timedelta(minutes=5)
    with pytest.raises(Refused):  # 街乡吹哨: a district desk does not whistle
        whistle.blow(world.conn, world.producer, world.topic, alert_id, actor="manager_hp",
                     role="manager", desk_level="district", expected_version=2,
                     lead=whistle.Call(lead, timedelta(hours=1)),
                     co=[whistle.Call(road, timedelta(hours=1))], note="多部门")
    done = whistle.blow(world.conn, world.producer, world.topic, alert_id,
                        actor="desk_street", role="operator", desk_level="street",
                        expected_version=2, lead=whistle.Call(lead, timedelta(hours=1)),
                        co=[whistle.Call(road, timedelta(hours=1)),
                            whistle.Call(cg, timedelta(minutes=1))],
                        note="违建占道，需房管、路政、城管联合处置", at=called_at)
    assert done.published == 3
    state, version, holder, tier = world.state(alert_id)
    assert (state, holder) == ("dispatched", lead)
    for unit, who in ((lead, "house-staff"), (road, "unit_road")):
        version = transition(world.conn, alert_id, "report_in", who, "unit", version,
                             unit=unit).version
    # The street's 城管中队 never reported in: one escalation, one tier up, then no more.
    now = datetime.now(UTC)
    assert escalate_missed(world.conn, world.producer, world.topic, now) == 1
    assert escalate_missed(world.conn, world.producer, world.topic, now) == 0
    state, version, _, raised = world.state(alert_id)
    assert raised != tier
    with world.conn.cursor() as cur:
        cur.execute("SELECT details->>'missed_report_in' FROM alert_events "
                    "WHERE alert_id = %s AND action = 'escalate'", (alert_id,))
        assert cur.fetchall() == [(cg,)]
    world.conn.rollback()
    version = transition(world.conn, alert_id, "contribute", "unit_road", "unit", version,
                         note="已清理占道建材", unit=road).version
    with pytest.raises(Refused):  # a co-unit does not handle: the lead does
        transition(world.conn, alert_id, "accept", "unit_road", "unit", version, unit=road)
    version = transition(world.conn, alert_id, "accept", "house-staff", "unit", version,
                         unit=lead).version
    with pytest.raises(Refused):  # not closed before the lead unit handled it
        transition(world.conn, alert_id, "verify", "operator", "operator", version)
    version = transition(world.conn, alert_id, "handle", "house-staff", "unit", version,
                         unit=lead).version
    with pytest.raises(Refused):  # the handler is never the verifier
        transition(world.conn, alert_id, "verify", "house-staff", "operator", version)
    assert transition(world.conn, alert_id, "verify", "desk_street", "operator",
                      version).to_state == "closed"


def _api_tokens(client, password: str) -> dict[str, dict]:
    tokens = {}
    for name in ("unit_road", "unit_cg", "manager_hp"):
        answer = client.post("/api/v1/login", json={"username": name, "password": password})
        tokens[name] = {"Authorization": f"Bearer {answer.json['token']}"}
    return tokens


def test_unit_staff_see_no_other_units_cases(world, tmp_path) -> None:
    mine = world.case("路面塌陷", "突发事件")
    theirs = world.case("占道经营", "街面秩序")
    for alert_id in (mine, theirs):
        dispatch(world.conn, world.producer, alert_id, "manager_hp", "manager", 2,
                 topic=world.topic)
    assert world.state(theirs)[2] == f"{world.street}-CG"
    app = create_app(world.settings.database_url)
    client = app.test_client()
    try:
        tokens = _api_tokens(client, world.password)
        listed = {c["id"] for c in client.get("/api/v1/cases?per_page=200",
                                              headers=tokens["unit_road"]).json["cases"]}
        assert mine in listed and theirs not in listed
        assert client.get(f"/api/v1/cases/{theirs}", headers=tokens["unit_road"]).status_code \
            == 404
        moved = client.post(f"/api/v1/cases/{theirs}/transitions", headers=tokens["unit_road"],
                            json={"action": "accept", "expected_version": 3})
        assert moved.status_code == 404
        assert client.post(f"/api/v1/cases/{theirs}/transitions", headers=tokens["unit_cg"],
                           json={"action": "accept", "expected_version": 3}).status_code == 200
    finally:
        app.extensions[POOL_KEY].close()
    _dashboard_shows_only_own(world, tmp_path, mine, theirs)


def _dashboard_shows_only_own(world, tmp_path, mine: int, theirs: int) -> None:
    from tests.conftest import free_port
    settings = world.settings.replace(dashboard_port=free_port())
    url = f"http://127.0.0.1:{settings.dashboard_port}"
    with serving(settings, tmp_path / "dashboard.log", "dashboard", health_url=f"{url}/healthz"):
        session = requests.Session()
        session.post(f"{url}/login", data={"username": "unit_road", "password": world.password},
                     timeout=10)
        page = session.get(f"{url}/worker", timeout=10)
        assert page.status_code == 200
        deps = session.get(f"{url}/_dash-dependencies", timeout=10).json()
        headers = {"Origin": url}
        layout = session.post(f"{url}/_dash-update-component", headers=headers, timeout=30,
                              json=dash_calls.layout_body(deps, "worker")).text
        assert f"worker-task-{mine}" in layout and f"worker-task-{theirs}" not in layout
        # A forged button press on the other unit's case moves nothing.
        forged = session.post(f"{url}/_dash-update-component", headers=headers, timeout=30,
                              json=dash_calls.worker_move_body(deps, theirs, 4, "handle"))
        assert forged.status_code == 200 and f"worker-task-{theirs}" not in forged.text
        assert world.state(theirs)[0] == "in_progress"
        for page_name in ("triage", "wall", "admin"):  # desk pages are not for unit staff
            answer = session.post(f"{url}/_dash-update-component", headers=headers, timeout=30,
                                  json=dash_calls.empty_body(dash_calls.find(
                                      deps, f"{page_name}-")))
            assert answer.status_code == 403, page_name
