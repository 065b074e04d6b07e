"""Devices of the seeded city, their current state, and a sample of their readings."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import numpy as np
from psycopg2.extras import execute_values

from sim.kinds import TYPES
from sim.seed.grid import Cells
from store import features, partitions, rollups

# Of all devices: most report normally, a few are alarming, some have gone quiet.
STATUS_SHARES = {"normal": 0.90, "alarm": 0.04, "offline": 0.06}
READING_STEP = timedelta(minutes=10)
READING_HOURS = 48


def write(conn, cells: Cells, rng: np.random.Generator, count: int,
          now: datetime) -> list[tuple[str, str]]:
    """Registers `count` devices with a state each; returns (device_id, first metric)."""
    shares = np.array([t.share for t in TYPES])
    kinds = rng.choice(len(TYPES), size=count, p=shares / shares.sum())
    where = rng.integers(0, len(cells), count)
    lon, lat = cells.points(rng, where)
    statuses = rng.choice(list(STATUS_SHARES), size=count, p=list(STATUS_SHARES.values()))
    devices, states, placed = [], [], []
    for i in range(count):
        kind, cell = TYPES[kinds[i]], where[i]
        device_id = f"{kind.prefix}-s{i:06d}"
        devices.append((device_id, kind.kind, f"{kind.label_zh} {i:06d}", float(lon[i]),
                        float(lat[i]), cells.codes[cell], cells.community[cell],
                        cells.street[cell], cells.district[cell]))
        quiet = timedelta(hours=3) if statuses[i] == "offline" else timedelta(seconds=30)
        states.append((device_id, now - quiet, statuses[i]))
        placed.append((device_id, kind.metrics[0]))
    with conn.cursor() as cur:
        execute_values(cur, "INSERT INTO devices (device_id, kind, name, lon, lat, grid_code, "
                            "community_code, street_code, district_code) VALUES %s "
                            "ON CONFLICT DO NOTHING", devices, page_size=5000)
        execute_values(cur, "INSERT INTO device_state (device_id, last_ts, status) VALUES %s "
                            "ON CONFLICT (device_id) DO UPDATE SET last_ts = EXCLUDED.last_ts, "
                            "status = EXCLUDED.status", states, page_size=5000)
    return placed


def write_readings(conn, placed: list[tuple[str, str]], rng: np.random.Generator,
                   now: datetime) -> int:
    """Every READING_STEP over the last two days for each given device: a daily wave."""
    if not placed:
        return 0
    steps = int(timedelta(hours=READING_HOURS) / READING_STEP)
    start = now - READING_STEP * steps
    partitions_needed = features.current(conn)
    if not partitions_needed.timescale:
        partitions.ensure_days(conn, start.date() - timedelta(days=1), now.date())
    buffer = io.StringIO()
    for device_id, metric in placed:
        base, swing = rng.uniform(10, 100), rng.uniform(1, 10)
        for step in range(steps):
            at = start + READING_STEP * step
            value = base + swing * np.sin(2 * np.pi * at.hour / 24) + rng.normal(0, swing / 5)
            buffer.write(f"{at.isoformat()}\t{device_id}\t{metric}\t{value:.3f}\n")
    buffer.seek(0)
    with conn.cursor() as cur:
        cur.copy_expert("COPY readings (ts, device_id, metric, value) FROM STDIN", buffer)
        rollups.mark_dirty(cur, start)
    rollups.refresh(conn, partitions_needed)
    return steps * len(placed)
