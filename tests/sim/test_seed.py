"""The seeded city is consistent: what the dashboard, its tests and the bench rely on."""

from datetime import UTC, datetime

import pytest

from alerts.dispatch.schedule import on_duty
from geo import store as geo_store
from sim.seed import seed_city
from store import db as store_db

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def seeded(isolated, small_city_areas):
    settings = isolated("seed")
    conn = store_db.connect(settings.database_url)
    geo_store.write_areas(conn, small_city_areas)
    report = seed_city(conn, devices_count=300, open_cases=60, incidents_24h=600)
    yield conn, report
    conn.close()


def _rows(conn, sql: str) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
    conn.rollback()
    return rows


def test_every_worker_has_a_readable_roster_and_is_on_duty(seeded) -> None:
    conn, _report = seeded
    schedules = _rows(conn, "SELECT worker_id, schedule FROM workers")
    assert schedules
    now = datetime.now(UTC)
    assert all(on_duty(schedule, now) for _worker, schedule in schedules)


def test_case_versions_match_their_timelines_and_states(seeded) -> None:
    conn, report = seeded
    mismatched = _rows(conn, """
        SELECT a.id FROM alerts a
        WHERE a.version <> (SELECT count(*) FROM alert_events e WHERE e.alert_id = a.id)
           OR a.state <> (SELECT e.to_state FROM alert_events e WHERE e.alert_id = a.id
                          ORDER BY e.at DESC, e.id DESC LIMIT 1)""")
    assert mismatched == []
    open_now = _rows(conn, "SELECT count(*) FROM alerts "
                           "WHERE state NOT IN ('closed', 'rejected')")[0][0]
    assert open_now == report.open_cases == 60


def test_one_account_per_role_and_the_linked_workers(seeded) -> None:
    conn, report = seeded
    roles = dict(_rows(conn, "SELECT username, role FROM users"))
    assert {roles[name] for name in report.users.values()} == {
        "admin", "operator", "leader", "manager", "worker"}
    linked = _rows(conn, "SELECT u.username FROM workers w JOIN users u ON u.id = w.user_id "
                         "ORDER BY 1")
    assert [name for (name,) in linked] == ["worker_hp", "worker_ja"]
