"""Cases that already happened, loaded in bulk: the demo city's history, or cases carried
over from the system a city used before.

They arrive with their states, times and holders already decided elsewhere, so they are
not replayed move by move; the loader writes their timelines (`alert_events`) itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycopg2.extras import execute_values

# The columns a historical case row gives, in this order.
INSERT = """
INSERT INTO alerts (fingerprint, kind, title, category, severity, state, version, rule_id,
    description, lon, lat, grid_code, community_code, street_code, district_code,
    assignee_worker_id, opened_at, last_seen_at, due_at, closed_at, handled_by, labels, tier)
VALUES %s RETURNING id
"""


def load_cases(cur, rows: Sequence[tuple]) -> list[int]:
    """Insert finished or open cases as they stand; their ids, in the order given."""
    found = execute_values(cur, INSERT, list(rows), page_size=1000, fetch=True)
    return [row[0] for row in found]
