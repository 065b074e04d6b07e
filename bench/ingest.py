"""Ingest throughput: ours end to end against a raw COPY floor and a naive per-message loop.

    .venv/bin/python bench/ingest.py            # 2,000,000 readings
    .venv/bin/python bench/ingest.py --quick    # 1,000,000 readings, about a minute
    .venv/bin/python bench/ingest.py --quick --repeat 5   # adds ratio_floor_min/median/max

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
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / ".state" / "bench"  # the ingest processes' logs of the last run, one a round
sys.path.insert(0, str(ROOT))

from psycopg2 import sql  # noqa: E402
from psycopg2.extras import Json  # noqa: E402

from cityops.settings import Settings  # noqa: E402
from cityops.stream import kafka_client  # noqa: E402
from cityops.topics import delete_topics, ensure_topics, topic_specs  # noqa: E402
from ops import stack  # noqa: E402
from store import db, devices, partitions  # noqa: E402
from store.migrate import migrate  # noqa: E402

PROFILE = os.environ.get("BENCH_PROFILE")  # a path: write a cProfile of the ingest process
METRICS = ("pm25_ugm3", "pm10_ugm3", "no2_ugm3", "o3_ugm3")  # an air station's message
# Long enough that one consumer-group rebalance (a second or so) is not most of the
# measured window: at 300,000 readings the whole run took about 2 s, so a single join
# could halve the figure (issue #12's 0.13-0.61 swing).
QUICK_READINGS = 1_000_000
DEPLOYED_CLIENT = Settings.from_env().kafka_client  # what `cityops ingest` runs by default
OTHER_CLIENT = "librdkafka" if DEPLOYED_CLIENT == "kafka-python" else "kafka-python"


def scratch_database(settings: Settings, name: str) -> str:
    """A new database; its URL as the owner (set-up, TRUNCATE between rounds)."""
    admin = db.connect(settings.owner_url, autocommit=True)
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    base = settings.owner_url.rsplit("/", 1)[0]
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
    log = (LOGS / f"{settings.ingest_group}.log").open("w")  # run, round, client, processes
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


def measure(settings: Settings, url: str, docs: list, rows: int, attempt: int) -> dict:
    """One round of every figure; groups are new each round, so each reads the whole topic."""
    settings = settings.replace(ingest_group=f"{settings.ingest_group}-r{attempt}")
    floor_rate = floor(url, docs, rows)
    truncate(url)
    cores = os.cpu_count() or 1
    ours_rate, ours_with_start, rss = ours(settings, rows, DEPLOYED_CLIENT, processes=cores)
    truncate(url)
    one_rate, one_with_start, one_rss = ours(settings, rows, DEPLOYED_CLIENT)
    truncate(url)
    other_rate, other_with_start, other_rss = ours(settings, rows, OTHER_CLIENT)
    truncate(url)
    print(f"round {attempt + 1}: floor {floor_rate:,.0f} rows/s; {DEPLOYED_CLIENT}, {cores} "
          f"processes (as deployed) {ours_rate:,.0f} sustained ({ours_with_start:,.0f} with "
          f"start-up), peak RSS {rss:.0f} MB per process; 1 process {one_rate:,.0f} "
          f"({one_with_start:,.0f}); {OTHER_CLIENT}, 1 process {other_rate:,.0f} "
          f"({other_with_start:,.0f})", file=sys.stderr)
    return {"floor": floor_rate, "ours": ours_rate, "ours_with_start": ours_with_start,
            "rss": max(rss, one_rss), "one": one_rate, "other": other_rate,
            "other_rss": other_rss, "processes": cores}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--readings", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure N times on the same pre-loaded topic; the JSON line "
                             "gains the minimum ratios over the repeats")
    args = parser.parse_args()
    readings = args.readings or (QUICK_READINGS if args.quick else 2_000_000)
    count = readings // len(METRICS)
    rows = count * len(METRICS)

    base = Settings.from_env()
    stack.up(base)
    for old in LOGS.glob("*.log"):
        old.unlink()
    run = uuid.uuid4().hex[:6]
    url = scratch_database(base, f"cityops_bench_{run}")
    # Ingest runs as the services' role, as deployed.
    service_url = f"{base.database_url.rsplit('/', 1)[0]}/cityops_bench_{run}"
    settings = base.replace(database_url=service_url, owner_database_url=url,
                            database_url_given=True,
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

    rounds = [measure(settings, url, docs, rows, n) for n in range(max(1, args.repeat))]
    naive_rate = naive(settings, url, 1000 if args.quick else 3000)
    delete_topics(admin, list(settings.topics.values()))
    admin.close()
    admin_conn = db.connect(base.owner_url, autocommit=True)
    with admin_conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(f"cityops_bench_{run}")))
    admin_conn.close()
    report(rounds, rows, count, naive_rate)


def report(rounds: list[dict], rows: int, count: int, naive_rate: float) -> None:
    """The last round's figures, as before, and over the rounds the worst ratio."""
    last = rounds[-1]
    ratios = [r["ours"] / r["floor"] for r in rounds]
    ones = [r["one"] / r["floor"] for r in rounds]
    print(f"readings: {rows:,} in {count:,} messages of {len(METRICS)} values", file=sys.stderr)
    print(f"floor (one COPY):        {last['floor']:>10,.0f} rows/s", file=sys.stderr)
    print(f"naive (per message):     {naive_rate:>10,.0f} rows/s", file=sys.stderr)
    print(f"ratio_floor over {len(rounds)} round(s): min {min(ratios):.3f}, median "
          f"{statistics.median(ratios):.3f}, max {max(ratios):.3f}; one process: min "
          f"{min(ones):.3f}, median {statistics.median(ones):.3f}", file=sys.stderr)
    figures = {"rows_per_s": round(last["ours"]), "floor_rows_per_s": round(last["floor"]),
               "ratio_floor": round(ratios[-1], 3),
               "ratio_naive": round(last["ours"] / naive_rate, 1),
               "rss_mb": round(last["rss"], 1), "processes": last["processes"],
               "client": DEPLOYED_CLIENT,
               "rows_per_s_one_process": round(last["one"]),
               "ratio_floor_one_process": round(ones[-1], 3),
               f"rows_per_s_{OTHER_CLIENT.replace('-', '_')}": round(last["other"])}
    if len(rounds) > 1:
        figures |= {"repeats": len(rounds), "ratio_floor_min": round(min(ratios), 3),
                    "ratio_floor_median": round(statistics.median(ratios), 3),
                    "ratio_floor_max": round(max(ratios), 3),
                    "ratio_floor_one_process_min": round(min(ones), 3)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
