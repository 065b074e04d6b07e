"""The SQL of merging: open cases of a problem nearby, a case's sources, the merge and
repeat events.

Every function runs inside the engine's transaction (a cursor) and locks what it returns,
so the case it chose cannot change before the merge is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from psycopg2.extras import Json

from alerts.cases.bookkeeping import note_merged
from alerts.cases.grouping.categories import same_problem
from alerts.cases.grouping.policy import DEFAULT, Candidate, MergePolicy, Report, degrees_around
from alerts.cases.moves import record_event

BY_SOURCE = """
SELECT a.id, a.version FROM case_sources s JOIN alerts a ON a.id = s.alert_id
WHERE s.source_key = %s AND a.state NOT IN ('closed', 'rejected', 'resolved')
ORDER BY a.id DESC LIMIT 1
FOR UPDATE OF a
"""
KNOWN = "SELECT 1 FROM case_sources WHERE source_key = %s LIMIT 1"
# Open cases of the problem seen within the window; near the point or in the same grid.
CANDIDATES = """
SELECT id, version, extract(epoch FROM last_seen_at), lon, lat, grid_code FROM alerts
WHERE state NOT IN ('closed', 'rejected', 'resolved') AND category = ANY(%(categories)s)
  AND last_seen_at BETWEEN to_timestamp(%(at)s - %(window)s)
                       AND to_timestamp(%(at)s + %(window)s)
  AND ((lon BETWEEN %(lon0)s AND %(lon1)s AND lat BETWEEN %(lat0)s AND %(lat1)s)
       OR grid_code = %(grid)s)
ORDER BY last_seen_at DESC LIMIT 50
FOR UPDATE
"""
ADD_SOURCE = """
INSERT INTO case_sources (alert_id, source_kind, source_key, at, details)
VALUES (%s, %s, %s, to_timestamp(%s), %s)
"""


def case_of_source(cur, key: str) -> tuple[int, int] | None:
    """The open case that already holds this source (a repeat): (id, version)."""
    cur.execute(BY_SOURCE, (key,))
    row = cur.fetchone()
    return None if row is None else (row[0], row[1])


def known_source(cur, key: str) -> bool:
    """Whether any case, open or finished, already holds this source."""
    cur.execute(KNOWN, (key,))
    return cur.fetchone() is not None


def candidates(cur, category: str | None, report: Report,
               policy: MergePolicy = DEFAULT) -> list[Candidate]:
    categories = same_problem(category)
    if not categories:
        return []
    lat = report.lat if report.lat is not None else 0.0
    dlon, dlat = degrees_around(lat, policy.distance_m)
    lon = report.lon if report.lon is not None else 0.0
    no_point = report.lon is None or report.lat is None
    cur.execute(CANDIDATES, {
        "categories": categories, "at": report.at, "window": policy.window_s,
        "lon0": None if no_point else lon - dlon, "lon1": None if no_point else lon + dlon,
        "lat0": None if no_point else lat - dlat, "lat1": None if no_point else lat + dlat,
        "grid": report.grid_code})
    return [Candidate(r[0], r[1], float(r[2]), r[3], r[4], r[5]) for r in cur.fetchall()]


def add_source(cur, alert_id: int, kind: str, key: str, at: float,
               details: dict[str, Any]) -> None:
    cur.execute(ADD_SOURCE, (alert_id, kind, key, at, Json(details)))


def merge(cur, alert_id: int, kind: str, key: str, at: float, details: dict[str, Any],
          actor: str) -> None:
    """Add a source to an open case, with its 'merge' event on the timeline."""
    add_source(cur, alert_id, kind, key, at, details)
    note_merged(cur, alert_id, at, by_person=kind == "incident")
    record_event(cur, alert_id, actor, "merge", None, None,
                 f"合并上报 (merged): {key}", {"source_kind": kind, "source_key": key,
                                              "at": at, **details})


def note_repeat(cur, alert_id: int, kind: str, key: str, at: float, details: dict[str, Any],
                actor: str) -> None:
    """A source the open case already holds came again (repeat_count + 1): its 'repeat'
    event, so the timeline says which source, when, and (a rule) what it saw this time.
    Without it a second burst of a cluster merged into a 12345 case left only a counter."""
    record_event(cur, alert_id, actor, "repeat", None, None,
                 f"再次上报 (repeat): {key}", {"source_kind": kind, "source_key": key,
                                             "at": at, **details})


def lock_places(cur, places: Iterable[tuple[str | None, str | None]]) -> None:
    """Serialise merging per problem and district for this transaction.

    Members of the alerts engine write cases side by side (issue #18). Two reports of
    one problem read on different members could each find no open case and each open
    one; whoever takes this lock second sees the first's case and merges into it. Locks
    are taken in one order, so two saves cannot wait on each other. Reports of one
    problem either side of a district boundary are not serialised (rare, and then two
    cases, as two desks would see it).
    """
    keys = sorted({f"merge|{','.join(sorted(cats))}|{district or ''}"
                   for category, district in places if (cats := same_problem(category))})
    for key in keys:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))
