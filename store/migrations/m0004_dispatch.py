"""Dispatch of alerts/dispatch: responsible units of areas, and one row per dispatch sent."""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "dispatch: responsible units, dispatches with their delivery state"

DISPATCH = """
-- A responsible unit (责任单位): a grid team, a community office, a street's 城管中队 ...
CREATE TABLE units (
    unit_code text PRIMARY KEY,
    name text NOT NULL,
    phone text
);

-- Each area (a grid cell, a community, a street ...) has at most one responsible unit; a
-- unit may answer for many areas. Workers belong to a unit through workers.unit_code.
CREATE TABLE unit_areas (
    area_code text PRIMARY KEY REFERENCES areas (code),
    unit_code text NOT NULL REFERENCES units (unit_code)
);
CREATE INDEX unit_areas_unit_idx ON unit_areas (unit_code);
CREATE INDEX workers_unit_idx ON workers (unit_code);

-- One row per dispatch; body is the exact JSON sent to Kafka and signed for the webhook.
CREATE TABLE dispatches (
    id bigserial PRIMARY KEY,
    delivery_id uuid NOT NULL UNIQUE,
    alert_id bigint NOT NULL REFERENCES alerts (id),
    worker_id text NOT NULL REFERENCES workers (worker_id),
    tier text NOT NULL CHECK (tier IN ('grid', 'community', 'street', 'district', 'city')),
    area_code text,
    actor text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    body text NOT NULL,
    published_at timestamptz,
    webhook_status text CHECK (webhook_status IN ('delivered', 'failed')),
    webhook_attempts integer NOT NULL DEFAULT 0,
    webhook_http_status integer,
    webhook_error text,
    webhook_at timestamptz
);
CREATE INDEX dispatches_alert_idx ON dispatches (alert_id, at);
CREATE INDEX dispatches_unpublished_idx ON dispatches (id) WHERE published_at IS NULL;

-- Open tasks per worker are counted at every dispatch.
CREATE INDEX alerts_assignee_idx ON alerts (assignee_worker_id, state)
    WHERE assignee_worker_id IS NOT NULL;
"""


def apply(cur, features: Features) -> None:
    cur.execute(DISPATCH)
