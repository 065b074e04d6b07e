"""A caller's rating of a closed hotline case, and the satisfaction KPI it feeds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from alerts.cases.errors import Refused
from alerts.cases.moves import NewCase, open_case, transition
from alerts.cases.rating import rate, rating_code, satisfaction

pytestmark = pytest.mark.integration


def closed_case(db, kind: str = "hotline", fingerprint: str | None = None) -> tuple[int, int]:
    alert_id = open_case(db, NewCase(fingerprint or uuid.uuid4().hex, kind, "施工扰民"),
                          actor="operator:li")
    version = 1
    for action, actor, role in [("confirm", "operator:li", "operator"),
                                ("dispatch", "operator:li", "operator"),
                                ("accept", "worker:wang", "worker"),
                                ("handle", "worker:wang", "worker"),
                                ("verify", "operator:zhao", "operator")]:
        version = transition(db, alert_id, action, actor, role, version).version
    return alert_id, version


def test_satisfied_rating_is_kept_and_the_case_stays_closed(db) -> None:
    alert_id, version = closed_case(db)
    rated = rate(db, alert_id, "满意", "caller:138****0000")
    assert (rated.rating, rated.state, rated.version) == ("satisfied", "closed", version)
    with db.cursor() as cur:
        cur.execute("SELECT rating, actor FROM case_ratings WHERE alert_id = %s", (alert_id,))
        assert cur.fetchall() == [("satisfied", "caller:138****0000")]
        cur.execute("SELECT action, note, details FROM alert_events WHERE id = %s",
                    (rated.event_id,))
        assert cur.fetchone() == ("rate", "满意", {"rating": "satisfied"})


def test_dissatisfied_sends_the_case_back_for_verification(db) -> None:
    alert_id, version = closed_case(db)
    rated = rate(db, alert_id, "不满意", "caller:139****1111")
    assert (rated.state, rated.version) == ("handled", version + 1)
    with db.cursor() as cur:
        cur.execute("SELECT state, closed_at FROM alerts WHERE id = %s", (alert_id,))
        assert cur.fetchone() == ("handled", None)
    # The desk reviews it: reopen for rework, and the handler still cannot sign it off.
    with pytest.raises(Refused):
        transition(db, alert_id, "verify", "worker:wang", "operator", rated.version)
    assert transition(db, alert_id, "reopen", "operator:zhao", "operator", rated.version,
                      note="回访不满意,返工").to_state == "dispatched"


def test_only_closed_hotline_cases_are_rated(db) -> None:
    sensor_id, _ = closed_case(db, kind="threshold")
    with pytest.raises(Refused, match="only hotline cases"):
        rate(db, sensor_id, "满意", "caller:x")
    open_id = open_case(db, NewCase(uuid.uuid4().hex, "hotline", "t"), actor="operator:li")
    with pytest.raises(Refused, match="only a closed case"):
        rate(db, open_id, "满意", "caller:x")
    with pytest.raises(ValueError, match="unknown rating"):
        rating_code("还行")


def test_dissatisfied_case_with_a_newer_open_twin_is_refused(db) -> None:
    fingerprint = uuid.uuid4().hex
    alert_id, _ = closed_case(db, fingerprint=fingerprint)
    open_case(db, NewCase(fingerprint, "hotline", "same problem again"), actor="operator:li")
    with pytest.raises(Refused, match="already open"):
        rate(db, alert_id, "不满意", "caller:x")


def test_satisfaction_counts_every_rating(isolated) -> None:
    from store import db as store_db
    conn = store_db.connect(isolated("ratings").database_url)
    try:
        for rating in ("满意", "基本满意", "不满意", "满意"):
            alert_id, _ = closed_case(conn)
            rate(conn, alert_id, rating, "caller:x")
        now = datetime.now(UTC)
        kpi = satisfaction(conn, now - timedelta(hours=1), now + timedelta(hours=1))
        assert kpi.counts == {"satisfied": 2, "fairly_satisfied": 1, "dissatisfied": 1}
        assert kpi.rate == 0.75
        assert satisfaction(conn, now - timedelta(days=2), now - timedelta(days=1)).rate is None
    finally:
        conn.close()
