"""`rollup_state` on both storage paths, so writers mark late rows the same way everywhere.

On TimescaleDB the continuous aggregates' policies refresh only a recent window; rows
written older than that (a backfill, a seeded history, a device that was offline for a
day) are refreshed by `store.rollups.refresh` from `rollup_state.dirty_from`, as the plain
path's rollup tables are.
"""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "rollup state on every storage path"

ROLLUP_STATE = """
CREATE TABLE IF NOT EXISTS rollup_state (
    name text PRIMARY KEY,
    dirty_from timestamptz NOT NULL
);
INSERT INTO rollup_state VALUES ('readings', '-infinity') ON CONFLICT DO NOTHING;
"""


def apply(cur, features: Features) -> None:
    cur.execute(ROLLUP_STATE)
