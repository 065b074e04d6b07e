"""A rebalance while the engine holds evaluated but unsaved messages: it saves them with
their offsets and goes on. kafka-python 3 runs the revoke listener on its IO thread, where a
blocking commit raises; the engine then looped on "rebalance callback throws an error"."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from psycopg2.extras import Json

from alerts.engine_metrics import EngineMetrics
from alerts.service import build
from cityops import kafka_client
from store import db as store_db
from store import devices as store_devices
from tests.alerts.engine_run import saved_offsets
from tests.alerts.test_alerts_engine_stream import DEVICE, RULE, produce

pytestmark = pytest.mark.integration


def steps_until(engine, done, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        engine.step()  # raised on every round before the fix


def test_a_rebalance_with_unsaved_work_saves_it_and_the_engine_goes_on(isolated,
                                                                       tmp_path) -> None:
    settings = isolated("alertrebal")
    (tmp_path / "rules.yaml").write_text(RULE, encoding="utf-8")
    conn = store_db.connect(settings.database_url)
    store_devices.upsert(conn, [{"device_id": DEVICE, "kind": "water_main", "placed": True,
                                 "grid_code": "g-eng", "district_code": "d-eng",
                                 "lon": 121.47, "lat": 31.23, "meta": Json({})}])
    conn.close()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    produce(settings, start, [300.0] * 10)
    metrics = EngineMetrics()
    engine = build(settings, tmp_path, metrics)
    engine.checkpoint_seconds = 3600  # nothing is saved unless the rebalance saves it
    engine.start()
    intruder = None
    stop = threading.Event()
    try:
        steps_until(engine, lambda: sum(engine.dirty.values()) >= 10)
        assert saved_offsets(settings) == 0
        # A second member joins the group: the engine's partitions are revoked.
        intruder = kafka_client.consumer(settings, settings.alerts_group, [])
        kafka_client.subscribe(intruder, sorted(engine.streams))
        polling = threading.Thread(target=lambda: [intruder.poll(200) for _ in iter(
            stop.is_set, True)])
        polling.start()
        steps_until(engine, lambda: saved_offsets(settings) >= 10)
        assert engine.dirty == {}
        # Afterwards it still evaluates what arrives on the partitions it kept.
        produce(settings, start + timedelta(seconds=100), [300.0] * 5)
        engine.checkpoint_seconds = 0
        stop.set()
        polling.join(timeout=10)
        intruder.close()
        intruder = None
        steps_until(engine, lambda: saved_offsets(settings) >= 15)
        engine.last_lag = 0  # measure now, not in 5 s
        engine.update_lag()
        lags = [sample.value for family in metrics.lag.collect() for sample in family.samples]
        assert lags and all(lag == 0 for lag in lags), lags
    finally:
        stop.set()
        if intruder is not None:
            intruder.close()
        engine.consumer.close(autocommit=False)
        if engine.conn is not None:
            engine.conn.close()
