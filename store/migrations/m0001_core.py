"""The core schema of DESIGN.md: geography, devices, readings, incidents, alerts, people."""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "core tables"

GEOGRAPHY = """
CREATE TABLE areas (
    code text PRIMARY KEY,
    level text NOT NULL CHECK (level IN ('city', 'district', 'street', 'community', 'grid')),
    parent_code text REFERENCES areas (code),
    name_zh text NOT NULL,
    name_en text,
    district_code text,
    street_code text,
    community_code text,
    is_generated boolean NOT NULL DEFAULT false,
    source text,
    geom {geom_type},
    properties jsonb NOT NULL DEFAULT '{{}}'
);
CREATE INDEX areas_parent_idx ON areas (parent_code);
CREATE INDEX areas_level_idx ON areas (level);
"""

DEVICES = """
CREATE TABLE devices (
    device_id text PRIMARY KEY,
    kind text NOT NULL,
    name text,
    lon double precision,
    lat double precision,
    grid_code text,
    community_code text,
    street_code text,
    district_code text,
    placed boolean NOT NULL DEFAULT true,
    registered_at timestamptz NOT NULL DEFAULT now(),
    meta jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX devices_grid_idx ON devices (grid_code);
CREATE INDEX devices_district_idx ON devices (district_code);

CREATE TABLE device_state (
    device_id text PRIMARY KEY,
    last_ts timestamptz NOT NULL,
    last_values jsonb NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'normal' CHECK (status IN ('normal', 'alarm', 'offline')),
    updated_at timestamptz NOT NULL DEFAULT now()
);
"""

# Narrow readings: one row per (device, metric, instant); the key makes replays harmless.
READINGS_COLUMNS = """
    ts timestamptz NOT NULL,
    device_id text NOT NULL,
    metric text NOT NULL,
    value double precision NOT NULL,
    PRIMARY KEY (device_id, metric, ts)
"""

READINGS_TIMESCALE = f"""
CREATE TABLE readings ({READINGS_COLUMNS});
SELECT create_hypertable('readings', 'ts', chunk_time_interval => INTERVAL '1 day');
ALTER TABLE readings SET (
    timescaledb.compress,
    timescaledb.compress_segmentby = 'device_id, metric',
    timescaledb.compress_orderby = 'ts DESC'
);
CREATE MATERIALIZED VIEW readings_1m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 minute', ts) AS bucket, device_id, metric,
       count(*) AS n, sum(value) AS sum_value, min(value) AS min_value, max(value) AS max_value
FROM readings GROUP BY 1, device_id, metric
WITH NO DATA;
CREATE MATERIALIZED VIEW readings_1h
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, device_id, metric,
       sum(n)::bigint AS n, sum(sum_value) AS sum_value,
       min(min_value) AS min_value, max(max_value) AS max_value
FROM readings_1m GROUP BY 1, device_id, metric
WITH NO DATA;
-- The newest bucket is left to real-time aggregation (materialized_only = false): a
-- NULL end_offset would push the watermark past now and hide fresh rows until the
-- next refresh.
SELECT add_continuous_aggregate_policy('readings_1m', start_offset => INTERVAL '2 hours',
    end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '30 seconds');
SELECT add_continuous_aggregate_policy('readings_1h', start_offset => INTERVAL '3 days',
    end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '5 minutes');
"""

# Plain PostgreSQL: daily range partitions (store/partitions.py creates them ahead of
# time) and rollup tables with the same names and columns as the continuous aggregates.
READINGS_PLAIN = f"""
CREATE TABLE readings ({READINGS_COLUMNS}) PARTITION BY RANGE (ts);
CREATE INDEX readings_ts_idx ON readings (ts);
CREATE TABLE readings_1m (
    bucket timestamptz NOT NULL, device_id text NOT NULL, metric text NOT NULL,
    n bigint NOT NULL, sum_value double precision NOT NULL,
    min_value double precision NOT NULL, max_value double precision NOT NULL,
    PRIMARY KEY (device_id, metric, bucket)
);
CREATE INDEX readings_1m_bucket_idx ON readings_1m (bucket);
CREATE TABLE readings_1h (LIKE readings_1m INCLUDING ALL);
-- Where the rollups must be recomputed from; ingest lowers it for late rows.
CREATE TABLE rollup_state (
    name text PRIMARY KEY,
    dirty_from timestamptz NOT NULL
);
INSERT INTO rollup_state VALUES ('readings', '-infinity');
"""

INCIDENTS = """
CREATE TABLE incidents (
    id bigserial PRIMARY KEY,
    source text NOT NULL CHECK (source IN ('hotline', 'patrol', 'sensor', 'other')),
    source_id text NOT NULL,
    category text,
    subcategory text,
    description text,
    reporter_name text,
    reporter_phone text,
    address text,
    lon double precision,
    lat double precision,
    location_approx boolean NOT NULL DEFAULT false,
    grid_code text,
    community_code text,
    street_code text,
    district_code text,
    reported_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    payload jsonb NOT NULL DEFAULT '{}',
    UNIQUE (source, source_id)
);
CREATE INDEX incidents_reported_idx ON incidents (reported_at);
CREATE INDEX incidents_grid_idx ON incidents (grid_code, reported_at);
"""

PEOPLE = """
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    username text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('operator', 'manager', 'leader', 'worker', 'admin')),
    area_code text NOT NULL,
    display_name text,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workers (
    worker_id text PRIMARY KEY,
    user_id bigint REFERENCES users (id),
    name text NOT NULL,
    phone text,
    grid_code text,
    tier text NOT NULL DEFAULT 'grid'
        CHECK (tier IN ('grid', 'community', 'street', 'district', 'city')),
    unit_code text,
    lon double precision,
    lat double precision,
    schedule jsonb NOT NULL DEFAULT '[]',
    active boolean NOT NULL DEFAULT true
);
CREATE INDEX workers_grid_idx ON workers (grid_code);
"""

ALERTS = """
CREATE TABLE alerts (
    id bigserial PRIMARY KEY,
    fingerprint text NOT NULL,
    rule_id text,
    kind text NOT NULL,
    category text,
    severity text NOT NULL DEFAULT 'minor'
        CHECK (severity IN ('info', 'minor', 'major', 'critical')),
    state text NOT NULL DEFAULT 'new',
    version integer NOT NULL DEFAULT 1,
    title text NOT NULL,
    description text,
    lon double precision,
    lat double precision,
    grid_code text,
    community_code text,
    street_code text,
    district_code text,
    tier text NOT NULL DEFAULT 'grid',
    assignee_worker_id text REFERENCES workers (worker_id),
    repeat_count integer NOT NULL DEFAULT 1,
    opened_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    due_at timestamptz,
    closed_at timestamptz,
    labels jsonb NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX alerts_open_fingerprint_idx ON alerts (fingerprint)
    WHERE state NOT IN ('closed', 'rejected', 'resolved');
CREATE INDEX alerts_state_idx ON alerts (state, district_code);

-- Append-only audit of every change to an alert: who, when, from, to.
CREATE TABLE alert_events (
    id bigserial PRIMARY KEY,
    alert_id bigint NOT NULL REFERENCES alerts (id),
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    action text NOT NULL,
    from_state text,
    to_state text,
    note text,
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_events_alert_idx ON alert_events (alert_id, at);
CREATE FUNCTION alert_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'alert_events is append-only';
END $$;
CREATE TRIGGER alert_events_no_change BEFORE UPDATE OR DELETE ON alert_events
    FOR EACH ROW EXECUTE FUNCTION alert_events_append_only();
"""


def apply(cur, features: Features) -> None:
    geom_type = "geometry(MultiPolygon, 4326)" if features.postgis else "bytea"
    cur.execute(GEOGRAPHY.format(geom_type=geom_type))
    if features.postgis:
        cur.execute("CREATE INDEX areas_geom_idx ON areas USING gist (geom)")
    cur.execute(DEVICES)
    cur.execute(READINGS_TIMESCALE if features.timescale else READINGS_PLAIN)
    cur.execute(INCIDENTS)
    cur.execute(PEOPLE)
    cur.execute(ALERTS)
