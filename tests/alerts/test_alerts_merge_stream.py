"""Merging through the real broker and database: a manhole sensor, a 12345 call and a
patrol report of one broken cover make one case with three sources; a report of another
cover a kilometre away makes its own case."""

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
  - id: manhole-tilted
    kind: threshold
    name: {zh: 井盖倾斜, en: Manhole cover tilted}
    category: 井盖破损
    severity: major
    match: {device_kind: manhole, metric: tilt_deg}
    params: {op: ">=", value: 10, for: 20s, clear: 5}
    auto_resolve: true
"""
DEVICE = "mh-merge-1"
LON, LAT = 121.4737, 31.2304
METRE_LON = 1 / (111_320 * 0.8556)


def incident(source: str, number: str, at: datetime, east_m: float) -> dict:
    return {"source": source, "source_id": number, "reported_at": at.isoformat(),
            "case_type": "部件", "category": "公用设施", "subcategory": "井盖破损",
            "description": "人行道上的井盖破了一个角", "address": "人民大道200号",
            "lon": round(LON + east_m * METRE_LON, 6), "lat": LAT}


def produce(settings, readings: list[tuple[datetime, float]], incidents: list[dict]) -> int:
    producer = kafka_client.producer(settings)
    for ts, tilt in readings:
        producer.send(settings.topic("readings"), key=DEVICE.encode(), value=json.dumps(
            {"device": DEVICE, "ts": ts.isoformat(), "values": {"tilt_deg": tilt}}).encode())
    for doc in incidents:
        producer.send(settings.topic("incidents"), key=doc["source_id"].encode(),
                      value=json.dumps(doc, ensure_ascii=False).encode())
    producer.flush()
    producer.close()
    return len(readings) + len(incidents)








def test_sensor_call_and_patrol_of_one_cover_make_one_case(isolated, tmp_path) -> None:
    settings = isolated("merge")
    (tmp_path / "rules.yaml").write_text(RULE, encoding="utf-8")
    conn = store_db.connect(settings.database_url)
    store_devices.upsert(conn, [{"device_id": DEVICE, "kind": "manhole", "placed": True,
                                 "grid_code": "g-m", "district_code": "d-m",
                                 "lon": LON, "lat": LAT, "meta": Json({})}])
    conn.close()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    readings = [(start + timedelta(seconds=10 * i), 2.0 if i < 3 else 25.0) for i in range(9)]
    call = incident("hotline", "12345-M-1", start + timedelta(minutes=6), east_m=30)
    reports = [call, incident("patrol", "XC-M-1", start + timedelta(minutes=15), east_m=-20),
               call,                                              # the same call again
               incident("hotline", "12345-M-2", start + timedelta(minutes=8), east_m=1000)]
    engine_until(settings, tmp_path, produce(settings, readings, reports))

    cases = query(settings, "SELECT id, auto_resolve FROM alerts ORDER BY lon")
    assert len(cases) == 2, cases
    (near, auto_resolve), (far, _) = cases
    sources = query(settings, "SELECT source_kind, source_key FROM case_sources "
                              "WHERE alert_id = %s ORDER BY source_key", (near,))
    assert sources == [("incident", "hotline:12345-M-1"), ("rule", f"manhole-tilted|{DEVICE}"),
                       ("incident", "patrol:XC-M-1")]
    merges = query(settings, "SELECT count(*) FROM alert_events WHERE alert_id = %s "
                             "AND action = 'merge'", (near,))
    assert merges == [(2,)]
    assert auto_resolve is False          # people reported it: people verify it
    assert query(settings, "SELECT source_key FROM case_sources WHERE alert_id = %s",
                 (far,)) == [("hotline:12345-M-2",)]
