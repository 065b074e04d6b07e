"""Device health on a world nobody seeded a status into: real ingest stores readings, the
real `cityops health` service decides. A device that falls silent shows offline within its
kind's offline-after plus one sweep; the wall's online count and the map agree and the
change is recorded; a device with an open sensor case shows alarm, and normal once the
case is resolved."""

import threading
import time
from datetime import UTC, datetime

import pytest
from psycopg2.extras import Json

from alerts.cases.moves import NewCase, open_case, transition
from cityops.stream import kafka_client
from geo.store import write_areas
from identity.scope import Scope
from layers import devices as device_layer
from layers.frame import Frame
from screens.admin.devices import DeviceFilter, device_page, status_changes
from screens.wall.city import device_counts
from store import db as store_db
from store import devices as store_devices
from store import status_rollup
from tests.integration.ingest_run import start_ingest, stop, wait_for
from tests.process import start_cli, wait_http

pytestmark = pytest.mark.integration

# A kind of its own with a short offline-after, so the test waits seconds, not minutes.
BEACON = """\
kind: beacon
name: {zh: 测试信标, en: Test beacon}
interval: 1s
offline_after: 4s
symbol: {shape: circle, colour: "#ffffff"}
metrics:
  - name: level_m
    unit: m
    range: [-10, 30]
    aggregate: mean
"""
DEVICES = ("beacon-a", "beacon-b", "beacon-c")
CITY = Scope("city", "310000")


def status(conn, device_id: str) -> str | None:
    with conn.cursor() as cur:
        cur.execute("SELECT status FROM device_state WHERE device_id = %s", (device_id,))
        row = cur.fetchone()
    conn.rollback()
    return row[0] if row else None


def changes(conn, device_id: str) -> list[tuple[str | None, str, str]]:
    with conn.cursor() as cur:
        cur.execute("SELECT from_status, to_status, reason FROM device_status_changes "
                    "WHERE device_id = %s ORDER BY id", (device_id,))
        rows = cur.fetchall()
    conn.rollback()
    return rows


class Feeder(threading.Thread):
    """Sends a reading of each device still `alive` every 0.3 s, until stopped."""

    def __init__(self, settings) -> None:
        super().__init__(daemon=True)
        self.settings = settings
        self.alive = set(DEVICES)
        self.halt = threading.Event()

    def run(self) -> None:
        producer = kafka_client.producer(self.settings)
        while not self.halt.is_set():
            ts = datetime.now(UTC).isoformat()
            for device in sorted(self.alive):
                producer.send(self.settings.topic("readings"), key=device.encode(),
                              value=f'{{"device":"{device}","ts":"{ts}",'
                                    f'"values":{{"level_m":1.5}}}}'.encode())
            producer.flush()
            self.halt.wait(0.3)
        producer.close()


def assert_rollup_agrees(conn) -> None:
    """The sweep's counts per street (what screens read) equal counting the devices."""
    with conn.cursor() as cur:
        cur.execute("SELECT district_code, street_code FROM devices WHERE device_id = %s",
                    (DEVICES[0],))
        district, street = cur.fetchone()
        assert status_rollup._fresh(cur)
        for level, code, part in [("city", CITY.code, "district"),
                                  ("district", district, "street"), ("street", street, "grid")]:
            assert status_rollup.totals(cur, level, code) == \
                status_rollup.totals(cur, level, code, live=True), level
            assert status_rollup.by_part(cur, level, code, part) == \
                status_rollup.by_part(cur, level, code, part, live=True), level
    conn.rollback()


def test_health_from_real_data(isolated, small_city_areas, tmp_path) -> None:
    settings = isolated("health")
    (tmp_path / "beacon.yaml").write_text(BEACON, encoding="utf-8")
    conn = store_db.connect(settings.database_url)
    write_areas(conn, small_city_areas)
    spot = small_city_areas[small_city_areas["level"] == "grid"].geometry.iloc[0].centroid
    store_devices.upsert(conn, [
        {"device_id": d, "kind": "beacon", "lon": spot.x, "lat": spot.y, "placed": True,
         "district_code": "310101", "meta": Json({})} for d in DEVICES])
    env = {"CITYOPS_PROFILES_DIR": str(tmp_path), "CITYOPS_HEALTH_EVERY_SECONDS": "0.5"}
    feeder = Feeder(settings)
    feeder.start()
    procs = []
    try:
        procs.append(start_ingest(settings, **env))
        health = start_cli(settings, "health", **env)
        procs.append(health)
        wait_http(f"http://{settings.metrics_host}:{settings.health_metrics_port}/healthz",
                  proc=health)
        wait_for(lambda: all(status(conn, d) == "normal" for d in DEVICES), timeout=60,
                 every=0.2)

        feeder.alive.discard("beacon-c")  # falls silent
        silent_from = time.monotonic()
        wait_for(lambda: status(conn, "beacon-c") == "offline", timeout=60, every=0.2)
        # offline-after (4 s) + one sweep (0.5 s) + ingest's batching and state flush (~2 s)
        assert time.monotonic() - silent_from < 4 + 0.5 + 4
        assert status(conn, "beacon-a") == status(conn, "beacon-b") == "normal"
        assert changes(conn, "beacon-c") == [("normal", "offline", "silent")]
        with conn.cursor() as cur:
            counts = device_counts(cur, CITY)
            drawn = device_layer.points(cur, CITY, Frame(datetime.now(UTC), None))
        conn.rollback()
        assert (counts.online, counts.total) == (2, 3)
        assert_rollup_agrees(conn)
        codes = dict(zip(drawn.ids, drawn.codes, strict=True))
        assert [codes[d] for d in DEVICES] == [0, 0, 2]  # normal, normal, offline

        case = open_case(conn, NewCase(fingerprint="health-test|beacon-b", kind="sensor",
                                       title="测试: beacon-b", category="公用设施",
                                       auto_resolve=True,
                                       labels={"rule": "test", "device": "beacon-b"}),
                         "system")
        wait_for(lambda: status(conn, "beacon-b") == "alarm", timeout=30, every=0.2)
        with conn.cursor() as cur:
            cur.execute("SELECT version FROM alerts WHERE id = %s", (case,))
            version = cur.fetchone()[0]
        conn.rollback()
        transition(conn, case, "resolve", "system", "system", version)
        wait_for(lambda: status(conn, "beacon-b") == "normal", timeout=30, every=0.2)
        assert changes(conn, "beacon-b") == [("normal", "alarm", "case_open"),
                                             ("alarm", "normal", "case_closed")]

        feeder.alive.add("beacon-c")  # reports again
        wait_for(lambda: status(conn, "beacon-c") == "normal", timeout=30, every=0.2)
        assert changes(conn, "beacon-c")[-1] == ("offline", "normal", "reporting")

        # The admin's device view: status, since when, and the recent changes in its area.
        listed, _ = device_page(conn, CITY, DeviceFilter(kind="beacon"), offset=0, limit=10)
        assert all(r["status"] == "normal" and r["status_since"] for r in listed)
        shown = [(c.device_id, c.to_status, c.reason) for c in status_changes(conn, CITY)]
        assert shown[0] == ("beacon-c", "normal", "reporting")
        assert ("beacon-b", "alarm", "case_open") in shown
        assert status_changes(conn, Scope("district", "310106")) == []  # not 静安's devices
    finally:
        feeder.halt.set()
        feeder.join(10)
        for proc in reversed(procs):
            stop(proc)
        conn.close()
