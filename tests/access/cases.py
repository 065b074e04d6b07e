"""The cases the area rules are checked on, read from the seeded world's database."""

from __future__ import annotations

from dataclasses import dataclass

HUANGPU, JINGAN = "310101", "310106"

# An open case of the district assigned to the given user's worker (or, with `mine` False,
# to anyone else or nobody). Open: so a move is a real question for the case flow.
PICK = """
SELECT a.id, a.version, a.title FROM alerts a
LEFT JOIN workers w ON w.worker_id = a.assignee_worker_id
LEFT JOIN users u ON u.id = w.user_id
WHERE a.district_code = %(district)s AND a.state NOT IN ('closed', 'rejected')
  AND (CASE WHEN %(mine)s THEN u.username = %(user)s
            ELSE u.username IS DISTINCT FROM %(user)s END)
ORDER BY a.id LIMIT 1
"""


@dataclass(frozen=True)
class Case:
    id: int
    version: int
    title: str


def _pick(cur, district: str, user: str, mine: bool) -> Case:
    cur.execute(PICK, {"district": district, "user": user, "mine": mine})
    row = cur.fetchone()
    assert row is not None, f"the seeded world has no open case in {district} (mine={mine})"
    return Case(*row)


HELD_BY = """
SELECT id, version, title FROM alerts WHERE unit_code = %s AND state = 'dispatched'
ORDER BY id LIMIT 1
"""


def _held(cur, unit: str) -> Case:
    cur.execute(HELD_BY, (unit,))
    row = cur.fetchone()
    assert row is not None, f"the seeded world has no case held by {unit}"
    return Case(*row)


def pick_cases(conn) -> dict[str, Case]:
    """spec.CASES → a case of the seeded world."""
    with conn.cursor() as cur:
        found = {"hp": _pick(cur, HUANGPU, "worker_hp", True),
                 "hp_other": _pick(cur, HUANGPU, "worker_hp", False),
                 "ja": _pick(cur, JINGAN, "worker_ja", True),
                 "unit": _held(cur, f"{HUANGPU}-ROAD")}
    conn.rollback()
    return found
