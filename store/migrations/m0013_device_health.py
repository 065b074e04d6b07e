"""Device health from the data (issue #15): when a device's status last changed, every
change with its time and reason, and the index that finds a device's open sensor case.

`device_state.status` is set by one owner, the health sweep (devices/health.py through
store/device_health.py); ingest's upsert never touches it."""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "device health: status changes, status_since, open cases by device"

SQL = """
-- A device first stored starts `normal` (it has just reported) as of that moment.
ALTER TABLE device_state ADD COLUMN status_since timestamptz NOT NULL DEFAULT now();

CREATE TABLE device_status_changes (
    id bigserial PRIMARY KEY,
    device_id text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    from_status text,
    to_status text NOT NULL CHECK (to_status IN ('normal', 'alarm', 'offline')),
    reason text NOT NULL
);
CREATE INDEX device_status_changes_device_idx ON device_status_changes (device_id, at);
CREATE INDEX device_status_changes_at_idx ON device_status_changes (at);

-- The sweep asks which devices have an open case a rule raised from them.
CREATE INDEX alerts_open_device_idx ON alerts ((labels->>'device'))
    WHERE state NOT IN ('closed', 'rejected', 'resolved') AND labels ? 'device';
"""


def apply(cur, features: Features) -> None:
    cur.execute(SQL)
