"""Writing readings: batched COPY into a staging table, then an idempotent insert.

The staging step is what makes replays harmless: rows already stored (same device,
metric and instant) are skipped by the primary key, so a batch written twice after a
crash leaves the table as if it had been written once.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import psycopg2.extensions

from store import partitions, rollups
from store.features import Features

STAGE = """
CREATE TEMP TABLE IF NOT EXISTS readings_stage (
    ts timestamptz NOT NULL, device_id text NOT NULL, metric text NOT NULL,
    value double precision NOT NULL
) ON COMMIT DELETE ROWS
"""

INSERT_FROM_STAGE = """
INSERT INTO readings (ts, device_id, metric, value)
SELECT ts, device_id, metric, value FROM readings_stage
ON CONFLICT DO NOTHING
"""

# Latest value per metric per device; older rows never overwrite newer state.
UPSERT_STATE = """
INSERT INTO device_state (device_id, last_ts, last_values, updated_at)
SELECT device_id, max(ts), jsonb_object_agg(metric, value), now()
FROM (SELECT DISTINCT ON (device_id, metric) device_id, metric, ts, value
      FROM readings_stage ORDER BY device_id, metric, ts DESC) latest
GROUP BY device_id
ON CONFLICT (device_id) DO UPDATE SET
    last_ts = greatest(device_state.last_ts, EXCLUDED.last_ts),
    last_values = CASE WHEN EXCLUDED.last_ts >= device_state.last_ts
                       THEN device_state.last_values || EXCLUDED.last_values
                       ELSE EXCLUDED.last_values || device_state.last_values END,
    updated_at = now()
"""


@dataclass(frozen=True)
class Reading:
    ts: datetime
    device_id: str
    metric: str
    value: float


def _copy_text(rows: Sequence[Reading]) -> io.StringIO:
    # Device ids and metric names are validated upstream to contain no tabs,
    # newlines or backslashes, so the COPY text format needs no escaping here.
    buf = io.StringIO()
    buf.writelines(f"{r.ts.isoformat()}\t{r.device_id}\t{r.metric}\t{r.value!r}\n" for r in rows)
    buf.seek(0)
    return buf


class ReadingWriter:
    """Writes batches of readings in one transaction each; the caller commits Kafka after."""

    def __init__(self, conn: psycopg2.extensions.connection, features: Features) -> None:
        self.conn = conn
        self.features = features
        self._days: set[date] | None = None

    def _ensure_partitions(self, rows: Sequence[Reading]) -> None:
        if self.features.timescale:
            return
        if self._days is None:
            self._days = partitions.existing_days(self.conn)
        first = min(r.ts for r in rows).astimezone(UTC).date()
        last = max(r.ts for r in rows).astimezone(UTC).date()
        if any(d not in self._days for d in _days_between(first, last)):
            self._days = partitions.ensure_days(self.conn, first, last)

    def write(self, rows: Sequence[Reading]) -> int:
        """Store a batch; returns how many rows were new. Commits the transaction."""
        if not rows:
            return 0
        try:
            with self.conn.cursor() as cur:
                self._ensure_partitions(rows)
                cur.execute(STAGE)
                cur.copy_expert("COPY readings_stage (ts, device_id, metric, value) "
                                "FROM STDIN", _copy_text(rows))
                cur.execute(INSERT_FROM_STAGE)
                inserted = cur.rowcount
                cur.execute(UPSERT_STATE)
                if not self.features.timescale:
                    rollups.mark_dirty(cur, min(r.ts for r in rows))
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            self._days = None
            raise
        return inserted


def _days_between(first: date, last: date) -> list[date]:
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
