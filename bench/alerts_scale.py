"""Alerts engines as a group: throughput at N members, state bytes per save, rebalances.

    .venv/bin/python bench/alerts.py --engines 1,2,3 --quick   # 10,000 devices, ~1 min
    .venv/bin/python bench/alerts.py --engines 1,2,3           # 100,000 devices

In a scratch database (the small demo city, the simulator's devices registered) and
topics of --partitions partitions, the simulator's stream of the devices (about
--per-device readings each, incidents at the city's share) is made once. For each N, a
fresh consumer group of N `cityops alerts` processes (the real service, default rules)
joins empty topics of its own; once all N own partitions, the stream is sent (librdkafka,
as fast as it goes) and read; the cases of the previous N are emptied first.

- throughput: messages evaluated and saved per second, from the first message sent to
  the moment the saved offsets cover the stream (the send overlaps the reading);
- save bytes: the state each save wrote (changed keys only), from the members'
  cityops_alerts_save_bytes: mean, and the bucket that holds the largest;
- rebalance: the members' time to save revoked and claim and load assigned partitions
  (cityops_alerts_rebalance_seconds), the work a rebalance stops evaluation for.

Ratio: throughput at N over throughput at 1. On a 2-core box the members share two cores
with the broker and the database, so N > 2 cannot scale; the figure says how much of the
box's capacity a group reaches. The last line printed is one JSON object.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from cityops.settings import REPO_ROOT, Settings
from cityops.stream import kafka_client
from cityops.topics import delete_topics, ensure_topics, topic_specs
from store import db


@dataclass
class Run:
    engines: int
    messages: int = 0
    seconds: float = 0.0
    joined_s: float = 0.0
    save_bytes: dict = field(default_factory=dict)
    rebalance: dict = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def make_stream(world, per_device: float, seed: int) -> list:
    """The simulator's stream of every device over four minutes just past.

    Shorter than the default rules' offline window (9 minutes): over ten minutes, devices
    whose few readings all came early were offline by the time they were read, and the
    run measured 25,000 offline cases opening (one a 16 messages), not evaluation."""
    from sim.plan import Plan
    from sim.shard import Shard, lanes_of
    devices = len(world[1].ids)
    span = 240.0
    plan = Plan(devices=devices, rate=devices * per_device / span, seed=seed,
                start=time.time() - span - 30, duration=span, anomaly_every=4000,
                incident_share=0.0005)
    return [m for m in Shard(*world, plan, lanes_of(0, 1)) if m.topic != "truth"]


def send(settings: Settings, stream: list) -> None:
    """As fast as librdkafka sends: the members, not the producer, set the pace."""
    from sim.kafka_sink import open_sink
    sink = open_sink(settings.replace(kafka_client="librdkafka"))
    for m in stream:
        sink.send(m)
    sink.close()


def saved(conn, settings: Settings) -> int:
    topics = [settings.topic("readings"), settings.topic("incidents")]
    with conn.cursor() as cur:
        cur.execute("SELECT coalesce(sum(next_offset), 0), count(DISTINCT owner) "
                    "FROM alert_engine_partitions WHERE consumer_group = %s AND "
                    "topic = ANY(%s)", (settings.alerts_group, topics))
        done, owners = cur.fetchone()
    return int(done), int(owners)


def members(settings: Settings, n: int, rules: Path, logs: Path) -> list[subprocess.Popen]:
    procs = []
    for i in range(n):
        port = settings.alerts_metrics_port + 1 + i
        env = {**os.environ, **settings.to_env(), "CITYOPS_ALERTS_METRICS_PORT": str(port)}
        log = (logs / f"bench-alerts-scale-{n}-{i}.log").open("w")
        procs.append(subprocess.Popen([sys.executable, "-m", "cityops", "alerts", "--rules",
                                       str(rules)], cwd=REPO_ROOT, env=env, stdout=log,
                                      stderr=subprocess.STDOUT))
    return procs


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    found = {}
    for line in text.splitlines():
        if line.startswith(("cityops_alerts_save_bytes", "cityops_alerts_rebalance_seconds")):
            name, value = line.rsplit(" ", 1)
            found[name] = float(value)
    return found


def histogram(samples: list[dict[str, float]], name: str) -> dict:
    """Mean and the bucket that holds the largest observation, over the members."""
    count = sum(s.get(f"{name}_count", 0.0) for s in samples)
    total = sum(s.get(f"{name}_sum", 0.0) for s in samples)
    # Labels as Prometheus writes them ("1e+06"), sorted by their value.
    labels = sorted({k.split('le="')[1].split('"')[0] for s in samples for k in s
                     if k.startswith(f"{name}_bucket") and "+Inf" not in k}, key=float)
    cumulative = {float(le): int(sum(s.get(f'{name}_bucket{{le="{le}"}}', 0.0)
                                     for s in samples)) for le in labels}
    largest = next((b for b, n in cumulative.items() if n >= count), None)
    return {"count": int(count), "mean": round(total / count, 3) if count else None,
            "max_at_most": largest, "cumulative": cumulative}


def one_run(base: Settings, n: int, stream: list, rules: Path, logs: Path) -> Run:
    """N members join topics of their own; once all own partitions, the stream is sent."""
    settings = base.replace(alerts_group=f"{base.alerts_group}-n{n}",
                            topic_prefix=f"{base.topic_prefix}n{n}.")
    admin = kafka_client.admin_client(settings)
    ensure_topics(admin, topic_specs(settings))
    total = len(stream)
    conn = db.connect(settings.owner_url, autocommit=True)
    with conn.cursor() as cur:
        # A scratch database: its append-only timeline may be emptied between runs.
        cur.execute("ALTER TABLE alert_events DISABLE TRIGGER USER; TRUNCATE alerts CASCADE; "
                    "ALTER TABLE alert_events ENABLE TRIGGER USER")
    procs = members(settings, n, rules, logs)
    run = Run(n)
    started = time.monotonic()
    try:
        while (state := saved(conn, settings))[1] < n:
            _alive(procs)
            time.sleep(0.1)  # poll interval: waiting for all members to own partitions
        run.joined_s = time.monotonic() - started
        first, t0 = state[0], time.monotonic()
        send(settings, stream)
        while (done := saved(conn, settings)[0]) < total:
            _alive(procs)
            time.sleep(0.1)  # poll interval: waiting for the saved offsets to cover it all
        run.seconds, run.messages = time.monotonic() - t0, done - first
        samples = [scrape(settings.alerts_metrics_port + 1 + i) for i in range(n)]
        run.save_bytes = histogram(samples, "cityops_alerts_save_bytes")
        run.rebalance = histogram(samples, "cityops_alerts_rebalance_seconds")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)
        conn.close()
        delete_topics(admin, list(settings.topics.values()))
        admin.close()
    return run


def _alive(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is not None:
            raise SystemExit(f"an engine exited with {proc.returncode}: see its log")


def main(args, scratch, drop) -> None:
    """Called by bench/alerts.py with its scratch world helpers."""
    from ops import stack
    engines = [int(n) for n in str(args.engines).split(",")]
    devices = args.devices or (10_000 if args.quick else 100_000)
    per_device = args.per_device or (12.0 if args.quick else 4.0)
    base = Settings.from_env().replace(topic_partitions=args.partitions)
    stack.up(base)
    settings, cells, placed = scratch(base, f"scale{int(time.time()) % 100000}", devices,
                                      args.seed)
    logs = Path("/tmp")
    try:
        stream = make_stream((cells, placed), per_device, args.seed)
        total = len(stream)
        print(f"stream: {total} messages of {devices} devices in {args.partitions} "
              "partitions", file=sys.stderr)
        runs = [one_run(settings, n, stream, args.rules, logs) for n in engines]
    finally:
        drop(base, settings)
    one = next((r.rate for r in runs if r.engines == 1), None)
    for r in runs:
        print(f"N={r.engines}: {r.messages} msgs in {r.seconds:.1f} s = {r.rate:.0f} msg/s"
              f" (joined in {r.joined_s:.1f} s); save bytes mean "
              f"{r.save_bytes.get('mean')}, largest <= {r.save_bytes.get('max_at_most')} "
              f"{r.save_bytes.get('cumulative')}; "
              f"rebalance work {r.rebalance}", file=sys.stderr)
    print(json.dumps({
        "bench": "alerts_scale", "devices": devices, "messages": total,
        "partitions": args.partitions, "cores": _cores(),
        "runs": [{"engines": r.engines, "msg_per_s": round(r.rate), "seconds":
                  round(r.seconds, 1), "ratio_to_1": round(r.rate / one, 2) if one else None,
                  "save_bytes_mean": r.save_bytes.get("mean"),
                  "save_bytes_max_at_most": r.save_bytes.get("max_at_most"),
                  "saves": r.save_bytes.get("count"),
                  "rebalance_s_max_at_most": r.rebalance.get("max_at_most")} for r in runs]}))


def _cores() -> int:
    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit("run it as: .venv/bin/python bench/alerts.py --engines 1,2,3 [--quick]")
