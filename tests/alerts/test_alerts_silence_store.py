"""Silences against the real database: a silenced rule opens no case, other rules still do,
and an expired silence mutes nothing; create / list / expire keep who and when."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from alerts.engine import writes
from alerts.muting import silences
from alerts.rules.evaluate.events import Areas, fire
from alerts.rules.loader import load_folder
from store import db as store_db

pytestmark = pytest.mark.integration

RULES = load_folder()
HERE = Areas("310101001001", "310101001", "310101001000", "310101")


def tilt(device: str, at: float):
    return fire(RULES.by_id["manhole-tilted"], device, at, areas=HERE, device_id=device,
                lon=121.47, lat=31.23)


def smoke(device: str, at: float):
    return fire(RULES.by_id["smoke-detected"], device, at, areas=HERE, device_id=device,
                lon=121.48, lat=31.24)


def record(conn, sig) -> str:
    with conn, conn.cursor() as cur:
        return writes.record_fire(cur, sig)


def test_a_silenced_rule_opens_no_case(isolated) -> None:
    conn = store_db.connect(isolated("silence").database_url)
    now = datetime.now(UTC)
    sid = silences.create(conn, {"rule_id": "manhole-tilted", "area": "310101"},
                          now - timedelta(hours=1), now + timedelta(hours=1), "ops:li",
                          "更换井盖施工 (cover replacement)")
    assert record(conn, tilt("mh-s1", time.time())) == "silenced"
    assert record(conn, smoke("sd-s1", time.time())) == "opened"     # not matched
    with conn.cursor() as cur:
        cur.execute("SELECT rule_id FROM alerts")
        assert cur.fetchall() == [("smoke-detected",)]
    listed = silences.list_silences(conn)
    assert [(s.id, s.created_by, s.matchers) for s in listed] == \
        [(sid, "ops:li", {"rule_id": ["manhole-tilted"], "area": ["310101"]})]

    assert silences.expire(conn, sid) is True
    assert silences.expire(conn, sid) is False                        # already over
    assert silences.list_silences(conn) == []
    assert len(silences.list_silences(conn, include_expired=True)) == 1
    assert record(conn, tilt("mh-s1", time.time() + 1)) == "opened"
    # A fire from inside the window (a replayed backlog) is still judged by its own time.
    assert record(conn, tilt("mh-s2", time.time() - 1800)) == "silenced"
    conn.close()


def test_expiring_a_silence_that_has_not_begun_cancels_it(isolated) -> None:
    conn = store_db.connect(isolated("silence2").database_url)
    later = datetime.now(UTC) + timedelta(days=1)
    sid = silences.create(conn, {"device_id": "wm-17"}, later, later + timedelta(hours=8),
                          "ops:wang", "夜间管网维护")
    assert silences.expire(conn, sid) is True
    assert silences.expire(conn, sid) is False
    assert silences.list_silences(conn) == []
    conn.close()
