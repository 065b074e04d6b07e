"""The case flow of alerts/: who handled a case, whether it may auto-resolve, caller ratings."""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "case flow: handler, auto-resolve, states, caller ratings"

# The state codes of alerts/cases/states.py as they were when this migration was written.
CASE_FLOW = """
ALTER TABLE alerts
    ADD COLUMN handled_by text,
    ADD COLUMN auto_resolve boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT alerts_state_known CHECK (state IN (
        'new', 'confirmed', 'rejected', 'dispatched', 'in_progress', 'handled', 'closed',
        'returned', 'extended', 'parked', 'resolved'));

-- Every rating a caller gives a closed hotline case; the satisfaction KPI counts these.
CREATE TABLE case_ratings (
    id bigserial PRIMARY KEY,
    alert_id bigint NOT NULL REFERENCES alerts (id),
    rating text NOT NULL CHECK (rating IN ('satisfied', 'fairly_satisfied', 'dissatisfied')),
    actor text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    event_id bigint NOT NULL REFERENCES alert_events (id)
);
CREATE INDEX case_ratings_at_idx ON case_ratings (at);
CREATE INDEX case_ratings_alert_idx ON case_ratings (alert_id);
"""


def apply(cur, features: Features) -> None:
    cur.execute(CASE_FLOW)
