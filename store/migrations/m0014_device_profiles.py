"""Device profiles uploaded on the admin page, every version kept (issue #15).

The packaged files (devices/default/) and a deployment's folder are read from disk; what
an admin uploads lives here, one row per upload, never changed: the file in force under a
name is its newest row."""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "device profiles: uploaded profile files, every version"

TABLE = """
CREATE TABLE device_profile_files (
    id bigserial PRIMARY KEY,
    file_name text NOT NULL CHECK (file_name ~ '^[A-Za-z0-9_.-]{1,80}\\.ya?ml$'),
    body text NOT NULL,
    sha256 text NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_profile_files_name_idx ON device_profile_files (file_name, id);
CREATE TRIGGER device_profile_files_no_change BEFORE UPDATE OR DELETE ON device_profile_files
    FOR EACH ROW EXECUTE FUNCTION alert_events_append_only();
"""

# An upload is an admin change like any other: recorded in admin_events too.
ADMIN_KINDS = """
ALTER TABLE admin_events DROP CONSTRAINT admin_events_object_kind_check;
ALTER TABLE admin_events ADD CONSTRAINT admin_events_object_kind_check
    CHECK (object_kind IN ('user', 'device', 'unit', 'worker', 'rule', 'profile'));
"""


def apply(cur, features: Features) -> None:
    cur.execute(TABLE)
    cur.execute(ADMIN_KINDS)
