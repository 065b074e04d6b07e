"""Writing incidents: upserted by (source, source_id), so a replay changes nothing and a
later message about the same incident (a status, a rating) updates it in place."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg2.extensions
from psycopg2.extras import Json, execute_values

COLUMNS = ("source", "source_id", "reported_at", "category", "subcategory", "description",
           "lon", "lat", "address", "reporter_name", "reporter_phone", "location_approx",
           "grid_code", "community_code", "street_code", "district_code", "media_url", "payload")

UPSERT = f"""
INSERT INTO incidents ({", ".join(COLUMNS)}) VALUES %s
ON CONFLICT (source, source_id) DO UPDATE SET
    {", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[2:])}
WHERE incidents.payload IS DISTINCT FROM EXCLUDED.payload
"""  # noqa: S608 - column names are the constants above


class IncidentWriter:
    def __init__(self, conn: psycopg2.extensions.connection | None) -> None:
        self.conn = conn

    def write(self, incidents: Sequence) -> int:
        """Store a batch in one transaction; returns rows inserted or changed."""
        if not incidents:
            return 0
        # The last message about an incident in a batch wins, as it would one by one.
        latest = {(i.source, i.source_id): i for i in incidents}
        rows = [tuple(Json(i.payload) if c == "payload" else getattr(i, c) for c in COLUMNS)
                for i in latest.values()]
        try:
            with self.conn.cursor() as cur:
                # One statement per batch: the rollup's trigger (m0011) then locks the
                # batch's hours once, in key order, so concurrent writers cannot deadlock.
                execute_values(cur, UPSERT, rows, page_size=len(rows))
                changed = cur.rowcount
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise
        return changed

    def finish(self) -> None:
        """Nothing is buffered between batches."""
