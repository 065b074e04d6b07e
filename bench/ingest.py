"""Ingest throughput: ours end to end against a raw COPY floor and a naive per-message loop.

    .venv/bin/python bench/ingest.py            # 1,000,000 readings
    .venv/bin/python bench/ingest.py --quick    # 300,000 readings, about a minute

All three write the same rows into the same `readings` table (same partitions, same
indexes) of a scratch database on the local stack:
  floor  one COPY of the rows, prepared in memory beforehand (the database's own limit);
  ours   `cityops ingest --stream readings` consuming a pre-loaded topic (Kafka fetch,
         decode, validate, registry check, batch write, device_state, offset commits),
         with one consumer process per core as deployed (CITYOPS_INGEST_PROCESSES), and
         again with one process and with the librdkafka client for comparison;
  naive  kafka-python, one INSERT and one commit per message (a subset, extrapolated).
The last line is one JSON object with the figures the issue names.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / ".state" / "bench"  # the ingest processes' logs of the last run
sys.path.insert(0, str(ROOT))

from psycopg2 import sql  # noqa: E402
from psycopg2.extras import Json  # noqa: E402

from cityops import kafka_client  # noqa: E402
from cityops.settings import Settings  # noqa: E402
from cityops.topics import delete_topics, ensure_topics, topic_specs  # noqa: E402
from ops import stack  # noqa: E402
from store import db, devices, partitions  # noqa: E402
from store.migrate import migrate  # noqa: E402

PROFILE = os.environ.get("BENCH_PROFILE")  # a path: write a cProfile of the ingest process
METRICS = ("pm25_ugm3", "pm10_ugm3", "no2_ugm3", "o3_ugm3")  # an air station's message


def scratch_database(settings: Settings, name: str) -> str:
    admin = db.connect(settings.database_url, autocommit=True)
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    base = settings.database_url.rsplit("/", 1)[0]
    return f"{base}/{name}"


def messages(count: int, devices_n: int, start: datetime) -> list[tuple[str, dict]]:
    out = []
    for i in range(count):
        device = f"bench-{i % devices_n:05d}"
        ts = start + timedelta(seconds=i // devices_n)
        values = {m: round(10 + (i * 7 + k * 13) % 300 * 0.5, 1) for k, m in enumerate(METRICS)}
        out.append((device, {"device": device, "ts": ts.isoformat(), "values": values}))
    return out


def preload(settings: Settings, docs: list[tuple[str, dict]]) -> float:
    producer = kafka_client.producer(settings, linger_ms=50, batch_size=1024 * 1024)
    started = time.perf_counter()
    topic = settings.topic("readings")
    for device, doc in docs:
        producer.send(topic, key=device.encode(), value=json.dumps(doc).encode())
    producer.flush()
    producer.close()
    return time.perf_counter() - started


def copy_rows(docs: list[tuple[str, dict]]) -> io.StringIO:
    buf = io.StringIO()
    for _, doc in docs:
        for metric, value in doc["values"].items():
            buf.write(f"{doc['ts']}\t{doc['device']}\t{metric}\t{value!r}\n")
    buf.seek(0)
    return buf


def floor(url: str, docs: list[tuple[str, dict]], rows: int) -> float:
    buf = copy_rows(docs)
    conn = db.connect(url)
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.copy_expert("COPY readings (ts, device_id, metric, value) FROM STDIN", buf)
    conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return rows / elapsed


def truncate(url: str) -> None:
    conn = db.connect(url)
    with conn.cursor() as cur:
        cur.execute("TRUNCATE readings, device_state")
    conn.commit()
    conn.close()


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    found = {}
    for line in text.splitlines():
        if line.startswith("cityops_ingest_rows_written_total{"):
            found["rows"] = float(line.split()[-1])
    return found


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def ours(settings: Settings, rows: int, client: str,
         processes: int = 1) -> tuple[float, float, float]:
    """(sustained rows/s from first to last batch, rows/s including start-up, peak RSS MB of
    the largest consumer process).

    `cityops ingest --processes N`, as deployed: N consumer processes in one group split
    the partitions; each serves its own /metrics on consecutive ports.
    """
    settings = settings.replace(kafka_client=client, ingest_processes=processes,
                                ingest_group=f"{settings.ingest_group}-{client}-{processes}")
    ports = [settings.ingest_metrics_port + n for n in range(processes)]
    profile = ["-m", "cProfile", "-o", PROFILE] if PROFILE and processes == 1 else []
    LOGS.mkdir(parents=True, exist_ok=True)
    log = (LOGS / f"ingest-{client}-{processes}.log").open("w")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *profile, "-m", "cityops", "ingest", "--stream", "readings"],
        cwd=ROOT, env=dict(os.environ, **settings.to_env()), stderr=log)
    first = None
    written = 0.0
    try:
        while written < rows:
            if proc.poll() is not None:
                raise SystemExit("ingest exited early")
            time.sleep(0.05)
            try:
                written = sum(scrape(port).get("rows", 0.0) for port in ports)
            except OSError:
                continue
            if written and first is None:
                first = (time.perf_counter(), written)
        done = time.perf_counter()
        rss = max(peak_rss_mb(pid) for pid in [proc.pid, *_children(proc.pid)])
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=90)
        log.close()
    sustained = (rows - first[1]) / (done - first[0])
    return sustained, rows / (done - started), rss


def naive(settings: Settings, url: str, sample: int) -> float:
    """One INSERT and one commit per message, the way a first prototype would do it."""
    from kafka import KafkaConsumer
    consumer = KafkaConsumer(settings.topic("readings"), bootstrap_servers=settings.kafka_bootstrap,
                             group_id=f"naive-{uuid.uuid4().hex[:6]}",
                             auto_offset_reset="earliest", enable_auto_commit=False)
    conn = db.connect(url)
    done = rows = 0
    started = time.perf_counter()
    while done < sample:
        for records in consumer.poll(timeout_ms=500).values():
            for record in records:
                doc = json.loads(record.value)
                with conn.cursor() as cur:
                    cur.execute("INSERT INTO readings (ts, device_id, metric, value) "
                                "SELECT %s, %s, m, v FROM unnest(%s::text[], %s::float8[]) "
                                "AS t(m, v) ON CONFLICT DO NOTHING",
                                (doc["ts"], doc["device"], list(doc["values"]),
                                 list(doc["values"].values())))
                conn.commit()
                consumer.commit()
                done += 1
                rows += len(doc["values"])
                if done >= sample:
                    break
            if done >= sample:
                break
    elapsed = time.perf_counter() - started
    consumer.close()
    conn.close()
    return rows / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--readings", type=int, default=None)
    args = parser.parse_args()
    readings = args.readings or (300_000 if args.quick else 1_000_000)
    count = readings // len(METRICS)
    rows = count * len(METRICS)

    base = Settings.from_env()
    stack.up(base)
    run = uuid.uuid4().hex[:6]
    url = scratch_database(base, f"cityops_bench_{run}")
    settings = base.replace(database_url=url, database_url_given=True,
                            kafka_bootstrap_given=True, topic_prefix=f"bench.{run}.",
                            ingest_group=f"bench-{run}", ingest_metrics_port=19_301)
    conn = db.connect(url)
    migrate(conn, settings.timescale)
    devices_n = 5000
    devices.upsert(conn, [{"device_id": f"bench-{d:05d}", "kind": "air_station",
                           "placed": False, "meta": Json({})} for d in range(devices_n)])
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    partitions.ensure_days(conn, start.date(), datetime.now(UTC).date())
    conn.commit()
    conn.close()
    admin = kafka_client.admin_client(settings)
    ensure_topics(admin, topic_specs(settings))
    docs = messages(count, devices_n, start)
    preload_s = preload(settings, docs)
    print(f"pre-loaded {count:,} messages ({rows:,} readings) in {preload_s:.1f}s",
          file=sys.stderr)

    floor_rate = floor(url, docs, rows)
    truncate(url)
    cores = os.cpu_count() or 1
    ours_rate, ours_with_start, rss = ours(settings, rows, "kafka-python", processes=cores)
    truncate(url)
    one_rate, one_with_start, one_rss = ours(settings, rows, "kafka-python")
    truncate(url)
    fast_rate, fast_with_start, fast_rss = ours(settings, rows, "librdkafka")
    truncate(url)
    naive_rate = naive(settings, url, 1000 if args.quick else 3000)
    delete_topics(admin, list(settings.topics.values()))
    admin.close()
    admin_conn = db.connect(base.database_url, autocommit=True)
    with admin_conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(f"cityops_bench_{run}")))
    admin_conn.close()

    print(f"readings: {rows:,} in {count:,} messages of {len(METRICS)} values", file=sys.stderr)
    print(f"floor (one COPY):        {floor_rate:>10,.0f} rows/s", file=sys.stderr)
    print(f"ours, kafka-python, {cores} processes (one per core, as deployed): "
          f"{ours_rate:>10,.0f} rows/s sustained ({ours_with_start:,.0f} including "
          f"start-up), peak RSS {rss:.0f} MB per process", file=sys.stderr)
    print(f"ours, kafka-python, 1 process: {one_rate:>10,.0f} rows/s sustained "
          f"({one_with_start:,.0f} including start-up), peak RSS {one_rss:.0f} MB",
          file=sys.stderr)
    print(f"ours, librdkafka, 1 process:   {fast_rate:>10,.0f} rows/s sustained "
          f"({fast_with_start:,.0f} including start-up), peak RSS {fast_rss:.0f} MB",
          file=sys.stderr)
    print(f"naive (per message):     {naive_rate:>10,.0f} rows/s", file=sys.stderr)
    print(json.dumps({"rows_per_s": round(ours_rate), "floor_rows_per_s": round(floor_rate),
                      "ratio_floor": round(ours_rate / floor_rate, 3),
                      "ratio_naive": round(ours_rate / naive_rate, 1),
                      "rss_mb": round(rss, 1), "processes": cores,
                      "rows_per_s_one_process": round(one_rate),
                      "ratio_floor_one_process": round(one_rate / floor_rate, 3),
                      "rows_per_s_librdkafka": round(fast_rate)}))


if __name__ == "__main__":
    main()
