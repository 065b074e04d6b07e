"""An engine that was down longer than the offline window opens no offline case for a
device that kept reporting (issue #13.4).

Before the fix, the engine let time pass (absence ticks, by the wall clock) after any poll
that returned fewer records than its maximum: the empty polls of a group join and the
short polls at each fetch boundary while it worked through the backlog. Each of those
ticks saw the readings not yet consumed as silence, and every device past `after` went
"offline". Here the engine is stopped for 9 s under a steady feed with `after: 6s`,
then restarted with small polls and small fetches, so it catches up in many partial polls.
A device that really went silent must still go offline once the engine has caught up.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

import pytest
from psycopg2.extras import Json

from alerts.engine.metrics import EngineMetrics
from alerts.engine.service import build
from cityops.stream import kafka_client
from store import db as store_db
from store import devices as store_devices
from tests.alerts.engine_run import saved_offsets
from tests.database import query

pytestmark = pytest.mark.integration

SILENT = "wm-silent"
RULES = """\
rules:
  - id: wm-offline
    kind: absence
    name: {zh: 设备离线, en: Device offline}
    category: 设备离线
    severity: minor
    match: {device_kind: air_station}
    params: {after: 6s}
    auto_resolve: true
"""


class Feed(threading.Thread):
    """Every live device reports once a second, stamped now, until stopped."""

    def __init__(self, settings, live: list[str]) -> None:
        super().__init__(daemon=True)
        self.settings = settings
        self.live = live
        self.stopped = threading.Event()
        self.sent = 0

    def run(self) -> None:
        producer = kafka_client.producer(self.settings)
        while not self.stopped.is_set():
            now = datetime.now(UTC).isoformat()
            for device in self.live:
                producer.send(self.settings.topic("readings"), key=device.encode(),
                              value=json.dumps({"device": device, "ts": now,
                                                "values": {"pm25_ugm3": 30.0}}).encode())
            producer.flush()
            self.sent += len(self.live)
            self.stopped.wait(1.0)
        producer.close()


def start_engine(settings, rules):
    engine = build(settings, rules, EngineMetrics())
    # Small polls from small fetches: the backlog arrives in many partial polls.
    engine.consumer.close(autocommit=False)
    engine.consumer = kafka_client.consumer(settings, settings.alerts_group, [],
                                            max_partition_fetch_bytes=2048)
    engine.max_records = 20
    stop = threading.Event()
    thread = threading.Thread(target=engine.run, args=(stop,), daemon=True)
    thread.start()
    return engine, stop, thread


def offline_cases(settings) -> dict[str, str]:
    return {device: state for device, state in query(
        settings, "SELECT labels->>'device', state FROM alerts WHERE rule_id = 'wm-offline'")}


def wait(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.2)  # the poll interval of a wait for a condition, bounded above


def test_a_restart_after_the_offline_window_fires_only_for_silent_devices(
        isolated, tmp_path) -> None:
    figures = downtime_run(isolated("watermark"), tmp_path, devices=20, down_s=9)
    assert figures["offline_cases"] == [SILENT], figures


def downtime_run(settings, rules, devices: int, down_s: int) -> dict:
    """Stop the engine for `down_s` under a steady feed of `devices`, restart it, and
    report which devices went offline. Also the `engine downtime` family of
    `make reliability`."""
    live = [f"wm-live-{i:04d}" for i in range(devices)]
    conn = store_db.connect(settings.database_url)
    store_devices.upsert(conn, [{"device_id": d, "kind": "air_station", "placed": False,
                                 "meta": Json({})} for d in [*live, SILENT]])
    conn.close()
    (rules / "offline.yaml").write_text(RULES, encoding="utf-8")
    producer = kafka_client.producer(settings)
    producer.send(settings.topic("readings"), key=SILENT.encode(), value=json.dumps(
        {"device": SILENT, "ts": datetime.now(UTC).isoformat(),
         "values": {"pm25_ugm3": 30.0}}).encode()).get(10)
    producer.close()
    feed = Feed(settings, live)
    feed.start()
    try:
        engine, stop, thread = start_engine(settings, rules)
        wait(lambda: saved_offsets(settings) >= 1 + 3 * len(live), "the engine reads")
        stop.set()
        thread.join(timeout=30)
        down_from = feed.sent
        wait(lambda: feed.sent >= down_from + down_s * len(live), "the downtime", down_s * 4)
        backlog = feed.sent - down_from

        started = time.monotonic()
        engine, stop, thread = start_engine(settings, rules)
        try:
            wait(lambda: saved_offsets(settings) >= 1 + feed.sent, "the engine catches up",
                 60 + down_s)
            caught_up_s = time.monotonic() - started
            wait(lambda: SILENT in offline_cases(settings), "the silent device goes offline")
            ticks = engine.last_tick
            wait(lambda: engine.last_tick >= ticks + 2, "two more ticks")
        finally:
            stop.set()
            thread.join(timeout=30)
    finally:
        feed.stopped.set()
        feed.join(timeout=10)
    return {"devices": devices, "down_s": down_s, "offline_after_s": 6,
            "backlog": backlog, "caught_up_s": round(caught_up_s, 1),
            "offline_cases": sorted(offline_cases(settings))}
