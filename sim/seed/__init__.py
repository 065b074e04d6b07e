"""A city already running: people, devices, readings, incidents and cases written straight
into the store, for the dashboard's demo, its browser tests and bench/dashboard.py.

The simulator (sim/run.py) streams a city through Kafka as it happens; a wall screen
needs a day of history at once, so this writes one directly, with the same device types,
incident categories and names, and cases whose timelines follow the case flow.
Deterministic for a seed and a `now`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from sim.seed import cases, devices, incidents, people
from sim.seed.grid import read_cells


@dataclass(frozen=True)
class SeedReport:
    devices: int
    readings: int
    incidents: int
    open_cases: int
    closed_cases: int
    workers: int
    users: dict[str, str] = field(default_factory=dict)
    password: str = ""


def seed_city(conn, *, devices_count: int = 2000, open_cases: int = 200,
              incidents_24h: int = 5000, readings_devices: int = 100, seed: int = 1,
              now: datetime | None = None,
              password: str = people.DEMO_PASSWORD) -> SeedReport:
    """Fill a store whose areas are written (geo) with a running city; commits."""
    now = now or datetime.now(UTC)
    rng = np.random.default_rng(seed)
    cells = read_cells(conn)
    staff = people.write(conn, cells, rng, password)
    placed = devices.write(conn, cells, rng, devices_count, now)
    readings = devices.write_readings(conn, placed[:readings_devices], rng, now)
    reports = incidents.write(conn, cells, rng, incidents_24h, now)
    opened, closed = cases.write(conn, cells, staff, reports, rng, open_cases, now)
    conn.commit()
    return SeedReport(devices=len(placed), readings=readings, incidents=len(reports),
                      open_cases=opened, closed_cases=closed, workers=len(staff.workers),
                      users=staff.users, password=password)
