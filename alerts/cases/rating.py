"""The caller's rating of a closed hotline case (回访评价) and the satisfaction KPI.

A dissatisfied rating sends the case back to handled (处置完毕, awaiting verification):
the verifying desk looks at the work again and either reopens it (返工) or closes it once
more with a note. Every rating is kept in case_ratings and as an event on the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alerts.cases.errors import CaseNotFound, Refused
from alerts.cases.moves import Connection, record_event, transition_in
from alerts.cases.states import FINISHED, label

RATINGS: dict[str, str] = {
    "satisfied": "满意",
    "fairly_satisfied": "基本满意",
    "dissatisfied": "不满意",
}
_BY_LABEL = {name: code for code, name in RATINGS.items()}

# Only cases that started with a caller have someone to ask; merged cases that gain a
# hotline source (a later session) should be admitted here too.
RATED_KINDS = frozenset({"hotline"})
# The move a 不满意 makes (alerts/cases/flow.py MOVES: closed -> handled, by the system on the
# caller's word); its event keeps the name `rate`, the caller's act that made it.
REVIEW = "review"


@dataclass(frozen=True)
class Rated:
    alert_id: int
    rating: str
    state: str
    version: int
    event_id: int


def rating_code(rating: str) -> str:
    """Accepts the code (`dissatisfied`) or the caller's words (不满意)."""
    code = _BY_LABEL.get(rating, rating)
    if code not in RATINGS:
        known = ", ".join(f"{c} ({n})" for c, n in RATINGS.items())
        raise ValueError(f"unknown rating {rating!r}; known: {known}")
    return code


READ = "SELECT state, version, kind, fingerprint FROM alerts WHERE id = %s FOR UPDATE"
OTHER_OPEN = ("SELECT id FROM alerts WHERE fingerprint = %s AND id <> %s "
              "AND NOT (state = ANY(%s))")
STORE = "INSERT INTO case_ratings (alert_id, rating, actor, event_id) VALUES (%s, %s, %s, %s)"


def rate(conn: Connection, alert_id: int, rating: str, actor: str) -> Rated:
    """Record the caller's rating; 不满意 sends the case back for review."""
    code = rating_code(rating)
    with conn, conn.cursor() as cur:
        cur.execute(READ, (alert_id,))
        row = cur.fetchone()
        if row is None:
            raise CaseNotFound(alert_id)
        state, version, kind, fingerprint = row
        _check_rateable(cur, alert_id, state, kind, fingerprint, code)
        if code == "dissatisfied":
            moved = transition_in(cur, alert_id, REVIEW, actor, "system", version,
                                  RATINGS[code], {"rating": code}, event_action="rate")
            to_state, version, event_id = moved.to_state, moved.version, moved.event_id
        else:
            to_state = state
            event_id = record_event(cur, alert_id, actor, "rate", state, state,
                                    RATINGS[code], {"rating": code})
        cur.execute(STORE, (alert_id, code, actor, event_id))
    return Rated(alert_id, code, to_state, version, event_id)


def _check_rateable(cur, alert_id: int, state: str, kind: str, fingerprint: str,
                    code: str) -> None:
    if kind not in RATED_KINDS:
        raise Refused(alert_id, "rate", f"only hotline cases are rated; this is a {kind} case")
    if state != "closed":
        raise Refused(alert_id, "rate", f"only a closed case is rated; this one is "
                                        f"{label(state)}")
    if code == "dissatisfied":
        cur.execute(OTHER_OPEN, (fingerprint, alert_id, list(FINISHED)))
        other = cur.fetchone()
        if other:
            raise Refused(alert_id, "rate", f"case {other[0]} is already open for the same "
                                            "problem; review it there")


@dataclass(frozen=True)
class Satisfaction:
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> float | None:
        """(满意 + 基本满意) / all ratings, the usual 12345 满意率; None with no ratings."""
        if not self.total:
            return None
        return (self.counts["satisfied"] + self.counts["fairly_satisfied"]) / self.total


COUNT = ("SELECT rating, count(*) FROM case_ratings WHERE at >= %s AND at < %s "
         "GROUP BY rating")


def satisfaction(conn: Connection, start: datetime, end: datetime) -> Satisfaction:
    """Every rating given in [start, end); a case rated twice counts twice."""
    with conn.cursor() as cur:
        cur.execute(COUNT, (start, end))
        found = dict(cur.fetchall())
    return Satisfaction({code: found.get(code, 0) for code in RATINGS})
