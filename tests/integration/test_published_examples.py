"""Every published example (tests/data/formats/README.md) through the real broker and a real
ingest: the right readings in the database, or the dead-letter topic with the right reason.

The examples are dated from 2010 on, as published: this ingest keeps readings of 7,000 days
so that their own times are stored, not refused as too old."""

from datetime import UTC, datetime, timedelta

import pytest
from psycopg2.extras import Json

from cityops.stream import kafka_client
from devices.profiles import default_set
from geo.store import write_areas
from ingest.formats import decode_readings
from store import db as store_db
from store import devices as store_devices
from tests.integration.ingest_run import count, read_topic, start_ingest, stop, wait_for
from tests.published_examples import DEVICES, EXPECTED, ExampleRegistry, example, headers

pytestmark = pytest.mark.integration

INCIDENTS = {  # Open311 GeoReport v2's own examples
    "open311/georeport-v2-get-requests.json": "malformed_json",  # "service_code":006
    "open311/georeport-v2-get-request.json": "malformed_json",
    "open311/georeport-v2-get-requests-code-as-text.json": "outside_city",  # San Francisco
}


def test_published_examples_through_the_broker(isolated, small_city_areas) -> None:
    settings = isolated("examples")
    conn = store_db.connect(settings.database_url)
    write_areas(conn, small_city_areas)
    store_devices.upsert(conn, [
        {"device_id": d, "kind": kind, "placed": False, "meta": Json({"aliases": list(aliases)})}
        for d, kind, aliases in DEVICES])
    producer = kafka_client.producer(settings)
    expected_reason, dated, undated = {}, set(), 0
    registry = ExampleRegistry()
    for path, (_, outcome) in sorted(EXPECTED.items()):
        meta = producer.send(settings.topic("readings"), key=path.encode(), value=example(path),
                             headers=headers(path)).get(10)
        if isinstance(outcome, str):
            expected_reason[(meta.topic, meta.partition, meta.offset)] = outcome
            continue
        # Examples repeat one observation in several forms (normalized, keyValues, LD):
        # the store keeps one row per device, metric and instant.
        found = decode_readings(headers(path), example(path), default_set(), registry)
        old = datetime.now(UTC) - timedelta(days=1)
        dated |= {(r.device_id, r.metric, r.ts) for r in found if r.ts < old}
        undated += sum(1 for r in found if r.ts >= old)  # "now": the arrival's own time
    rows = len(dated) + undated
    for path, reason in INCIDENTS.items():
        meta = producer.send(settings.topic("incidents"), key=path.encode(), value=example(path),
                             headers=[("format", b"open311")]).get(10)
        expected_reason[(meta.topic, meta.partition, meta.offset)] = reason
    producer.close()

    proc = start_ingest(settings, CITYOPS_READINGS_RETENTION_DAYS="7000")
    try:
        wait_for(lambda: count(conn, "SELECT count(*) FROM readings") == rows)
        wait_for(lambda: len(read_topic(settings, settings.topic("dlq"), 1000))
                 >= len(expected_reason))
    finally:
        stop(proc)

    got = {}
    for record in read_topic(settings, settings.topic("dlq")):
        found = {k: v.decode() for k, v in record.headers}
        got[(found["source_topic"], int(found["source_partition"]),
             int(found["source_offset"]))] = found["reason"]
    assert got == expected_reason
    with conn.cursor() as cur:  # a few stored rows, exactly as published
        cur.execute("SELECT device_id, metric, value, ts::text FROM readings WHERE device_id IN "
                    "('urn:dev:ow:10e2073a0108006', 'lamp-guadalajara-4567', 'tb-device-b') "
                    "AND metric IN ('voltage_v', 'current_a', 'humidity_pct') "
                    "ORDER BY 1, 2, 4 LIMIT 4")
        assert cur.fetchall() == [
            ("lamp-guadalajara-4567", "current_a", 0.25, "2021-01-11 10:21:02+00"),
            ("lamp-guadalajara-4567", "voltage_v", 50.0, "2021-01-11 10:21:02+00"),
            ("tb-device-b", "humidity_pct", 80.0, "2017-01-01 00:00:00+00"),
            ("urn:dev:ow:10e2073a0108006", "current_a", 1.2, "2010-06-08 18:01:11.001+00")]
        cur.execute("SELECT count(*) FROM incidents")
        assert cur.fetchone()[0] == 0
    conn.close()
