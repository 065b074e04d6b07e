"""Bad input end to end: hostile incidents (SQL, HTML and script injection, right-to-left
and zero-width characters, 1 MB descriptions, invalid UTF-8, text PostgreSQL cannot
hold) produced to the incidents topic of a real broker and read by a real `cityops
ingest`. Accepted ones read back from PostgreSQL exactly as sent; the rest are in
city.dlq with their reason and their bytes unchanged; ingest keeps running and exits
cleanly; the tables are all still there.

Short version in the default suite; `bin/cityops reliability` sends many more.
"""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime

import pytest

from cityops.stream import kafka_client
from geo.store import write_areas
from store import db as store_db
from tests.fuzz.end_to_end import STORED, hostile_incidents, latencies_ms, verify
from tests.integration.ingest_run import count, read_topic, start_ingest, wait_for

pytestmark = pytest.mark.integration
FAMILY = "bad input"


def _tables(conn) -> list[str]:
    with conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        names = [name for (name,) in cur.fetchall()]
    conn.rollback()
    return names


def _produce(settings, sent) -> list:
    producer = kafka_client.producer(settings, max_request_size=2_000_000)
    topic = settings.topic("incidents")
    futures = [producer.send(topic, key=m.source_id.encode(), value=m.value,
                             headers=list(m.headers)) for m in sent]
    producer.flush(60)
    metas = [f.get(30) for f in futures]
    producer.close()
    return metas


def _stop(proc) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=60)
    except Exception:  # noqa: BLE001 - a stuck ingest is killed, then reported
        proc.kill()
        _, err = proc.communicate()
    return proc.returncode, err


def _run(results, isolated, small_city_areas, label: str, mixes: int,
         timeout: float) -> None:
    settings = isolated(label)
    conn = store_db.connect(settings.database_url)
    write_areas(conn, small_city_areas)
    tables = _tables(conn)
    sent = hostile_incidents(datetime.now(UTC), mixes=mixes)
    stored = sum(m.expect == STORED for m in sent)
    start = time.monotonic()
    proc = start_ingest(settings)
    hung = 0
    try:
        metas = _produce(settings, sent)
        wait_for(lambda: count(conn, "SELECT count(*) FROM incidents") >= stored
                 and len(read_topic(settings, settings.topic("dlq"), 1000))
                 >= len(sent) - stored, timeout=timeout, every=1)
    except AssertionError:
        hung = 1  # not all through in time: ingest stuck or crashed on something
    finally:
        seconds = time.monotonic() - start
        code, err = _stop(proc)
    dlq = read_topic(settings, settings.topic("dlq"))
    problems = verify(conn, sent, metas, dlq)
    slowest = max(latencies_ms(conn, sent, metas, dlq), default=0.0)
    intact = _tables(conn) == tables
    conn.close()
    passed = not problems and not hung and code == 0 and intact
    results.add(FAMILY, f"end to end: hostile incidents ({label})", passed, inputs=len(sent),
                crashes=len(problems) + (code != 0), hangs=hung, slowest_ms=round(slowest),
                inputs_per_s=round(len(sent) / seconds, 1), accepted=stored,
                refused=len(sent) - stored, tables_intact=intact)
    assert code == 0, f"ingest exited with {code}: {err[-3000:]}"
    assert not hung, f"not all {len(sent)} messages stored or dead-lettered in {timeout}s"
    assert not problems, "\n".join(problems[:20])
    assert intact, "the set of tables changed"


def test_hostile_incidents_short(results, isolated, small_city_areas) -> None:
    _run(results, isolated, small_city_areas, "hostile", mixes=0, timeout=120)


@pytest.mark.reliability
def test_hostile_incidents_long(results, isolated, small_city_areas) -> None:
    _run(results, isolated, small_city_areas, "hostile-many", mixes=3000, timeout=600)
