"""The screens and the sharing API on a streaming replica (issue #18): their reads come from
the replica (what the primary has and the replica has not replayed yet is not shown), the
key check and the access log stay on the primary (a revoked key stops at once), and the
wall says how far behind the replica is."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By

from alerts.api.app import create_app
from geo import store as geo_store
from identity.pool import POOL_KEY, READ_POOL_KEY
from identity.users import add_user
from sharing.keys import DATASETS, create, revoke
from sim.seed import seed_city
from store import db as store_db
from store.admin_audit import AdminActor
from tests.browser.harness import chrome, login, screenshot, wait_for, wait_until
from tests.process import serving

pytestmark = pytest.mark.integration
ADMIN = AdminActor("test", "cli")
PASSWORD = "replica-test-password"


def _one(url: str, sql: str, params: tuple = ()):
    conn = store_db.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()[0]
    finally:
        conn.close()


def _caught_up(primary_url: str, replica_url: str, timeout: float = 30) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    target = _one(primary_url, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while not _one(replica_url, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)  # poll interval: waiting for a condition, bounded by the deadline


@pytest.fixture(scope="module")
def world(on_cluster, pg_replica, small_city_areas):
    settings = on_cluster("replica")
    conn = store_db.connect(settings.database_url)
    geo_store.write_areas(conn, small_city_areas)
    seed_city(conn, devices_count=150, readings_devices=60, open_cases=30, incidents_24h=200)
    add_user(conn, "replica_operator", PASSWORD, "operator", "310000", "值班员")
    conn.close()
    read_url = pg_replica.url_of(settings.database_url)
    _caught_up(settings.database_url, read_url)
    yield settings.replace(database_read_url=read_url), pg_replica


def test_shared_datasets_come_from_the_replica_and_keys_from_the_primary(world) -> None:
    settings, replica = world
    app = create_app(settings.database_url, zone=settings.zone,
                     read_url=settings.database_read_url)
    client = app.test_client()
    conn = store_db.connect(settings.database_url)
    standby = replica._connect("postgres")
    try:
        secret = create(conn, "replica client", list(DATASETS), ["310101"], [],
                        datetime.now(UTC) + timedelta(days=1), ADMIN)[1]
        _caught_up(settings.database_url, settings.database_read_url)
        ask = {"Authorization": f"ApiKey {secret}"}
        before = client.get("/share/v1/incidents?limit=1000", headers=ask)
        assert before.status_code == 200 and before.json["rows"]
        with standby.cursor() as cur:
            cur.execute("SELECT pg_wal_replay_pause()")
        with conn, conn.cursor() as cur:      # on the primary only, while replay waits
            cur.execute("DELETE FROM incidents WHERE district_code = '310101'")
        held = client.get("/share/v1/incidents?limit=1000", headers=ask)
        assert held.json["rows"] == before.json["rows"]   # still the replica's rows
        revoke(conn, _key_id(secret), ADMIN)
        assert client.get("/share/v1/incidents", headers=ask).status_code == 401
        with conn.cursor() as cur:
            cur.execute("SELECT count(*), max(status) FROM share_access_log")
            assert cur.fetchone() == (3, 401)           # the log is written on the primary
        conn.rollback()
    finally:
        with standby.cursor() as cur:
            cur.execute("SELECT pg_wal_replay_resume()")
        standby.close()
        conn.close()
        app.extensions[POOL_KEY].close()
        app.extensions[READ_POOL_KEY].close()


def _key_id(secret: str) -> str:
    return secret.split(".", 1)[0]


@pytest.mark.browser
def test_the_wall_reads_the_replica_and_shows_its_lag(world, tmp_path) -> None:
    settings, replica = world
    url = f"http://127.0.0.1:{settings.dashboard_port}"
    with serving(settings, tmp_path / "dashboard.log", "dashboard",
                 health_url=f"{url}/healthz", CITYOPS_DASHBOARD_REFRESH_MS="1500"):
        driver = chrome(1920, 1080)
        try:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
            login(driver, url, "replica_operator", PASSWORD, "/wall")
            wait_for(driver, "#wall-map .main-svg")
            wait_until(driver, lambda d: "只读副本" in d.find_element(By.ID, "wall-replica").text)
            text = driver.find_element(By.ID, "wall-replica").text
            assert text.startswith("只读副本 延迟") and text.endswith("秒"), text
            wait_for(driver, ".wall-ticker-item")
            screenshot(driver, "wall-replica-1920x1080")
        finally:
            driver.quit()
        reading = _one(replica.url_of(settings.database_url),
                       "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                       "'cityops-read' AND datname = current_database()")
        assert reading >= 1    # the dashboard's read pool is connected to the replica
