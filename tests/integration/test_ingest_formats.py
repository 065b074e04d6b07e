"""Every documented format through the real broker into the right rows, and the whole bad
corpus into the dead-letter topic with the right reasons, with good messages around it."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from psycopg2.extras import Json

from cityops.stream import kafka_client
from geo.store import write_areas
from store import db as store_db
from store import devices as store_devices
from tests.bad_messages import KNOWN_DEVICE, corpus
from tests.integration.ingest_run import count, read_topic, start_ingest, stop, wait_for

pytestmark = pytest.mark.integration
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "formats"


def example(name: str) -> dict | list:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def world(isolated, small_city_areas):
    settings = isolated("formats")
    conn = store_db.connect(settings.database_url)
    write_areas(conn, small_city_areas)
    store_devices.upsert(conn, [
        {"device_id": d, "kind": k, "placed": False, "meta": Json({})}
        for d, k in [(KNOWN_DEVICE, "gauge"), ("streetlight-00042", "streetlight"),
                     ("air_station-00007", "air_station"), ("manhole-00313", "manhole")]])
    yield settings, conn
    conn.close()


def send(producer, topic: str, value: bytes | None, headers=(), key: bytes = b"k"):
    return producer.send(topic, key=key, value=value, headers=list(headers)).get(10)


def test_examples_and_bad_corpus_through_the_broker(world) -> None:
    settings, conn = world
    now = datetime.now(UTC).replace(microsecond=0)
    producer = kafka_client.producer(settings, max_request_size=2_000_000)
    readings, incidents = settings.topic("readings"), settings.topic("incidents")

    native = example("native-reading.json")
    native["ts"] = (now - timedelta(minutes=5)).isoformat()
    pack = example("senml-pack.json")
    pack[0]["bt"] = (now - timedelta(minutes=5)).timestamp()
    hotline = example("native-incident.json")
    hotline["reported_at"] = now.isoformat()
    patrol = example("open311-request.json")
    patrol["requested_datetime"] = now.isoformat()

    expected_reason = {}
    bad = corpus(now)
    good_every = len(bad) // 3
    for n, message in enumerate(bad):
        topic = readings if message.stream == "readings" else incidents
        meta = send(producer, topic, message.value, message.headers)
        expected_reason[(meta.topic, meta.partition, meta.offset)] = message.reason
        if n % good_every == 0:  # good messages in between must be unaffected
            send(producer, readings, json.dumps(native).encode(), [("format", b"native")])
    send(producer, readings, json.dumps(pack).encode(), [("format", b"senml")])
    send(producer, incidents, json.dumps(hotline, ensure_ascii=False).encode())
    send(producer, incidents, json.dumps(patrol, ensure_ascii=False).encode(),
         [("format", b"open311"), ("source", b"patrol")])
    producer.close()

    proc = start_ingest(settings)
    try:
        wait_for(lambda: count(conn, "SELECT count(*) FROM incidents") == 2
                 and count(conn, "SELECT count(*) FROM readings") == 7)
        wait_for(lambda: len(read_topic(settings, settings.topic("dlq"), 1000)) >= len(bad))
    finally:
        stop(proc)

    with conn.cursor() as cur:
        cur.execute("SELECT device_id, metric, value FROM readings ORDER BY 1, 2")
        assert cur.fetchall() == [
            ("air_station-00007", "no2_ugm3", 29.4), ("air_station-00007", "pm10_ugm3", 61.0),
            ("air_station-00007", "pm25_ugm3", 38.5), ("manhole-00313", "water_ingress", 1.0),
            ("streetlight-00042", "current_a", 0.42), ("streetlight-00042", "lamp_on", 1.0),
            ("streetlight-00042", "voltage_v", 221.5)]
        cur.execute("SELECT source, category, subcategory, district_code, grid_code IS NOT NULL,"
                    " reporter_phone FROM incidents ORDER BY source")
        assert cur.fetchall() == [
            ("hotline", "公用设施", "井盖破损", "310101", True, "13812345678"),
            ("patrol", "街面秩序", "占道经营", "310101", True, "13900001111")]
    conn.rollback()

    got = {}
    for record in read_topic(settings, settings.topic("dlq")):
        headers = {k: v.decode() for k, v in record.headers}
        source = (headers["source_topic"], int(headers["source_partition"]),
                  int(headers["source_offset"]))
        got[source] = headers["reason"]
    assert got == expected_reason
