"""One case per problem: every source a case gathered, silences, and inhibiting cases."""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "grouping: case sources, silences, inhibiting cases"

GROUPING = """
-- Every report a case is made of: the rule fire or incident that opened it, and each one
-- merged into it later. source_key is the rule fingerprint or 'source:source_id'.
CREATE TABLE case_sources (
    id bigserial PRIMARY KEY,
    alert_id bigint NOT NULL REFERENCES alerts (id),
    source_kind text NOT NULL CHECK (source_kind IN ('rule', 'incident')),
    source_key text NOT NULL,
    at timestamptz NOT NULL,
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_sources_alert_idx ON case_sources (alert_id);
CREATE INDEX case_sources_key_idx ON case_sources (source_key);

-- Silences and maintenance windows: a fire that matches an active one opens no case.
CREATE TABLE silences (
    id bigserial PRIMARY KEY,
    matchers jsonb NOT NULL CHECK (jsonb_typeof(matchers) = 'object' AND matchers <> '{}'),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    comment text NOT NULL DEFAULT '',
    CHECK (ends_at >= starts_at)   -- equal: expired before it began
);
CREATE INDEX silences_ends_idx ON silences (ends_at);

-- The inhibits spec of the rule that opened a case, copied when it opened, so a reload
-- does not change what an open case mutes.
ALTER TABLE alerts ADD COLUMN inhibits jsonb;
CREATE INDEX alerts_inhibiting_idx ON alerts (id)
    WHERE inhibits IS NOT NULL AND state NOT IN ('closed', 'rejected', 'resolved');
-- Merge candidates: open cases of a category, newest first.
CREATE INDEX alerts_open_category_idx ON alerts (category, last_seen_at)
    WHERE state NOT IN ('closed', 'rejected', 'resolved');
"""


def apply(cur, features: Features) -> None:
    cur.execute(GROUPING)
