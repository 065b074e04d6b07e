"""The latest values of each device, kept by ingest in `device_state`.

Updating a device's row for every message costs the database about three times what
storing the message's readings does, and during catch-up a device appears in many
batches a second. So ingest keeps the newest values in memory and writes them at most
every `flush_seconds`, inside the same transaction as a batch of readings. A crash can
leave a device's row up to that long behind its readings; `repair()` at start-up brings
it level from the readings themselves.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import psycopg2.extensions

UPSERT = """
INSERT INTO device_state (device_id, last_ts, last_values, updated_at)
SELECT device_id, last_ts, last_values::jsonb, now()
FROM unnest(%s::text[], %s::timestamptz[], %s::text[]) AS latest(device_id, last_ts, last_values)
ON CONFLICT (device_id) DO UPDATE SET
    last_ts = greatest(device_state.last_ts, EXCLUDED.last_ts),
    last_values = CASE WHEN EXCLUDED.last_ts >= device_state.last_ts
                       THEN device_state.last_values || EXCLUDED.last_values
                       ELSE EXCLUDED.last_values || device_state.last_values END,
    updated_at = now()
"""

REPAIR = """
INSERT INTO device_state (device_id, last_ts, last_values, updated_at)
SELECT device_id, max(ts), jsonb_object_agg(metric, value), now()
FROM (SELECT DISTINCT ON (device_id, metric) device_id, metric, ts, value
      FROM readings WHERE ts > now() - make_interval(mins => %s)
      ORDER BY device_id, metric, ts DESC) latest
GROUP BY device_id
ON CONFLICT (device_id) DO UPDATE SET
    last_ts = EXCLUDED.last_ts,
    last_values = device_state.last_values || EXCLUDED.last_values,
    updated_at = now()
WHERE EXCLUDED.last_ts > device_state.last_ts
"""


class DeviceStateBuffer:
    def __init__(self, flush_seconds: float) -> None:
        self.flush_seconds = flush_seconds
        self.latest: dict[tuple[str, str], tuple] = {}
        self.flushed_at = time.monotonic()

    def add(self, rows: Sequence) -> None:
        latest = self.latest
        for ts, device_id, metric, value in rows:
            seen = latest.get((device_id, metric))
            if seen is None or ts >= seen[0]:
                latest[(device_id, metric)] = (ts, value)

    def forget(self, rows: Sequence) -> None:
        """Drop the rows' devices and metrics: their batch was not stored. (An older value
        of the same metric, buffered from a stored batch, goes too; the next reading or
        `repair()` brings it back. Keeping a refused row would refuse every later batch.)"""
        for _, device_id, metric, _ in rows:
            self.latest.pop((device_id, metric), None)

    def due(self) -> bool:
        return bool(self.latest) and time.monotonic() - self.flushed_at >= self.flush_seconds

    def write(self, cur) -> None:
        """Upsert what is buffered, in the caller's transaction; `clear()` after it commits."""
        devices: dict[str, list] = {}
        for (device_id, metric), (ts, value) in self.latest.items():
            entry = devices.setdefault(device_id, [ts, {}])
            if ts > entry[0]:
                entry[0] = ts
            entry[1][metric] = value
        ids = list(devices)
        cur.execute(UPSERT, (ids, [devices[d][0] for d in ids],
                             [json.dumps(devices[d][1]) for d in ids]))

    def clear(self) -> None:
        self.latest = {}
        self.flushed_at = time.monotonic()


def repair(conn: psycopg2.extensions.connection, minutes: int = 15) -> int:
    """Bring device_state level with the readings of the last `minutes`; returns rows fixed."""
    with conn.cursor() as cur:
        cur.execute(REPAIR, (minutes,))
        fixed = cur.rowcount
    conn.commit()
    return fixed
