"""The engine through the real broker and database: one case for a breach past its hold,
even when the engine is stopped and restarted in the middle of the hold."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from psycopg2.extras import Json

from cityops.stream import kafka_client
from store import db as store_db
from store import devices as store_devices
from tests.alerts.engine_run import engine_until, query

pytestmark = pytest.mark.integration

RULE = """\
rules:
  - id: pressure-low
    kind: threshold
    name: {zh: 压力过低, en: Pressure low}
    category: 供水管网异常
    severity: major
    match: {device_kind: water_main, metric: pressure_kpa}
    params: {op: "<=", value: 150, for: 60s, clear: 200}
    auto_resolve: true
"""
DEVICE = "wm-eng-1"


def produce(settings, start: datetime, values: list[float]) -> None:
    """One reading every 10 s from `start`."""
    producer = kafka_client.producer(settings)
    for i, value in enumerate(values):
        ts = start + timedelta(seconds=10 * i)
        producer.send(settings.topic("readings"), key=DEVICE.encode(), value=json.dumps(
            {"device": DEVICE, "ts": ts.isoformat(), "values": {"pressure_kpa": value}}
        ).encode())
    producer.flush()
    producer.close()


def prepare(settings, rules_dir) -> None:
    """The rule in `rules_dir` and its water main registered."""
    (rules_dir / "rules.yaml").write_text(RULE, encoding="utf-8")
    conn = store_db.connect(settings.database_url)
    store_devices.upsert(conn, [{"device_id": DEVICE, "kind": "water_main", "placed": True,
                                 "grid_code": "g-eng", "district_code": "d-eng",
                                 "lon": 121.47, "lat": 31.23, "meta": Json({})}])
    conn.close()


def test_a_breach_across_a_restart_opens_one_case_and_resolves_it(isolated, tmp_path) -> None:
    settings = isolated("alerteng")
    prepare(settings, tmp_path)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    first = [300.0] * 6 + [120.0] * 4            # the breach starts; 30 s into the hold
    produce(settings, start, first)
    engine_until(settings, tmp_path, len(first))
    assert query(settings, "SELECT count(*) FROM alerts") == [(0,)]
    [(state,)] = query(settings, "SELECT state FROM alert_engine_keys "
                                 "WHERE rule_id = 'pressure-low' AND key = %s", (DEVICE,))
    assert state["fired"] is False

    rest = [120.0] * 12 + [300.0] * 3            # held 150 s in all, then it recovers
    produce(settings, start + timedelta(seconds=10 * len(first)), rest)
    engine_until(settings, tmp_path, len(first) + len(rest))
    cases = query(settings, "SELECT id, fingerprint, state, rule_id, grid_code, repeat_count, "
                            "opened_at FROM alerts")
    assert len(cases) == 1, cases
    alert_id, fingerprint, state, rule_id, grid, repeats, _ = cases[0]
    assert (fingerprint, state, rule_id, grid, repeats) == \
        (f"pressure-low|{DEVICE}", "resolved", "pressure-low", "g-eng", 1)
    events = query(settings, "SELECT actor, action, to_state FROM alert_events "
                             "WHERE alert_id = %s ORDER BY id", (alert_id,))
    assert events == [("system", "open", "new"), ("system", "resolve", "resolved")]
