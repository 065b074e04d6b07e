"""Indexes the dashboard's live queries read by: the wall screen asks every few seconds.

Each index answers one question of the wall (layers/ and the KPI modules) without a scan
of a whole table: what changed on devices, which incidents of the last day fall in a
district, which events moved cases today, the newest cases of an area.
"""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "dashboard: indexes of the wall screen's queries"

DASHBOARD = """
-- Incidents of the last 24/48 h (density, trend, today's counts): answered from the index
-- alone, without reading the table's rows; and per district.
CREATE INDEX incidents_recent_idx ON incidents (reported_at)
    INCLUDE (source, lon, lat, grid_code, community_code, street_code, district_code);
CREATE INDEX incidents_district_reported_idx ON incidents (district_code, reported_at);
-- Devices of an area with their position (devices by status) come from devices_district_idx;
-- device_state is read by key. Case moves of the last day (time to dispatch and to close).
CREATE INDEX alert_events_at_idx ON alert_events (at, to_state);
-- The ticker: the newest cases.
CREATE INDEX alerts_opened_idx ON alerts (opened_at DESC);
-- Closed cases of the last day (on-time closure, time to close).
CREATE INDEX alerts_closed_idx ON alerts (closed_at) WHERE closed_at IS NOT NULL;
-- Workers of a grid cell's area (grid workers on duty).
CREATE INDEX areas_district_level_idx ON areas (district_code, level);
"""


def apply(cur, features: Features) -> None:
    cur.execute(DASHBOARD)
