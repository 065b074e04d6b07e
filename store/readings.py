"""Writing readings: one COPY per batch, idempotent by the primary key.

The fast path copies straight into `readings`. If any row is already there (a replay
after a crash, or the same message twice in a batch) the key refuses the COPY; the
batch then goes through a staging table and `INSERT ... ON CONFLICT DO NOTHING`, so a
batch written twice leaves the table as if it had been written once.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import NamedTuple

import psycopg2
import psycopg2.errors
import psycopg2.extensions

from store import partitions, rollups
from store.device_state import DeviceStateBuffer
from store.features import Features

STAGE = """
CREATE TEMP TABLE IF NOT EXISTS readings_stage (
    ts timestamptz NOT NULL, device_id text NOT NULL, metric text NOT NULL,
    value double precision NOT NULL
) ON COMMIT DELETE ROWS
"""

COPY_DIRECT = "COPY readings (ts, device_id, metric, value) FROM STDIN"
COPY_STAGE = "COPY readings_stage (ts, device_id, metric, value) FROM STDIN"

INSERT_FROM_STAGE = """
INSERT INTO readings (ts, device_id, metric, value)
SELECT ts, device_id, metric, value FROM readings_stage
ON CONFLICT DO NOTHING
"""

class Reading(NamedTuple):
    """One value of one metric of one device at one instant (a tuple: ingest makes millions)."""

    ts: datetime
    device_id: str
    metric: str
    value: float


def _copy_text(rows: Sequence[Reading]) -> io.StringIO:
    # Device ids and metric names are validated upstream to contain no tabs,
    # newlines or backslashes, so the COPY text format needs no escaping here.
    buf = io.StringIO()
    last_ts, stamp = None, ""
    lines = []
    for ts, device_id, metric, value in rows:
        if ts is not last_ts:  # a message's values share one instant: format it once
            last_ts, stamp = ts, ts.isoformat()
        lines.append(f"{stamp}\t{device_id}\t{metric}\t{value!r}\n")
    buf.writelines(lines)
    buf.seek(0)
    return buf


class ReadingWriter:
    """Writes batches of readings in one transaction each; the caller commits Kafka after."""

    def __init__(self, conn: psycopg2.extensions.connection, features: Features,
                 state_seconds: float = 1.0) -> None:
        self.conn = conn
        self.features = features
        self.state = DeviceStateBuffer(state_seconds)
        self._days: set[date] | None = None

    def _ensure_partitions(self, rows: Sequence[Reading], oldest: datetime,
                           newest: datetime) -> None:
        if self._days is None:
            self._days = partitions.existing_days(self.conn)
        first = oldest.astimezone(UTC).date()
        last = newest.astimezone(UTC).date()
        if (last - first).days <= 2:  # the usual batch: today, maybe yesterday
            wanted = _days_between(first, last)
        else:  # a late reading among today's: only its day, not every day between
            wanted = sorted({r.ts.astimezone(UTC).date() for r in rows})
        if any(d not in self._days for d in wanted):
            self._days = partitions.ensure_each(self.conn, wanted, self._days)

    def write(self, rows: Sequence[Reading], sync_state: bool = False) -> int:
        """Store a batch; returns how many rows were new. Commits the transaction.

        The devices' latest values go along when they are due, or when `sync_state`.
        """
        if not rows and not (sync_state and self.state.latest):
            return 0
        self.state.add(rows)
        with_state = sync_state or self.state.due()
        try:
            with self.conn.cursor() as cur:
                inserted = 0
                if rows:
                    # The oldest instant serves twice: partitions to create, rollups gone stale.
                    oldest = min(r.ts for r in rows)
                    if not self.features.timescale:  # TimescaleDB makes its own chunks
                        self._ensure_partitions(rows, oldest, max(r.ts for r in rows))
                    inserted = self._copy(cur, rows)
                    rollups.mark_dirty(cur, oldest)
                if with_state:
                    self.state.write(cur)
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            self._days = None
            self.state.forget(rows)
            raise
        if with_state:
            self.state.clear()
        return inserted

    def finish(self) -> None:
        """Write whatever device state is still buffered (before a stop or a rebalance)."""
        self.write([], sync_state=True)

    def _copy(self, cur, rows: Sequence[Reading]) -> int:
        cur.execute("SAVEPOINT direct_copy")
        try:
            cur.copy_expert(COPY_DIRECT, _copy_text(rows))
            cur.execute("RELEASE SAVEPOINT direct_copy")
            return len(rows)
        except psycopg2.errors.UniqueViolation:
            cur.execute("ROLLBACK TO SAVEPOINT direct_copy")
        cur.execute(STAGE)
        cur.copy_expert(COPY_STAGE, _copy_text(rows))
        cur.execute(INSERT_FROM_STAGE)
        return cur.rowcount


def _days_between(first: date, last: date) -> list[date]:
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
