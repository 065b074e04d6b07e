"""Incidents counted per hour, source and area, kept by the database as incidents are written.

The wall asks every few seconds how many incidents arrived in each of the last 48 hours
(its trend and today's tiles); counted from `incidents`, that is every row of two days
(100,000 at 50,000 a day) read again per refresh per screen. `incidents_hourly` holds the
same counts per (hour, source, district, street): a few thousand rows for two days of a
whole city, whatever the incident rate.

Statement-level triggers with transition tables keep it in the writing transaction, so
the counts are exact at every commit — late incidents, corrections that move one to
another hour or place, deletes — and every writer (ingest's upsert, the simulator's COPY,
a test's INSERT) is covered without code of its own.
`incidents` is a plain table on both storage paths (a hypertable would refuse transition
tables), so this is the same SQL with or without TimescaleDB.

Areas are kept at street level, which is what the area rule (identity.scope.area_sql)
of a city, district or street viewer reads — except that the rule falls back to an
incident's finest code when its district or street code is missing: `finest_code` keeps
that code then, and only then, so the rows stay few. A community's or a grid cell's
counts come from `incidents` itself (a small area, few rows).

`writes` grows with every insert, update and delete of a row's incidents and never
shrinks (a row whose `n` falls to zero stays; a TRUNCATE of `incidents` zeroes the counts),
so a reader that keeps something computed from an hour's incidents can tell whether any
of them was written since (store/incident_rollup.py's `hour_versions`).
"""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "incidents per hour, source and area, kept by triggers"

TABLE = """
CREATE TABLE incidents_hourly (
    hour timestamptz NOT NULL,      -- date_bin(1 hour) from 2000-01-01 00:00 UTC
    source text NOT NULL,
    district_code text,
    street_code text,
    finest_code text,               -- only when district_code or street_code is NULL
    n bigint NOT NULL,              -- incidents now in this hour, source and area
    writes bigint NOT NULL,         -- inserts, updates and deletes that touched them
    CONSTRAINT incidents_hourly_key UNIQUE NULLS NOT DISTINCT
        (hour, source, district_code, street_code, finest_code)
);
"""

# The rollup row of an incident aliased `r`; the hour bucket is screens/wall/city.py's HOURLY one.
KEY = """date_bin(INTERVAL '1 hour', r.reported_at, TIMESTAMPTZ '2000-01-01 00:00+00'),
        r.source, r.district_code, r.street_code,
        CASE WHEN r.district_code IS NULL OR r.street_code IS NULL
             THEN coalesce(r.grid_code, r.community_code, r.street_code, r.district_code)
        END"""

COLUMNS = "hour, source, district_code, street_code, finest_code"

# Folds (key, change of n) rows into the rollup; a row whose n nets to zero still counts
# its writes.
UPSERT = f"""
        INSERT INTO incidents_hourly AS h ({COLUMNS}, n, writes)
        SELECT {COLUMNS}, sum(d), count(*)
        FROM ({{changes}}) c ({COLUMNS}, d)
        GROUP BY {COLUMNS}
        ORDER BY {COLUMNS}
        ON CONFLICT ON CONSTRAINT incidents_hourly_key
        DO UPDATE SET n = h.n + EXCLUDED.n, writes = h.writes + EXCLUDED.writes;"""

ADDED = f"SELECT {KEY}, 1 FROM new_rows r"
REMOVED = f"SELECT {KEY}, -1 FROM old_rows r"

# An INSERT ... ON CONFLICT DO UPDATE fires the insert trigger and then the update
# trigger: two passes over the rollup, each in key order, but two writers could still lock
# in crossing order between the passes. So a writer that changes the rollup first takes
# this transaction lock: one such writer at a time, until it commits — a few milliseconds
# for ingest's batches, and incidents arrive at most a few a second.
ROLLUP_LOCK = 7_231_004_513  # any constant; store/migrate.py's lock is 7_231_004_512

FUNCTIONS = f"""
CREATE FUNCTION incidents_hourly_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A statement that changed no row fires its trigger too (an upsert fires both).
    IF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT FROM old_rows) THEN
            RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock({ROLLUP_LOCK});{UPSERT.format(changes=REMOVED)}
    ELSIF NOT EXISTS (SELECT FROM new_rows) THEN
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pg_advisory_xact_lock({ROLLUP_LOCK});{UPSERT.format(changes=ADDED)}
    ELSE
        PERFORM pg_advisory_xact_lock({ROLLUP_LOCK});{
            UPSERT.format(changes=f"{ADDED} UNION ALL {REMOVED}")}
    END IF;
    RETURN NULL;
END
$$;

-- Counts to zero rather than TRUNCATE incidents_hourly: versions must never go back.
CREATE FUNCTION incidents_hourly_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE incidents_hourly SET n = 0, writes = writes + 1 WHERE n <> 0;
    RETURN NULL;
END
$$;
"""

# A trigger with transition tables names one event, hence three.
TRIGGERS = """
CREATE TRIGGER incidents_hourly_insert AFTER INSERT ON incidents
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_hourly_count();
CREATE TRIGGER incidents_hourly_update AFTER UPDATE ON incidents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_hourly_count();
CREATE TRIGGER incidents_hourly_delete AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_hourly_count();
CREATE TRIGGER incidents_hourly_truncate AFTER TRUNCATE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_hourly_clear();
"""

# The incidents stored before this migration. Creating the triggers locked `incidents`
# against writers until this transaction commits, so none is missed or counted twice.
BACKFILL = f"""
INSERT INTO incidents_hourly ({COLUMNS}, n, writes)
SELECT {KEY}, count(*), count(*)
FROM incidents r
GROUP BY 1, 2, 3, 4, 5;
"""


def apply(cur, features: Features) -> None:
    cur.execute(TABLE)
    cur.execute(FUNCTIONS)
    cur.execute(TRIGGERS)
    cur.execute(BACKFILL)
