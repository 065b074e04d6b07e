"""Device status from the data, in one set-based statement (`device_state.status`,
`device_status_changes`; migration m0013).

- offline: the device's newest reading is older than its kind's offline-after, measured
  from the reference time below;
- alarm: a case a rule raised from the device (labels.device), or one its rule fire was
  merged into (case_sources), is open;
- normal: otherwise. Offline beats alarm: a silent device's readings say nothing.

The reference time is the newest reading any device has sent, but never later than the
database's clock: least(now(), max(last_ts)). While ingest is behind (a restart, a broker
outage, catch-up after one) the readings' own time lags with it, so no device looks silent
because ingest was; a lone device whose clock runs ahead is held back by now(). If every
device falls silent at once, the reference stops with them and nothing is marked offline:
the wall's data-freshness says that, not 100,000 offline devices.

Concurrent sweeps are safe: the UPDATE re-checks `status IS DISTINCT FROM` on the row it
locks, so a change is made, and recorded, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import psycopg2.extensions

SWEEP = """
WITH ref AS (
    SELECT least(now(), max(last_ts)) AS at FROM device_state
), kinds AS (
    SELECT * FROM unnest(%(kinds)s::text[], %(offline)s::float8[]) AS k(kind, offline_s)
), open_cases AS (
    SELECT id, labels FROM alerts WHERE state NOT IN ('closed', 'rejected', 'resolved')
), alarmed AS (
    -- the device a case was raised from, or a device whose rule fire was merged into it
    SELECT labels->>'device' AS device_id FROM open_cases WHERE labels ? 'device'
    UNION
    SELECT cs.details->>'device' FROM case_sources cs JOIN open_cases o ON o.id = cs.alert_id
    WHERE cs.source_kind = 'rule' AND cs.details ? 'device'
), wanted AS (
    SELECT s.device_id, s.status AS old,
           CASE WHEN s.last_ts < ref.at - make_interval(
                         secs => coalesce(k.offline_s, %(default_s)s)) THEN 'offline'
                WHEN a.device_id IS NOT NULL THEN 'alarm'
                ELSE 'normal' END AS new
    FROM device_state s
    CROSS JOIN ref
    LEFT JOIN devices d ON d.device_id = s.device_id
    LEFT JOIN kinds k ON k.kind = d.kind
    LEFT JOIN alarmed a ON a.device_id = s.device_id
), changed AS (
    UPDATE device_state s SET status = w.new, status_since = now()
    FROM wanted w
    WHERE s.device_id = w.device_id AND s.status IS DISTINCT FROM w.new
    RETURNING s.device_id, w.old, w.new
)
INSERT INTO device_status_changes (device_id, from_status, to_status, reason)
SELECT device_id, old, new,
       CASE WHEN new = 'offline' THEN 'silent'
            WHEN new = 'alarm' THEN 'case_open'
            WHEN old = 'offline' THEN 'reporting'
            ELSE 'case_closed' END
FROM changed
RETURNING device_id, from_status, to_status, reason
"""

COUNTS = "SELECT status, count(*) FROM device_state GROUP BY status"

# The screens' counts per street (store/status_rollup.py), rewritten after every sweep in
# its transaction: one pass over the devices every sweep instead of one per screen per
# refresh. Finer codes are kept only where a coarser one is missing (migration m0018).
ROLLUP = """
DELETE FROM device_status_rollup;
INSERT INTO device_status_rollup (district_code, street_code, community_code, grid_code,
                                  placed, status, n)
SELECT d.district_code, d.street_code,
       CASE WHEN d.district_code IS NULL OR d.street_code IS NULL THEN d.community_code END,
       CASE WHEN d.district_code IS NULL OR d.street_code IS NULL THEN d.grid_code END,
       d.lon IS NOT NULL AND d.lat IS NOT NULL, coalesce(s.status, 'none'), count(*)
FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id
GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO device_status_rollup_at (only_row, at) VALUES (true, now())
ON CONFLICT (only_row) DO UPDATE SET at = excluded.at;
"""

RECENT = """
SELECT c.device_id, d.kind, c.at, c.from_status, c.to_status, c.reason
FROM device_status_changes c LEFT JOIN devices d ON d.device_id = c.device_id
WHERE (%(device)s::text IS NULL OR c.device_id = %(device)s)
ORDER BY c.id DESC LIMIT %(limit)s
"""

PRUNE = "DELETE FROM device_status_changes WHERE at < now() - make_interval(days => %s)"


@dataclass(frozen=True)
class Change:
    device_id: str
    from_status: str | None
    to_status: str
    reason: str


def sweep(conn: psycopg2.extensions.connection, offline_after: Mapping[str, float],
          default_s: float) -> list[Change]:
    """Set every device's status from its data; the changes made, each recorded."""
    kinds = sorted(offline_after)
    with conn.cursor() as cur:
        cur.execute(SWEEP, {"kinds": kinds, "offline": [offline_after[k] for k in kinds],
                            "default_s": default_s})
        changes = [Change(*row) for row in cur.fetchall()]
        cur.execute(ROLLUP)
    conn.commit()
    return changes


def counts(conn: psycopg2.extensions.connection) -> dict[str, int]:
    with conn.cursor() as cur:
        cur.execute(COUNTS)
        found = dict(cur.fetchall())
    conn.rollback()
    return found


def recent(conn: psycopg2.extensions.connection, device_id: str | None = None,
           limit: int = 20) -> list[tuple[str, str | None, datetime, str | None, str, str]]:
    """The newest changes, of one device if asked: (device, kind, at, from, to, reason)."""
    with conn.cursor() as cur:
        cur.execute(RECENT, {"device": device_id, "limit": limit})
        rows = cur.fetchall()
    conn.rollback()
    return rows


def prune(conn: psycopg2.extensions.connection, days: int) -> int:
    with conn.cursor() as cur:
        cur.execute(PRUNE, (days,))
        gone = cur.rowcount
    conn.commit()
    return gone
