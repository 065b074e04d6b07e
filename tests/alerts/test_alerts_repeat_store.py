"""Repeats against the real database: a fire on a source an open case already holds counts
a repeat and leaves a 'repeat' event naming that source, even when the case is a 12345
report case the rule fire was merged into (its own fingerprint names no case)."""

from __future__ import annotations

import time

import pytest

from alerts.cases.grouping.reports import report_signal
from alerts.rules.evaluate.events import Areas, IncidentEvent, fire
from alerts.rules.loader import load_folder
from store import db as store_db
from tests.alerts.engine_run import record, rows

pytestmark = pytest.mark.integration

RULES = load_folder()
GRID = Areas("310101001001", "310101001", "310101001000", "310101")


def call(source_id: str, at: float):
    return report_signal(IncidentEvent(at, "hotline", source_id, "市容环境", "暴露垃圾", GRID,
                                       121.47, 31.23))


def cluster(at: float, source_id: str):
    return fire(RULES.by_id["complaint-cluster"], f"{GRID.grid_code}|暴露垃圾", at,
                areas=GRID, category="暴露垃圾", lon=121.47, lat=31.23,
                detail={"count": 3, "source_id": source_id})


def test_a_second_burst_on_a_report_case_is_a_repeat_event_with_its_fingerprint(
        isolated) -> None:
    conn = store_db.connect(isolated("repeat").database_url)
    now = time.time()
    assert record(conn, call("12345-1", now)) == "opened"
    assert record(conn, cluster(now + 60, "12345-3")) == "merged"   # into the 12345 case
    (case, fingerprint), = rows(conn, "SELECT id, fingerprint FROM alerts")
    assert fingerprint == "hotline:12345-1"

    assert record(conn, cluster(now + 4000, "12345-6")) == "repeated"  # the next burst
    (count, last_seen), = rows(conn, "SELECT repeat_count, extract(epoch FROM last_seen_at)::float "
                                     "FROM alerts")
    assert (count, last_seen) == (2, pytest.approx(now + 4000))
    (details,), = rows(conn, "SELECT details FROM alert_events "
                             "WHERE alert_id = %s AND action = 'repeat'", (case,))
    assert details["source_kind"] == "rule"
    assert details["source_key"] == f"complaint-cluster|{GRID.grid_code}|暴露垃圾"
    assert details["rule"] == "complaint-cluster"
    assert details["at"] == pytest.approx(now + 4000)
    assert details["detail"] == {"count": 3, "source_id": "12345-6"}

    # The same call sent again is a repeat of its own source too, audited the same way.
    assert record(conn, call("12345-1", now)) == "repeated"
    assert rows(conn, "SELECT details->>'source_key' FROM alert_events "
                      "WHERE action = 'repeat' ORDER BY id") == \
        [(f"complaint-cluster|{GRID.grid_code}|暴露垃圾",), ("hotline:12345-1",)]
    conn.close()
