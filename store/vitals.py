"""City vital signs read from the store for the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2.extensions


@dataclass(frozen=True)
class Vitals:
    devices_reporting: int
    readings_last_minute: int


def current_vitals(conn: psycopg2.extensions.connection) -> Vitals:
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM device_state WHERE last_ts > now() - interval '5 min'")
        devices = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM readings WHERE ts > now() - interval '1 minute'")
        readings = cur.fetchone()[0]
    conn.rollback()
    return Vitals(devices, readings)
