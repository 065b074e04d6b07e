"""Departments and units in the case flow (issue #16): 权责清单, unit staff, 吹哨报到.

`units` (m0004) held the grid teams that answer for areas. A department or unit of a tier
(a district's roads bureau, a street's 城管中队, the water company) is a unit with a tier;
the areas it serves are `unit_serves` (many units serve one area, unlike unit_areas).
The responsibility list maps (category, sub-type, area) to the unit answering for it.
A case dispatched to a unit is held by the unit (`alerts.unit_code`) rather than by a
worker; its staff are users of role `unit`.
"""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "units: departments with tiers, responsibility list, unit staff, whistles"

UNITS = """
ALTER TABLE units
    ADD COLUMN tier text CHECK (tier IN ('city', 'district', 'street')),
    ADD COLUMN area_code text,
    ADD COLUMN active boolean NOT NULL DEFAULT true;

CREATE TABLE unit_serves (
    unit_code text NOT NULL REFERENCES units (unit_code),
    area_code text NOT NULL,
    PRIMARY KEY (unit_code, area_code)
);
CREATE INDEX unit_serves_area_idx ON unit_serves (area_code);

-- '*' matches any category or sub-type; the most specific row of the finest area wins.
CREATE TABLE responsibilities (
    id bigserial PRIMARY KEY,
    category text NOT NULL DEFAULT '*',
    subtype text NOT NULL DEFAULT '*',
    area_code text NOT NULL,
    unit_code text NOT NULL REFERENCES units (unit_code),
    UNIQUE (category, subtype, area_code)
);
CREATE INDEX responsibilities_area_idx ON responsibilities (area_code);
"""

STAFF = """
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users
    ADD CONSTRAINT users_role_check
        CHECK (role IN ('operator', 'manager', 'leader', 'worker', 'admin', 'unit')),
    ADD COLUMN unit_code text REFERENCES units (unit_code),
    ADD CONSTRAINT users_unit_staff CHECK (role <> 'unit' OR unit_code IS NOT NULL);
"""

CASES = """
ALTER TABLE alerts ADD COLUMN unit_code text REFERENCES units (unit_code);
CREATE INDEX alerts_unit_idx ON alerts (unit_code, state) WHERE unit_code IS NOT NULL;

ALTER TABLE dispatches
    ALTER COLUMN worker_id DROP NOT NULL,
    ADD COLUMN unit_code text REFERENCES units (unit_code),
    ADD CONSTRAINT dispatches_someone CHECK (worker_id IS NOT NULL OR unit_code IS NOT NULL);

-- 吹哨报到: the units a street called to one case, the lead and the co-units, each with
-- the time by which it must report in (报到) and the part it wrote.
CREATE TABLE case_units (
    alert_id bigint NOT NULL REFERENCES alerts (id),
    unit_code text NOT NULL REFERENCES units (unit_code),
    part text NOT NULL CHECK (part IN ('lead', 'co')),
    called_at timestamptz NOT NULL DEFAULT now(),
    report_by timestamptz NOT NULL,
    reported_at timestamptz,
    reported_by text,
    written_at timestamptz,
    missed_at timestamptz,
    PRIMARY KEY (alert_id, unit_code)
);
CREATE INDEX case_units_unit_idx ON case_units (unit_code);
CREATE INDEX case_units_waiting_idx ON case_units (report_by)
    WHERE reported_at IS NULL AND missed_at IS NULL;
"""

ADMIN_KINDS = """
ALTER TABLE admin_events DROP CONSTRAINT admin_events_object_kind_check;
ALTER TABLE admin_events ADD CONSTRAINT admin_events_object_kind_check
    CHECK (object_kind IN ('user', 'device', 'unit', 'worker', 'rule', 'profile',
                           'responsibility'));
"""


def apply(cur, features: Features) -> None:
    cur.execute(UNITS)
    cur.execute(STAFF)
    cur.execute(CASES)
    cur.execute(ADMIN_KINDS)
