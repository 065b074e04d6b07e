"""Separate roles (issue #13 defect 5): the admin audit table, TRUNCATE refused on the audit
tables, and the owner's functions and job that runtime maintenance needs.

The grants themselves are store/roles.py's, applied after every migration.
"""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "roles: admin audit, append-only audit tables, owner's upkeep functions"

# Who changed an account, a device, a roster (units, workers) or a rule, from which door,
# with the object as it was and as it became.
ADMIN_EVENTS = """
CREATE TABLE admin_events (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    via text NOT NULL CHECK (via IN ('dashboard', 'cli')),
    action text NOT NULL,
    object_kind text NOT NULL CHECK (object_kind IN ('user', 'device', 'unit', 'worker', 'rule')),
    object_id text NOT NULL,
    before jsonb,          -- NULL: the object did not exist
    after jsonb            -- NULL: the object is gone
);
CREATE INDEX admin_events_at_idx ON admin_events (at);
CREATE INDEX admin_events_object_idx ON admin_events (object_kind, object_id, at);
CREATE TRIGGER admin_events_no_change BEFORE UPDATE OR DELETE ON admin_events
    FOR EACH ROW EXECUTE FUNCTION alert_events_append_only();
"""

# Rights stop the services; the triggers stop the owner too, unless it first drops them,
# which is DDL and leaves a trace in the server log. TRUNCATE fires no row trigger, hence
# a statement trigger of its own. (alert_events_append_only names one table in its
# message, so the shared one takes the table's name from the trigger.)
NO_TRUNCATE = """
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER alert_events_no_truncate BEFORE TRUNCATE ON alert_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER admin_events_no_truncate BEFORE TRUNCATE ON admin_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""

# Plain PostgreSQL: ingest makes a day's partition of readings when a batch reaches it,
# and its upkeep drops days past retention. Both are DDL, which the services' role may not
# run; these functions run them as the owner, for one day and one table only. The
# search_path is fixed so that no object the caller could plant is resolved in them.
PARTITION_FUNCTIONS = """
CREATE FUNCTION cityops_add_readings_day(day date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('CREATE TABLE IF NOT EXISTS public.%I PARTITION OF public.readings '
                   'FOR VALUES FROM (%L) TO (%L)', 'readings_p' || to_char(day, 'YYYYMMDD'),
                   to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00',
                   to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
END $$;

-- Today's and yesterday's readings are being written: those days are never dropped, so a
-- service's credentials cannot erase live data this way.
CREATE FUNCTION cityops_drop_readings_day(day date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    part text := 'readings_p' || to_char(day, 'YYYYMMDD');
BEGIN
    IF day >= current_date - 1 THEN
        RAISE EXCEPTION 'readings of % are too recent to drop', day;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   WHERE i.inhparent = 'public.readings'::regclass AND c.relname = part) THEN
        RETURN false;
    END IF;
    EXECUTE format('DROP TABLE public.%I', part);
    RETURN true;
END $$;
"""

# TimescaleDB: refresh_continuous_aggregate needs the view's owner and cannot run in a
# function, so the refresh of rows stored below the policies' reach (store/rollups.py's
# _refresh_timescale, which a service may no longer run) is a job of the owner's. The
# scheduler runs a job's procedure as the job's owner, outside any transaction block.
TIMESCALE_JOB = """
CREATE PROCEDURE cityops_refresh_stale_rollups(job_id integer, config jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    stale timestamptz;
    reach timestamptz;
    oldest timestamptz;
BEGIN
    SELECT dirty_from, date_bin(INTERVAL '1 hour', now(), TIMESTAMPTZ 'epoch') - INTERVAL '1 hour'
    INTO stale, reach FROM public.rollup_state WHERE name = 'readings';
    IF stale IS NULL OR stale >= reach THEN
        RETURN;
    END IF;
    SELECT min(ts) INTO oldest FROM public.readings WHERE ts >= stale AND ts < reach;
    COMMIT;
    IF oldest IS NOT NULL THEN
        CALL refresh_continuous_aggregate('public.readings_1m',
            date_bin(INTERVAL '1 minute', oldest, TIMESTAMPTZ 'epoch'),
            date_bin(INTERVAL '1 minute', reach, TIMESTAMPTZ 'epoch') + INTERVAL '1 minute');
        CALL refresh_continuous_aggregate('public.readings_1h',
            date_bin(INTERVAL '1 hour', oldest, TIMESTAMPTZ 'epoch'),
            date_bin(INTERVAL '1 hour', reach, TIMESTAMPTZ 'epoch') + INTERVAL '1 hour');
    END IF;
    UPDATE public.rollup_state SET dirty_from = reach
    WHERE name = 'readings' AND dirty_from = stale;
END $$;
SELECT add_job('cityops_refresh_stale_rollups', INTERVAL '1 minute');
"""


def apply(cur, features: Features) -> None:
    cur.execute(ADMIN_EVENTS)
    cur.execute(NO_TRUNCATE)
    cur.execute(TIMESCALE_JOB if features.timescale else PARTITION_FUNCTIONS)
