"""Where each device is and what it is, from the `devices` table, cached in memory.

Readings carry only a device id; rules need its kind, type and grid. The whole registry
is read once at start; a device first seen later is looked up once, and an unknown one
is remembered as unknown for a while so a stranger cannot make us query per message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg2

from alerts.evaluate import Areas

log = logging.getLogger("cityops.alerts")

SELECT = """
SELECT device_id, kind, meta->>'type', lon, lat,
       grid_code, community_code, street_code, district_code
FROM devices
"""


@dataclass(frozen=True)
class Place:
    kind: str
    device_type: str | None
    lon: float | None
    lat: float | None
    areas: Areas


class DevicePlaces:
    def __init__(self, connect: Callable, negative_seconds: float = 60,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.connect = connect
        self.conn = None
        self.negative_seconds = negative_seconds
        self.clock = clock
        self.known: dict[str, Place] = dict(self._read("", ()))
        self.unknown_until: dict[str, float] = {}

    def get(self, device_id: str) -> Place | None:
        place = self.known.get(device_id)
        if place is not None:
            return place
        if self.unknown_until.get(device_id, 0) > self.clock():
            return None
        found = dict(self._read(" WHERE device_id = %s", (device_id,)))
        if device_id in found:
            self.known[device_id] = found[device_id]
            return found[device_id]
        self.unknown_until[device_id] = self.clock() + self.negative_seconds
        return None

    def _read(self, where: str, params: tuple) -> list[tuple[str, Place]]:
        """Waits for the database rather than failing: a skipped reading would be lost."""
        delay = 0.5
        while True:
            try:
                if self.conn is None or self.conn.closed:
                    self.conn = self.connect()
                with self.conn.cursor() as cur:
                    cur.execute(SELECT + where, params)
                    rows = cur.fetchall()
                self.conn.rollback()
                break
            except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
                log.warning("database unavailable during a device lookup; retrying",
                            extra={"error": str(exc).splitlines()[0]})
                self.conn = None
                time.sleep(delay)
                delay = min(delay * 2, 15)
        return [(r[0], Place(r[1], r[2], r[3], r[4], Areas(*r[5:9]))) for r in rows]
