"""Silences and maintenance windows: while one is active, a matching fire opens no case.

A silence is a set of matchers (all must match; a list means any of its values) and a
time range. The engine compares a fire's own time with the range, so a replayed backlog
is judged by when things happened, not by when they were read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg2.extras import Json

from alerts.cases.grouping.facts import Facts
from alerts.cases.moves import Connection

# matcher -> what it is compared with; `area` is a prefix of any of the case's area codes
MATCHERS: dict[str, str] = {
    "rule_id": "the rule's id", "rule_kind": "threshold, rate, absence, count, ...",
    "category": "the case category", "kind": "sensor, incident, composite, hotline, patrol",
    "area": "a prefix of a grid/community/street/district code", "device_id": "a device",
    "source": "hotline, patrol, sensor, other (reported incidents)"}


class SilenceInvalid(ValueError):
    pass


@dataclass(frozen=True)
class Silence:
    id: int
    matchers: dict[str, Any]
    starts_at: datetime
    ends_at: datetime
    created_by: str
    created_at: datetime
    comment: str


def check_matchers(matchers: dict[str, Any]) -> dict[str, list[str]]:
    """Matchers with every value as a list; raises SilenceInvalid naming the problem."""
    if not isinstance(matchers, dict) or not matchers:
        raise SilenceInvalid("a silence needs at least one matcher (it would mute everything)")
    found = {}
    for key, value in matchers.items():
        if key not in MATCHERS:
            raise SilenceInvalid(f"unknown matcher {key!r} (known: {', '.join(MATCHERS)})")
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str) and v for v in values):
            raise SilenceInvalid(f"matcher {key!r} takes text or a list of text")
        found[key] = values
    return found


def matches(matchers: dict[str, Any], facts: Facts) -> bool:
    """True when every matcher matches the fire's facts."""
    for key, value in matchers.items():
        values = value if isinstance(value, list) else [value]
        if key == "area":
            if not any(code.startswith(v) for code in facts.areas for v in values):
                return False
        elif getattr(facts, key) not in values:
            return False
    return True


INSERT = """
INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment)
VALUES (%s, %s, %s, %s, %s) RETURNING id
"""
# Ending now; a silence that has not begun is cancelled: an empty range at this moment.
EXPIRE = """
UPDATE silences SET ends_at = now(), starts_at = least(starts_at, now())
WHERE id = %s AND ends_at > now() RETURNING id
"""
LIST = """
SELECT id, matchers, starts_at, ends_at, created_by, created_at, comment FROM silences
WHERE %s OR ends_at > now() ORDER BY starts_at, id
"""
ACTIVE_AT = """
SELECT id, matchers FROM silences
WHERE starts_at <= to_timestamp(%s) AND ends_at > to_timestamp(%s) ORDER BY id
"""


def create(conn: Connection, matchers: dict[str, Any], starts_at: datetime, ends_at: datetime,
           created_by: str, comment: str = "") -> int:
    """Add a silence; raises SilenceInvalid for bad matchers or an end before the start."""
    checked = check_matchers(matchers)
    if ends_at <= starts_at:
        raise SilenceInvalid("a silence ends after it starts")
    if not created_by:
        raise SilenceInvalid("say who sets the silence (created_by)")
    with conn, conn.cursor() as cur:
        cur.execute(INSERT, (Json(checked), starts_at, ends_at, created_by, comment))
        return cur.fetchone()[0]


def expire(conn: Connection, silence_id: int) -> bool:
    """End a silence now; False if there is no such silence or it had already ended."""
    with conn, conn.cursor() as cur:
        cur.execute(EXPIRE, (silence_id,))
        return cur.fetchone() is not None


def list_silences(conn: Connection, include_expired: bool = False) -> list[Silence]:
    with conn, conn.cursor() as cur:
        cur.execute(LIST, (include_expired,))
        return [Silence(*row) for row in cur.fetchall()]


def silenced_by(cur, facts: Facts, at: float) -> int | None:
    """The id of the first silence active at `at` that matches, inside the caller's transaction."""
    cur.execute(ACTIVE_AT, (at, at))
    for silence_id, matchers in cur.fetchall():
        if matches(matchers, facts):
            return silence_id
    return None
