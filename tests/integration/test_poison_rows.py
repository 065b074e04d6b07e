"""Rows the database refuses for their content go to the dead-letter topic, one message at a
time; the good messages around them are stored and ingest moves on.

Before the fix the writer retried only lost connections: any other database error killed
the writer, the process exited, and a restart read the same batch again, forever.

The poison here is made by the database's owner, as a city DBA might: a CHECK constraint
that our validation knows nothing of. Every value passes ingest's own checks, so only the
database can say no (a class 23 "integrity constraint" error), which is the case to prove.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from psycopg2.extras import Json

from cityops.stream import kafka_client
from store import db as store_db
from store import devices as store_devices
from tests.integration.ingest_run import committed, count, read_topic, start_ingest, stop, wait_for

pytestmark = pytest.mark.integration

POISON_VALUE = 666.0


def _readings(settings, start: datetime, total: int, poisoned: set[int]) -> None:
    producer = kafka_client.producer(settings)
    for i in range(total):
        device = f"poison-{i % 10:02d}"
        value = POISON_VALUE if i in poisoned else float(i % 500)
        producer.send(settings.topic("readings"), key=device.encode(), value=json.dumps(
            {"device": device, "ts": (start + timedelta(seconds=i)).isoformat(),
             "values": {"pressure_kpa": value}}).encode())
    producer.flush()
    producer.close()


def _incidents(settings, now: datetime) -> None:
    producer = kafka_client.producer(settings)
    for i in range(20):
        text = "POISON" if i == 11 else f"井盖缺失 {i}"
        producer.send(settings.topic("incidents"), key=f"p-{i}".encode(), value=json.dumps(
            {"source": "hotline", "source_id": f"p-{i}", "reported_at": now.isoformat(),
             "category": "公用设施", "subcategory": "井盖破损", "description": text,
             "lon": 121.47, "lat": 31.23},
            ensure_ascii=False).encode())
    producer.flush()
    producer.close()


def test_rows_the_database_refuses_are_dead_lettered_and_ingest_goes_on(isolated) -> None:
    figures = poison_run(isolated("poison"), total=303, poisoned={7, 150, 299})
    assert figures["stored"] == 300 and figures["incidents"] == 19
    assert figures["reasons"] == [("incidents", "db_rejected")] + [("readings", "db_rejected")] * 3
    assert "dba_no" in figures["detail"], figures["detail"]


def poison_run(settings, total: int, poisoned: set[int]) -> dict:
    """Readings and 20 incidents with poison among them through a real ingest; what came of
    them. Also the `poison rows` family of `make reliability`."""
    conn = store_db.connect(settings.database_url)
    store_devices.upsert(conn, [{"device_id": f"poison-{d:02d}", "kind": "water_main",
                                 "placed": False, "meta": Json({})} for d in range(10)])
    owner = store_db.connect(settings.owner_url)  # constraints are the owner's to add
    with owner, owner.cursor() as cur:
        cur.execute("ALTER TABLE readings ADD CONSTRAINT dba_no_666 CHECK (value <> 666)")
        cur.execute("ALTER TABLE incidents ADD CONSTRAINT dba_no_poison "
                    "CHECK (description <> 'POISON')")
    owner.close()
    now = datetime.now(UTC).replace(microsecond=0)
    _readings(settings, now - timedelta(seconds=total + 3600), total, poisoned)
    _incidents(settings, now)

    started = time.monotonic()
    proc = start_ingest(settings)
    try:
        wait_for(lambda: committed(settings, settings.ingest_group,
                                   settings.topic("readings")) == total
                 and committed(settings, f"{settings.ingest_group}-incidents",
                               settings.topic("incidents")) == 20, timeout=120)
    except AssertionError:
        raise AssertionError(_output(proc)) from None
    caught_up_s = time.monotonic() - started
    assert proc.poll() is None, "ingest must still be running"
    stop(proc)

    letters = read_topic(settings, settings.topic("dlq"))
    figures = {
        "produced": total + 20, "poisoned": len(poisoned) + 1,
        "stored": count(conn, "SELECT count(*) FROM readings"),
        "stored_poison": count(conn, "SELECT count(*) FROM readings WHERE value = 666"),
        "incidents": count(conn, "SELECT count(*) FROM incidents"),
        "reasons": sorted((dict(r.headers)["source_topic"].decode().rsplit(".", 1)[-1],
                           dict(r.headers)["reason"].decode()) for r in letters),
        "detail": dict(letters[0].headers)["detail"].decode() if letters else "",
        "caught_up_s": round(caught_up_s, 1)}
    conn.close()
    return figures


def _output(proc) -> str:
    if proc.poll() is None:
        return stop(proc)[-4000:]
    return f"ingest exited with {proc.returncode}: " + proc.stderr.read()[-4000:]
