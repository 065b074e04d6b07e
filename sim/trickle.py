"""A placeholder stream until the full simulator lands: devices with a daily rhythm and noise.

It writes native JSON readings keyed by device, at a steady rate, so the demo has
something flowing through ingest into the store.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from datetime import UTC, datetime

from psycopg2.extras import Json

from cityops import kafka_client
from cityops.service import StopSignal
from cityops.settings import Settings
from store import db
from store import devices as store_devices

log = logging.getLogger("cityops.sim")

KINDS = {  # kind: (metric, daily mean, daily swing, noise)
    "streetlight": ("current_a", 0.8, 0.7, 0.05),
    "water_main": ("pressure_kpa", 320.0, 40.0, 4.0),
    "river_gauge": ("level_m", 2.4, 0.3, 0.02),
    "air_station": ("pm25_ugm3", 38.0, 15.0, 4.0),
}


def reading(device: int, kind: str, now: datetime, rng: random.Random) -> dict:
    metric, mean, swing, noise = KINDS[kind]
    hour = now.hour + now.minute / 60
    value = mean + swing * math.sin((hour - 6) / 24 * 2 * math.pi) + rng.gauss(0, noise)
    return {"device": f"{kind}-{device:05d}", "ts": now.isoformat(),
            "values": {metric: round(value, 3)}}


def register(settings: Settings, count: int) -> None:
    """Put the simulated devices in the registry, as an installer would, unplaced for now."""
    kinds = list(KINDS)
    rows = [{"device_id": f"{kinds[d % len(kinds)]}-{d:05d}", "kind": kinds[d % len(kinds)],
             "placed": False, "meta": Json({"simulated": True})} for d in range(count)]
    conn = db.connect(settings.database_url, application_name="cityops-sim")
    try:
        store_devices.upsert(conn, rows)
    finally:
        conn.close()


def run(settings: Settings, devices: int, rate: float, duration: float, seed: int) -> int:
    rng = random.Random(seed)
    kinds = list(KINDS)
    register(settings, devices)
    producer = kafka_client.producer(settings)
    topic = settings.topic("readings")
    stop = StopSignal()
    started = time.monotonic()
    sent = 0
    log.info("simulator streaming", extra={"devices": devices, "rate": rate, "topic": topic})
    while not stop.requested and (duration <= 0 or time.monotonic() - started < duration):
        device = sent % devices
        doc = reading(device, kinds[device % len(kinds)], datetime.now(UTC), rng)
        producer.send(topic, key=doc["device"].encode(), value=json.dumps(doc).encode())
        sent += 1
        ahead = sent / rate - (time.monotonic() - started)
        if ahead > 0:
            stop.wait(ahead)
    producer.flush()
    producer.close()
    log.info("simulator stopped", extra={"sent": sent})
    return 0
