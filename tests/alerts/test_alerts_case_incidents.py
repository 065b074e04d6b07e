"""The reports behind a case come from its own sources (`case_sources`), keyed by
(source, source_id) and within the viewer's area, in the API, the triage console and the
worker's task card.

Before the fix the three joined incidents by `source_id` alone, taken from
`labels.detail.source_id`: an ordinary hotline case with four merged reports showed none,
and a case a count rule opened showed every incident anywhere with that id, whatever its
source and district, with reporters unmasked for the desk.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from psycopg2.extras import Json

from alerts.api.app import create_app
from alerts.cases.moves import NewCase, open_case
from identity.pool import POOL_KEY
from identity.scope import Scope
from identity.users import add_user
from screens.tasks import my_tasks
from screens.triage.sources import case_sources
from store import db as store_db

pytestmark = pytest.mark.integration

HUANGPU = dict(district_code="310101", street_code="310101002",
               community_code="310101002001", grid_code="310101002001003")
JINGAN = dict(district_code="310106", street_code="310106001",
              community_code="310106001001", grid_code="310106001001001")
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def add_incident(cur, source: str, source_id: str, place: dict, name: str) -> None:
    cur.execute(
        "INSERT INTO incidents (source, source_id, category, reporter_name, reporter_phone, "
        "reported_at, grid_code, community_code, street_code, district_code) "
        "VALUES (%s, %s, '井盖破损', %s, '13812345678', %s, %s, %s, %s, %s)",
        (source, source_id, name, AT, place["grid_code"], place["community_code"],
         place["street_code"], place["district_code"]))


def add_source(cur, alert_id: int, kind: str, key: str) -> None:
    cur.execute("INSERT INTO case_sources (alert_id, source_kind, source_key, at) "
                "VALUES (%s, %s, %s, %s)", (alert_id, kind, key, AT))


@pytest.fixture(scope="module")
def world(isolated):
    settings = isolated("case_incidents")
    conn = store_db.connect(settings.database_url)
    add_user(conn, "desk1", "incidents-pass-1", "operator", "310101")
    hotline = open_case(conn, NewCase("hotline|H1", "hotline", "井盖破损 南京东路",
                                       category="井盖破损",
                                       labels={"source": "hotline", "source_id": "H1"},
                                       **HUANGPU), actor="test")
    rule = open_case(conn, NewCase("cluster|g", "count", "投诉聚集", category="井盖破损",
                                    labels={"detail": {"source_id": "X-1"}}, **HUANGPU),
                      actor="test")
    with conn, conn.cursor() as cur:
        for n in range(1, 5):
            add_incident(cur, "hotline", f"H{n}", HUANGPU, f"王{n}")
            add_source(cur, hotline, "incident", f"hotline:H{n}")
        add_incident(cur, "hotline", "H5", JINGAN, "赵五")  # merged, but outside 黄浦
        add_source(cur, hotline, "incident", "hotline:H5")
        add_incident(cur, "patrol", "X-1", JINGAN, "李四")  # same id, another source
        add_source(cur, rule, "rule", "cluster|g")
        cur.execute("UPDATE alerts SET labels = %s WHERE id = %s",
                    (Json({"detail": {"source_id": "X-1"}}), rule))
    app = create_app(settings.database_url)
    client = app.test_client()
    token = client.post("/api/v1/login", json={"username": "desk1",
                                               "password": "incidents-pass-1"}).json["token"]
    yield client, {"Authorization": f"Bearer {token}"}, conn, hotline, rule
    app.extensions[POOL_KEY].close()
    conn.close()


def test_the_api_shows_every_merged_report_of_a_hotline_case(world) -> None:
    client, auth, _, hotline, _ = world
    shown = client.get(f"/api/v1/cases/{hotline}", headers=auth).json["incidents"]
    assert sorted(i["source_id"] for i in shown) == ["H1", "H2", "H3", "H4"]


def test_the_api_shows_no_stranger_with_the_same_id(world) -> None:
    client, auth, _, _, rule = world
    assert client.get(f"/api/v1/cases/{rule}", headers=auth).json["incidents"] == []


def test_the_triage_console_reads_the_same_sources(world) -> None:
    _, _, conn, hotline, rule = world
    scope = Scope("district", "310101")
    with conn.cursor() as cur:
        shown = case_sources(cur, hotline, "operator", scope)
        stranger = case_sources(cur, rule, "operator", scope)
    conn.rollback()
    reports = sorted(row["source_id"] for row in shown if row["source_kind"] == "incident")
    assert reports == ["H1", "H2", "H3", "H4"]
    assert all(row.get("source_id") != "X-1" for row in stranger)


def test_the_task_card_names_no_stranger(world) -> None:
    _, _, conn, _, rule = world
    user_id = add_user(conn, "worker1", "incidents-pass-1", "worker", HUANGPU["grid_code"])
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO workers (worker_id, user_id, name, grid_code) VALUES "
                    "('w-x', %s, '张三', %s)", (user_id, HUANGPU["grid_code"]))
        cur.execute("UPDATE alerts SET assignee_worker_id = 'w-x', state = 'dispatched' "
                    "WHERE id = %s", (rule,))
    with conn.cursor() as cur:
        [task] = my_tasks(cur, Scope("grid", HUANGPU["grid_code"], worker_user_id=user_id),
                          AT)
    conn.rollback()
    assert task["reporter_name"] is None and task["reporter_phone"] is None
