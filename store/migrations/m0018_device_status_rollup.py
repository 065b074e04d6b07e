"""Devices counted by status per street, kept by the health sweep (issue #17).

A wall at city scale asked, every five seconds per screen, how many of 100,000 devices
are online and how many in each district are in alarm or offline: a join of every device
to its state, 35–45 ms each time. The health sweep, which alone sets statuses and reads
every device anyway, now writes these counts in its own transaction
(store/device_health.py); screens sum a few hundred rows (store/status_rollup.py).

Rows are per street, and per status ('none': registered, never reported) and whether the
device is placed (has coordinates). A device missing its district or street code keeps
its finer codes here, so identity.scope's area rule reads this table as it reads devices.
"""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "device status counts per street, written by the health sweep"

SQL = """
CREATE TABLE device_status_rollup (
    district_code text,
    street_code text,
    community_code text,   -- only when district_code or street_code is missing
    grid_code text,        -- the same
    placed boolean NOT NULL,
    status text NOT NULL CHECK (status IN ('normal', 'alarm', 'offline', 'none')),
    n integer NOT NULL
);
CREATE INDEX device_status_rollup_district_idx ON device_status_rollup (district_code);
-- One row: when the sweep last wrote the counts (screens fall back to counting devices
-- when it is old: no health service running).
CREATE TABLE device_status_rollup_at (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    at timestamptz NOT NULL
);
"""


def apply(cur, features: Features) -> None:
    cur.execute(SQL)
