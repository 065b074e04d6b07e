"""Data sharing (issue #16): API keys for other systems, and the log of every read.

A key belongs to a client (a district's own platform, the 12345 system), names the
datasets, areas and categories it may read, whether citizens' details come unmasked, and
when it expires. Only the secret's SHA-256 is kept. Every request made with a key, or
refused for lack of one, is a row of `share_access_log`, which nobody may change.
"""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "sharing: API keys with scopes and expiry, the access log"

TABLES = """
CREATE TABLE share_keys (
    key_id text PRIMARY KEY,
    secret_hash text NOT NULL,
    client text NOT NULL,
    datasets text[] NOT NULL,
    areas text[] NOT NULL CHECK (cardinality(areas) > 0),
    categories text[] NOT NULL DEFAULT '{}',   -- empty: every category
    pii boolean NOT NULL DEFAULT false,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE share_access_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    key_id text,            -- NULL: no key, or one that is not ours
    client text,
    route text NOT NULL,
    dataset text,
    params jsonb NOT NULL DEFAULT '{}',
    rows integer,
    status integer NOT NULL,
    remote text
);
CREATE INDEX share_access_log_at_idx ON share_access_log (at);
CREATE INDEX share_access_log_client_idx ON share_access_log (client, at);
CREATE TRIGGER share_access_log_no_change BEFORE UPDATE OR DELETE ON share_access_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER share_access_log_no_truncate BEFORE TRUNCATE ON share_access_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""

ADMIN_KINDS = """
ALTER TABLE admin_events DROP CONSTRAINT admin_events_object_kind_check;
ALTER TABLE admin_events ADD CONSTRAINT admin_events_object_kind_check
    CHECK (object_kind IN ('user', 'device', 'unit', 'worker', 'rule', 'profile',
                           'responsibility', 'api_key'));
"""


def apply(cur, features: Features) -> None:
    cur.execute(TABLES)
    cur.execute(ADMIN_KINDS)
