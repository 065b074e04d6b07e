"""A small live city for the wall's tests: the two real districts of the demo city (黄浦
310101, 静安 310106) with devices, incidents of the last two days, open and closed cases
and workers on duty, all placed in real grid cells. Deterministic for a seed and `now`."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import shapely

from geo.store import write_areas

HUANGPU, JINGAN = "310101", "310106"
STATUSES = ("normal", "normal", "normal", "normal", "alarm", "offline")
SEVERITIES = ("info", "minor", "major", "critical")
SOURCES = ("hotline", "patrol", "sensor", "other")


@dataclass(frozen=True)
class Cell:
    code: str
    community: str
    street: str
    district: str
    lon: float
    lat: float


def cells(areas) -> list[Cell]:
    grid = areas[areas["level"] == "grid"]
    points = shapely.point_on_surface(grid.geometry.values)
    return [Cell(row.code, row.community_code, row.street_code, row.district_code,
                 float(p.x), float(p.y))
            for row, p in zip(grid.itertuples(), points, strict=True)]


def populate(conn, areas, now: datetime, *, devices: int = 300, incidents: int = 800,
             open_cases: int = 60, closed_cases: int = 20, workers: int = 30,
             seed: int = 7) -> list[Cell]:
    """Write the world and commit; returns the grid cells used."""
    rng = random.Random(seed)
    write_areas(conn, areas)
    grid = cells(areas)
    with conn.cursor() as cur:
        _devices(cur, rng, grid, devices, now)
        _incidents(cur, rng, grid, incidents, now)
        _workers(cur, rng, grid, workers)
        _cases(cur, rng, grid, open_cases, closed_cases, now)
    conn.commit()
    return grid


def _codes(cell: Cell) -> tuple:
    return cell.code, cell.community, cell.street, cell.district


def _devices(cur, rng, grid, n, now) -> None:
    for k in range(n):
        cell = rng.choice(grid)
        device = f"wall-dev-{k:05d}"
        cur.execute("INSERT INTO devices (device_id, kind, lon, lat, grid_code, community_code,"
                    " street_code, district_code) VALUES (%s, 'streetlight', %s, %s, %s, %s,"
                    " %s, %s)", (device, cell.lon, cell.lat, *_codes(cell)))
        cur.execute("INSERT INTO device_state (device_id, last_ts, status) VALUES (%s, %s, %s)",
                    (device, now - timedelta(minutes=1), STATUSES[k % len(STATUSES)]))


def _incidents(cur, rng, grid, n, now) -> None:
    for k in range(n):
        cell = rng.choice(grid)
        at = now - timedelta(seconds=rng.uniform(0, 48 * 3600))
        cur.execute("INSERT INTO incidents (source, source_id, category, lon, lat, grid_code,"
                    " community_code, street_code, district_code, reported_at, reporter_name,"
                    " reporter_phone) VALUES (%s, %s, '暴露垃圾', %s, %s, %s, %s, %s, %s, %s,"
                    " '王小明', '13812345678')",
                    (SOURCES[k % 4], f"wall-{k}", cell.lon, cell.lat, *_codes(cell), at))


def _workers(cur, rng, grid, n) -> None:
    for k in range(n):
        cell = rng.choice(grid)
        schedule = ["00:00-24:00"] if k % 3 else []  # a third are off duty
        cur.execute("INSERT INTO workers (worker_id, name, grid_code, lon, lat, schedule)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    (f"wall-w{k:03d}", f"网格员{k}", cell.code, cell.lon, cell.lat,
                     json.dumps(schedule)))


def add_case(cur, cell: Cell, opened: datetime, *, severity: str = "minor",
             state: str = "new", closed: datetime | None = None,
             due: datetime | None = None, dispatched: datetime | None = None,
             escalated: bool = False, title: str = "暴露垃圾") -> int:
    cur.execute(
        "INSERT INTO alerts (fingerprint, kind, title, category, severity, state, lon, lat,"
        " grid_code, community_code, street_code, district_code, opened_at, closed_at, due_at)"
        " VALUES (%s, 'incident', %s, '暴露垃圾', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " RETURNING id",
        (f"wall-{cell.code}-{opened.isoformat()}-{severity}-{state}", title, severity, state,
         cell.lon, cell.lat, *_codes(cell), opened, closed, due))
    case_id = cur.fetchone()[0]
    if dispatched is not None:
        cur.execute("INSERT INTO alert_events (alert_id, at, actor, action, from_state,"
                    " to_state) VALUES (%s, %s, 'test', 'dispatch', 'confirmed', 'dispatched')",
                    (case_id, dispatched))
    if escalated:
        cur.execute("INSERT INTO alert_events (alert_id, at, actor, action) VALUES"
                    " (%s, %s, 'escalate', 'escalate')", (case_id, opened))
    return case_id


def _cases(cur, rng, grid, n_open, n_closed, now) -> None:
    for k in range(n_open):
        opened = now - timedelta(minutes=rng.uniform(5, 600))
        add_case(cur, rng.choice(grid), opened, severity=SEVERITIES[k % 4],
                 state="dispatched", dispatched=opened + timedelta(minutes=10),
                 due=now - timedelta(minutes=30) if k % 5 == 0 else now + timedelta(hours=2),
                 title=f"案件{k}")
    for k in range(n_closed):
        opened = now - timedelta(hours=rng.uniform(3, 20))
        add_case(cur, rng.choice(grid), opened, state="closed",
                 closed=opened + timedelta(hours=2), dispatched=opened + timedelta(minutes=20),
                 escalated=k % 4 == 0, title=f"已结{k}")
