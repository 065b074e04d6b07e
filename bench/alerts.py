"""Alerts: detection latency, quality against the simulator's labels, cases per problem.

    .venv/bin/python bench/alerts.py --quick    # 2,000 devices, 40 s of stream, ~1 min
    .venv/bin/python bench/alerts.py            # 5,000 devices, 240 s of stream
    .venv/bin/python bench/alerts.py --engines 1,2,3 [--quick]   # a group: bench/alerts_scale.py

On the local stack (brought up if needed), in a scratch database (small demo city, the
simulator's devices registered) and scratch topics, this bench drives the simulator's
stream itself at ~5,000 messages/s (wall clock) and runs the alerts engine as a child
process (`alerts.engine.service.build`, the same engine `cityops alerts` runs) on the rules folder.

Simulated time is compressed (`--speed`, default 120 simulated seconds per wall second)
so that anomalies of 5-40 minutes and rules with 1-25 minute holds complete within a
minute. Holds, rates and windows run on the messages' timestamps, so they need nothing;
absence ticks read the engine's clock, so the child maps its clock onto simulated time.
Latency is measured on the wall clock and is unaffected by the compression.

- latency: trigger = the message the engine was evaluating when it opened the case (the
  reading of the case's device whose ts is the fire time, or for a count rule the incident
  that made the N-th); produce time = when the bench handed it to the producer; commit
  time = when the bench received the NOTIFY that a trigger on INSERT INTO alerts sends
  (delivered at commit). Absence cases have no trigger message and are reported apart.
- quality: see `score`; cases_per_problem: see `problems`.
The last line printed is one JSON object; per-kind figures go to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psycopg2 import sql  # noqa: E402

from cityops.settings import Settings  # noqa: E402
from cityops.stream import kafka_client  # noqa: E402
from cityops.topics import delete_topics, ensure_topics, topic_specs  # noqa: E402
from store import db  # noqa: E402

GRACE_S = 300.0        # simulated seconds after a label's end in which its case may open
DISTRICTS = ["310101", "310106"]
# Label kind -> the rule kind that must find it. Count truth is derived from the stream
# (`count_truth`): every area with N incidents in the window is a cluster by definition;
# the simulator's complaint_cluster labels are reported apart (`labelled clusters`).
KIND_OF_LABEL = {"threshold_breach": "threshold", "rapid_rise": "rate",
                 "device_offline": "absence", "count_window": "count"}
NOTIFY_SQL = """
CREATE FUNCTION bench_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('bench_case', 'open ' || NEW.id);
  ELSIF OLD.rule_id IS NULL AND NEW.rule_id IS NOT NULL THEN
    PERFORM pg_notify('bench_case', 'at ' || NEW.id || ' ' || extract(epoch FROM NEW.last_seen_at));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER bench_notify AFTER INSERT OR UPDATE ON alerts
FOR EACH ROW EXECUTE FUNCTION bench_notify();
"""
# With merging (alerts/grouping), a rule fire is a case_sources row (in a new case or
# merged into an open one), a 'repeat' event (a source an open case already holds fired
# again; the event names the source, so a repeat on a 12345 case a cluster was merged into
# is attributed) or an 'inhibit' event. Each is a detection, timed at its own commit.
NOTIFY_SOURCES_SQL = """
CREATE FUNCTION bench_notify_source() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('bench_case', 'src ' || NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER bench_notify_source AFTER INSERT ON case_sources
FOR EACH ROW EXECUTE FUNCTION bench_notify_source();
CREATE FUNCTION bench_notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.action IN ('inhibit', 'repeat') THEN
    PERFORM pg_notify('bench_case', 'evt ' || NEW.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER bench_notify_event AFTER INSERT ON alert_events
FOR EACH ROW EXECUTE FUNCTION bench_notify_event();
"""


# ---------------------------------------------------------------- the engine, as a child

def engine_child(rules: Path, sim_origin: float, sim_end: float, speed: float) -> None:
    """Run the engine with its clock on simulated time; stdin says `go <wall>` and `end`.

    The loop is engine.run's, split so the parent starts the stream only once the
    consumer holds its partitions (else the first triggers would wait for the join).
    """
    from alerts.engine.metrics import EngineMetrics
    from alerts.engine.service import build
    engine = build(Settings.from_env(), rules, EngineMetrics())
    origin: list[float] = []

    def clock() -> float:
        if not origin:
            return sim_origin - 3600.0  # before the stream: nothing can look silent
        return min(sim_origin + (time.time() - origin[0]) * speed, sim_end)

    engine.clock = clock
    # Kafka's timestamps are wall time: onto simulated time, as the clock is.
    engine.watermark.to_clock = lambda wall: (
        min(sim_origin + (wall - origin[0]) * speed, sim_end) if origin else sim_origin - 3600.0)
    # Ticks and checkpoints once a wall second, as in real time.
    engine.tick_seconds = engine.checkpoint_seconds = speed
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    engine.stop = stop
    engine.start()
    while not engine.consumer.assignment() and not stop.is_set():
        engine.step()
    print("ready", flush=True)

    def control() -> None:
        for line in sys.stdin:
            if line.startswith("go "):
                origin.append(float(line.split()[1]))
            elif line.startswith("end"):
                engine.checkpoint_seconds = 0.0  # the clock stands still: save every step

    threading.Thread(target=control, daemon=True).start()
    try:
        while not stop.is_set():
            engine.step()
        engine.save([])
    finally:
        engine.consumer.close(autocommit=False)
        engine.conn.close()


# ---------------------------------------------------------------- scratch world

def scratch(base: Settings, run: str, devices_n: int, seed: int):
    """Scratch database with the small city, devices and the NOTIFY trigger; topics."""
    from geo.demo import build_demo
    from geo.store import write_areas
    from sim import registry
    from sim.placement import Cells, place
    from store import device_file
    from store.migrate import migrate
    name = f"cityops_bench_alerts_{run}"
    admin = db.connect(base.owner_url, autocommit=True)
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    # Set up as the owner (the notify trigger is DDL); the engine runs as the services' role.
    url = f"{base.owner_url.rsplit('/', 1)[0]}/{name}"
    settings = base.replace(database_url=f"{base.database_url.rsplit('/', 1)[0]}/{name}",
                            owner_database_url=url, database_url_given=True,
                            kafka_bootstrap_given=True, topic_prefix=f"bench.alerts.{run}.",
                            alerts_group=f"bench-alerts-{run}")
    conn = db.connect(url)
    migrate(conn, settings.timescale)
    areas = build_demo(seed=1, districts=DISTRICTS, cell_size_m=1000)
    write_areas(conn, areas)
    cells = Cells.from_areas(areas)
    devices = place(cells, devices_n, seed)
    device_file.upsert(conn, [{**r, "placed": True} for r in registry.rows(cells, devices)])
    with conn.cursor() as cur:
        cur.execute(NOTIFY_SQL)
        if has_sources(cur):
            cur.execute(NOTIFY_SOURCES_SQL)
    conn.commit()
    conn.close()
    admin = kafka_client.admin_client(settings)
    ensure_topics(admin, topic_specs(settings))
    admin.close()
    return settings, cells, devices


def has_sources(cur) -> bool:
    cur.execute("SELECT to_regclass('case_sources') IS NOT NULL")
    return cur.fetchone()[0]


def drop(base: Settings, settings: Settings) -> None:
    admin = kafka_client.admin_client(settings)
    delete_topics(admin, list(settings.topics.values()))
    admin.close()
    conn = db.connect(base.owner_url, autocommit=True)
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(settings.database_url.rsplit("/", 1)[1])))
    conn.close()


class Listener(threading.Thread):
    """Receives the trigger's notifications; each is timestamped on arrival (= commit)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.conn = db.connect(url, autocommit=True)
        with self.conn.cursor() as cur:
            cur.execute("LISTEN bench_case")
        self.opened: dict[int, float] = {}   # case id -> wall time of the commit
        self.fired_at: dict[int, float] = {}  # case id -> simulated fire time
        self.sources: dict[int, float] = {}   # case_sources id -> wall time of the commit
        self.events: dict[int, float] = {}  # alert_events id (repeat, inhibit) -> wall time
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            if select.select([self.conn], [], [], 0.2)[0]:
                self.conn.poll()
                now = time.time()
                for note in self.conn.notifies:
                    word, *rest = note.payload.split()
                    if word == "open":
                        self.opened.setdefault(int(rest[0]), now)
                    elif word == "src":
                        self.sources.setdefault(int(rest[0]), now)
                    elif word == "evt":
                        self.events.setdefault(int(rest[0]), now)
                    else:
                        self.fired_at.setdefault(int(rest[0]), float(rest[1]))
                self.conn.notifies.clear()


# ---------------------------------------------------------------- driving the stream

@dataclass
class Driven:
    readings: dict[str, tuple[array, array]] = field(default_factory=dict)  # ms, wall
    incidents: dict[str, float] = field(default_factory=dict)  # source_id -> wall
    labels: list[dict] = field(default_factory=list)
    open_labels: list[dict] = field(default_factory=list)   # anomalies still running
    docs: dict[str, tuple[dict, int]] = field(default_factory=dict)  # source_id -> doc, cell
    formats: dict[str, str] = field(default_factory=dict)  # source_id -> format sent in
    sent: int = 0
    seconds: float = 0.0

    def produced(self, device: str, at: float) -> float | None:
        found = self.readings.get(device)
        if found is None:
            return None
        ms, wall = found
        i = bisect_left(ms, at * 1000 - 2)  # ts strings carry whole milliseconds
        return wall[i] if i < len(ms) and abs(ms[i] - at * 1000) <= 2 else None


def drive(settings: Settings, shard, wall_origin: float, sim_origin: float,
          speed: float, driven: Driven | None = None) -> Driven:
    """Send every message at its moment, noting when each reading and incident went."""
    from sim.kafka_sink import open_sink
    sink = open_sink(settings)
    out = Driven() if driven is None else driven
    began = time.time()
    for m in shard:
        ahead = wall_origin + (m.t - sim_origin) / speed - time.time()
        if ahead > 0.002:
            time.sleep(ahead)
        if m.topic == "truth":  # labels stay with the bench: the engine must not see them
            out.labels.append(json.loads(m.value))
            continue
        now = time.time()
        sink.send(m)
        out.sent += 1
        if m.malformed is None:
            note(out, m, now)
    sink.close()
    out.seconds = time.time() - began
    if sink.errors:
        raise SystemExit(f"broker refused {sink.errors} messages: {sink.last_error}")
    return out


def keep_docs(shard, out: Driven) -> None:
    """Note every incident document the simulator writes, with its grid cell (for the
    count truth); only those actually sent count (see `count_truth`)."""
    for stream in shard.streams:
        reports = stream.reports
        made = reports.report

        def report(rng, t, source, category, cell, spot=None, _made=made):
            doc = _made(rng, t, source, category, cell, spot)
            out.docs[doc["source_id"]] = (doc, int(cell))
            return doc

        reports.report = report


def note(out: Driven, m, now: float) -> None:
    if m.topic == "readings":
        device = m.ref.split("@", 1)[0]
        if device not in out.readings:
            out.readings[device] = (array("d"), array("d"))
        ms, wall = out.readings[device]
        ms.append(round(m.t * 1000))
        wall.append(now)
    else:
        # The first send: a closed call's rating (native, later) must not replace the time
        # or the format (an Open311 call without a service code has no subcategory) of it.
        out.incidents.setdefault(m.ref.split(":", 1)[1], now)
        out.formats.setdefault(m.ref.split(":", 1)[1], m.format)


def unfinished(shard) -> list[dict]:
    """Labels of anomalies still running at the end: they explain cases, score no recall."""
    found = []
    for stream in shard.streams:
        for _, _, what, item in stream.scheduled:
            if what == "label":
                found.append(stream.injector.finish(item))
    return found


# ---------------------------------------------------------------- after the stream

def caught_up(settings: Settings, timeout: float) -> bool:
    """Wait until the engine's saved offsets reach the topics' ends."""
    from kafka import KafkaConsumer, TopicPartition
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap)
    ends = {}
    for stream in ("readings", "incidents"):
        topic = settings.topic(stream)
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        ends.update({f"{tp.topic}:{tp.partition}": end
                     for tp, end in consumer.end_offsets(tps).items()})
    consumer.close()
    conn = db.connect(settings.database_url, autocommit=True)
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            with conn.cursor() as cur:
                cur.execute("SELECT topic, partition, next_offset FROM alert_engine_partitions "
                            "WHERE consumer_group = %s AND next_offset IS NOT NULL",
                            (settings.alerts_group,))
                saved = {f"{t}:{p}": o for t, p, o in cur.fetchall()}
            if all(saved.get(key, 0) >= end for key, end in ends.items()):
                return True
            time.sleep(0.2)
        return False
    finally:
        conn.close()


@dataclass
class Case:
    id: int
    kind: str          # the rule's kind
    rule: str
    device: str | None
    grid: str | None
    category: str | None
    at: float          # simulated fire time
    detail: dict
    committed: float | None  # wall time of the commit (NOTIFY)
    fingerprint: str | None = None
    how: str = "source"      # source (opened or merged) | repeat | inhibited


CASES = """
SELECT a.id, a.labels, a.rule_id, a.grid_code, a.category,
       extract(epoch FROM {first}) FROM alerts a {join} GROUP BY a.id ORDER BY a.id
"""
SOURCES = """
SELECT s.id, s.details, a.grid_code, a.category, extract(epoch FROM s.at), s.source_key
FROM case_sources s JOIN alerts a ON a.id = s.alert_id
WHERE s.source_kind = 'rule' ORDER BY s.id
"""
EVENTS = """
SELECT e.id, e.action, e.details, a.grid_code, a.category
FROM alert_events e JOIN alerts a ON a.id = e.alert_id
WHERE e.action = 'inhibit' OR (e.action = 'repeat' AND e.details->>'source_kind' = 'rule')
ORDER BY e.id
"""


def cases(conn, listener: Listener, grouped: bool) -> list[Case]:
    """Every case opened (report cases of incidents too), timed at its first source."""
    first, join = ("coalesce(min(s.at), a.last_seen_at)",
                   "LEFT JOIN case_sources s ON s.alert_id = a.id") if grouped else (
                   "a.last_seen_at", "")
    with conn.cursor() as cur:
        cur.execute(CASES.format(first=first, join=join))
        rows = cur.fetchall()
    return [Case(i, labels.get("rule_kind", "?"), rule or labels.get("rule", "?"),
                 labels.get("device"), grid, category, listener.fired_at.get(i, float(last)),
                 labels.get("detail") or {}, listener.opened.get(i))
            for i, labels, rule, grid, category, last in rows]


def detections(settings: Settings, listener: Listener, rules: Path) -> tuple[list, list]:
    """(rule fires recorded, cases opened). Without case_sources every fire is a case.

    A fire is a `case_sources` row of kind rule (it opened a case or merged into one), a
    repeat (a `repeat` event: the case holding its fingerprint was open, be it the rule's
    own case or a report case it was merged into) or an inhibited fire (an `inhibit` event
    on the inhibiting case). All three are the engine detecting it."""
    from alerts.rules import load_folder
    kinds = {r.id: r.kind for r in load_folder(rules).rules}
    conn = db.connect(settings.database_url, autocommit=True)
    try:
        with conn.cursor() as cur:
            grouped = has_sources(cur)
        opened = cases(conn, listener, grouped)
        if not grouped:
            return [c for c in opened if c.kind in kinds.values()], opened
        with conn.cursor() as cur:
            cur.execute(SOURCES)
            rows = cur.fetchall()
            cur.execute(EVENTS)
            events = cur.fetchall()
    finally:
        conn.close()
    fires = [Case(sid, kinds.get(d.get("rule"), "?"), d.get("rule", "?"), d.get("device"),
                  grid, category, float(at), d.get("detail") or {}, listener.sources.get(sid),
                  key)
             for sid, d, grid, category, at, key in rows]
    for eid, action, d, grid, category in events:
        repeat = action == "repeat"
        fires.append(Case(-eid, kinds.get(d.get("rule"), "?"), d.get("rule", "?"),
                          d.get("device"), None if d.get("device") else grid,
                          category if repeat else None, float(d["at"]),
                          (d.get("detail") or {}) if repeat else {}, listener.events.get(eid),
                          d.get("source_key") if repeat else d.get("fingerprint"),
                          "repeat" if repeat else "inhibited"))
    return fires, opened


def span(label: dict) -> tuple[float, float]:
    if label["kind"] == "count_window":
        return label["start"], label["end"]
    return (datetime.fromisoformat(label["start"]).timestamp(),
            datetime.fromisoformat(label["end"]).timestamp())


def explains(label: dict, case: Case) -> bool:
    """A label explains a case opened between its start and its end + GRACE_S, on its
    device, or (area rules) in its grid with its category or subcategory."""
    start, end = span(label)
    if not start <= case.at <= end + GRACE_S:
        return False
    if label["kind"] == "count_window":  # derived truth: the rule's own area key
        return case.fingerprint == f"{label['rule']}|{label['key']}"
    if case.device is not None:
        return case.device == label.get("device")
    return (case.grid == label.get("grid_code")
            and case.category in (label.get("category"), label.get("subcategory")))


def detected(label: dict, found: list[Case]) -> bool:
    """A label is found by a case of the rule kind meant for it (and its metric)."""
    want = KIND_OF_LABEL[label["kind"]]
    return any(c.kind == want and explains(label, c)
               and c.detail.get("metric", label.get("metric")) == label.get("metric")
               for c in found)


def count_truth(rules: Path, driven: Driven, cells) -> list[dict]:
    """Every count-in-window the stream holds, by each count rule's own definition.

    For each count rule that opens cases: the incidents the bench sent (well-formed, not
    a closed call's rating, which repeats an incident) that the rule matches, keyed by its
    area (`per`, from the grid cell the simulator put the incident in) and group (`by`).
    A cluster starts at the N-th distinct incident within `within` and ends when fewer than
    N remain in the window. Labelled (injected) and chance clusters alike: the rule's
    definition is the truth. Returns labels of kind count_window (epoch start / end)."""
    from alerts.rules import load_folder
    from sim.formats import SERVICE_OF
    levels = {"grid": cells.codes, "community": cells.community, "street": cells.street,
              "district": cells.district}
    sent = [(datetime.fromisoformat(doc["reported_at"]).timestamp(), sid, doc, cell)
            for sid, (doc, cell) in driven.docs.items() if sid in driven.incidents]
    sent.sort(key=lambda x: x[0])
    out = []
    for rule in load_folder(rules).rules:
        if rule.kind != "count" or not rule.opens_case:
            continue
        n, within, by = rule.params["count"], rule.params["within"], rule.params["by"]
        per_key: dict[str, list] = {}
        for t, sid, doc, cell in sent:
            if driven.formats.get(sid) == "open311" and \
                    (doc["category"], doc["subcategory"]) not in SERVICE_OF:
                # Open311 has no service code for this subcategory: the message carries
                # only the category (service_name), so no rule can group it by subcategory.
                doc = {**doc, "subcategory": None}
            if not rule.match.incident(doc["source"], doc["category"], doc["subcategory"]):
                continue
            key = str(levels[rule.params["per"]][cell])
            if by is not None:
                if not doc[by]:
                    continue
                key = f"{key}|{doc[by]}"
            per_key.setdefault(key, []).append((t, sid, str(cells.codes[cell])))
        for key, items in per_key.items():
            window: list = []
            label = None
            for t, sid, grid in items:
                window = [x for x in window if x[0] > t - within]
                if label is not None and (len(window) < n or
                                          window[-n][0] + within <= t):
                    label = None  # the window held fewer than N before this one came
                window.append((t, sid, grid))
                if len(window) >= n and label is None:
                    label = {"kind": "count_window", "rule": rule.id, "key": key,
                             "start": t, "end": t + within, "source_id": sid,
                             "grid_code": grid}
                    out.append(label)
                if label is not None:
                    label["end"] = window[-n][0] + within
    return out


def offline_measurable(labels: list[dict], rules: Path, tick_s: float) -> tuple[list, list]:
    """(device_offline labels the absence rules can see, the others).

    The simulator's silences are 10-40 simulated minutes; `device-offline-slow` waits
    25 min and the engine ticks once a wall second (`tick_s` simulated seconds). A label
    counts for recall only if its silence (its device's last reading before it, to its
    end) is at least the rule's `after` for that device plus one tick: shorter ones are
    not an outage by the rule's definition. They still explain fires (precision)."""
    from alerts.rules import load_folder
    from sim.kinds import TYPES
    absence = [r for r in load_folder(rules).rules if r.kind == "absence"]
    keep, short = [], []
    for lb in labels:
        if lb["kind"] != "device_offline":
            keep.append(lb)
            continue
        device = lb["device"]
        kind = next(k for k in sorted(TYPES, key=lambda k: -len(k.prefix))
                    if device.startswith(k.prefix + "-"))
        afters = [r.params["after"] for r in absence if r.match.device(kind.kind, kind.name)]
        last = datetime.fromisoformat(lb["refs"][0].split("@", 1)[1]).timestamp()
        silence = span(lb)[1] - last
        (keep if afters and silence >= min(afters) + tick_s else short).append(lb)
    return keep, short


def score(labels: list[dict], running: list[dict], found: list[Case]) -> dict:
    """Recall per label kind, precision per rule kind (unexplained cases are false)."""
    out: dict = {"recall": {}, "precision": {}}
    hits = total = 0
    for kind in KIND_OF_LABEL:
        mine = [lb for lb in labels if lb["kind"] == kind]
        found_n = sum(detected(lb, found) for lb in mine)
        out["recall"][kind] = (found_n, len(mine))
        hits, total = hits + found_n, total + len(mine)
    out["recall_all"] = hits / total if total else None
    everything = labels + running
    good = all_n = 0
    for kind in KIND_OF_LABEL.values():
        mine = [c for c in found if c.kind == kind]
        ok = [c for c in mine if any(explains(lb, c) for lb in everything)]
        out["precision"][kind] = (len(ok), len(mine))
        out.setdefault("false", []).extend(c for c in mine if c not in ok)
        good, all_n = good + len(ok), all_n + len(mine)
    out["precision_all"] = good / all_n if all_n else None
    return out


def problems(labels: list[dict], found: list[Case]) -> tuple[float | None, int]:
    """Cases opened per labelled multi-source problem (any rule explaining it counts)."""
    mine = [lb for lb in labels if lb["kind"] == "multi_source"]
    if not mine:
        return None, 0
    return sum(sum(explains(lb, c) for c in found) for lb in mine) / len(mine), len(mine)


def latencies(found: list[Case], driven: Driven,
              truth: list[dict] = ()) -> dict[str, list[float]]:
    """Commit minus produce time of each fire's trigger message, by rule kind. Absence
    fires on a tick and a composite at its parts' time: they have no trigger message.
    A count fire's trigger is the incident it names, or (a repeat or an inhibited fire,
    which name none) the N-th incident of the derived cluster it belongs to."""
    out: dict[str, list[float]] = {}
    for c in found:
        if c.committed is None or c.kind in ("absence", "composite", "geofence"):
            continue
        if c.kind == "count":
            source = c.detail.get("source_id") or next(
                (lb["source_id"] for lb in truth if explains(lb, c)), None)
            produced = driven.incidents.get(str(source))
        else:
            produced = driven.produced(c.device, c.at) if c.device else None
        if produced is not None:
            out.setdefault(c.kind, []).append(c.committed - produced)
    return out


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ---------------------------------------------------------------- the run

def start_engine(settings: Settings, rules: Path, sim_origin: float, sim_end: float,
                 speed: float, log: Path) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, __file__, "--engine-child", "--rules", str(rules),
         "--sim-origin", repr(sim_origin), "--sim-end", repr(sim_end), "--speed", repr(speed)],
        cwd=ROOT, env=dict(os.environ, **settings.to_env()), text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("w"))
    if child.stdout.readline().strip() != "ready":
        raise SystemExit(f"the alerts engine did not start; see {log}")
    return child


def measure(settings: Settings, world, args) -> dict:
    from sim.plan import Plan
    from sim.shard import Shard, lanes_of
    sim_span = args.seconds * args.speed
    sim_origin = time.time() - sim_span - 60  # the stream ends in the past: no ts_in_future
    plan = Plan(devices=args.devices, rate=args.rate / args.speed, seed=args.seed,
                start=sim_origin, duration=sim_span, anomaly_every=args.anomaly_every,
                incident_share=args.incident_share)
    shard = Shard(*world, plan, lanes_of(0, 1))
    driven = Driven()
    keep_docs(shard, driven)
    listener = Listener(settings.database_url)
    listener.start()
    log = Path(f"/tmp/bench-alerts-{settings.alerts_group}.log")
    child = start_engine(settings, args.rules, sim_origin, sim_origin + sim_span,
                         args.speed, log)
    try:
        wall_origin = time.time() + 0.2
        child.stdin.write(f"go {wall_origin!r}\n")
        child.stdin.flush()
        driven = drive(settings, shard, wall_origin, sim_origin, args.speed, driven)
        child.stdin.write("end\n")
        child.stdin.flush()
        if not caught_up(settings, timeout=120):
            print("warning: the engine had not caught up after 120 s", file=sys.stderr)
        time.sleep(0.5)  # the last notifications
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=60)
        listener.done.set()
        listener.join()
    driven.open_labels = unfinished(shard)
    fires, opened = detections(settings, listener, args.rules)
    truth = count_truth(args.rules, driven, world[0])
    return {"driven": driven, "fires": fires, "cases": opened, "log": log, "truth": truth}


def report(found: dict, args) -> dict:
    driven, fires, all_cases = found["driven"], found["fires"], found["cases"]
    truth = found["truth"]
    labels, short = offline_measurable(driven.labels, args.rules, args.speed)
    quality = score(labels + truth, driven.open_labels + short, fires)
    per_problem, n_problems = problems(driven.labels, all_cases)
    by_kind = latencies(fires, driven, truth)
    lat = [x for values in by_kind.values() for x in values]
    err = sys.stderr
    print(f"stream: {driven.sent:,} messages in {driven.seconds:.1f} s "
          f"({driven.sent / driven.seconds:,.0f}/s), {len(driven.labels)} finished labels, "
          f"{len(driven.open_labels)} running at the end; {len(fires)} rule fires "
          f"recorded, {len(all_cases)} cases; "
          f"load average {os.getloadavg()[0]:.2f}", file=err)
    for kind, (hit, n) in quality["recall"].items():
        print(f"recall    {kind:<18} {hit}/{n}", file=err)
    clusters = [lb for lb in driven.labels if lb["kind"] == "complaint_cluster"]
    near = [c for c in fires if c.rule == "complaint-cluster"]
    found_n = sum(any(explains(lb, c) for c in near) for lb in clusters)
    print(f"labelled clusters (simulator's complaint_cluster labels) found {found_n}/"
          f"{len(clusters)}; derived count clusters: {len(truth)}; device_offline labels "
          f"shorter than their rule's after + one tick (not scored): {len(short)}", file=err)
    how: dict[str, int] = {}
    for c in fires:
        how[c.how] = how.get(c.how, 0) + 1
    print(f"fires recorded as: {how}", file=err)
    for kind, (ok, n) in quality["precision"].items():
        print(f"precision {kind:<18} {ok}/{n}", file=err)
    by_rule: dict[str, int] = {}
    for c in quality["false"]:
        by_rule[c.rule] = by_rule.get(c.rule, 0) + 1
    print(f"unexplained cases by rule: {by_rule}", file=err)
    every: dict[str, int] = {}
    for c in fires:
        every[f"{c.kind}:{c.rule}"] = every.get(f"{c.kind}:{c.rule}", 0) + 1
    print(f"rule fires by rule: {every}", file=err)
    for kind, values in by_kind.items():
        print(f"latency {kind:<10} n={len(values)} p50={quantile(values, 0.5):.3f} s "
              f"p99={quantile(values, 0.99):.3f} s max={max(values):.3f} s", file=err)
    print(f"latency: {len(lat)} cases with a trigger message; "
          f"multi-source problems: {n_problems}", file=err)
    if args.verbose:
        for c in quality["false"][:20]:
            print(f"  false: {c}", file=err)
        for lb in labels + truth:
            if lb["kind"] in KIND_OF_LABEL and not detected(lb, fires):
                print(f"  missed: {lb}", file=err)
    return {"p50_s": _round(quantile(lat, 0.5)), "p99_s": _round(quantile(lat, 0.99)),
            "recall": _round(quality["recall_all"]),
            "precision": _round(quality["precision_all"]),
            "cases_per_problem": _round(per_problem)}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about a minute")
    parser.add_argument("--rules", type=Path, default=ROOT / "alerts/rules/default")
    parser.add_argument("--devices", type=int)
    parser.add_argument("--seconds", type=float, help="wall seconds of stream")
    parser.add_argument("--rate", type=float, default=5000.0, help="messages per wall second")
    parser.add_argument("--speed", type=float, default=120.0,
                        help="simulated seconds per wall second")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--anomaly-every", type=int, default=1000,
                        help="readings per injected anomaly (the simulator's default: 4000)")
    parser.add_argument("--incident-share", type=float,
                        help="incidents per reading (default: as many per simulated hour "
                             "as the simulator makes at the devices' real intervals)")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--engines", help="members per group to measure, e.g. 1,2,3 "
                                          "(bench/alerts_scale.py)")
    parser.add_argument("--partitions", type=int, default=6,
                        help="with --engines: partitions of the scratch topics")
    parser.add_argument("--per-device", type=float,
                        help="with --engines: readings per device in the stream")
    parser.add_argument("--engine-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sim-origin", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--sim-end", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_child:
        engine_child(args.rules, args.sim_origin, args.sim_end, args.speed)
        return
    if args.engines:
        from bench import alerts_scale
        alerts_scale.main(args, scratch, drop)
        return
    args.devices = args.devices or (2000 if args.quick else 5000)
    args.seconds = args.seconds or (40.0 if args.quick else 240.0)
    if args.incident_share is None:
        # Compressing time at a fixed wall rate would multiply incidents per simulated
        # hour (and so chance clusters) by rate / natural rate; keep the city's density.
        from sim.kinds import natural_rate
        args.incident_share = 0.02 * natural_rate(args.devices) / (args.rate / args.speed)
    from ops import stack
    base = Settings.from_env()
    stack.up(base)
    settings, cells, devices = scratch(base, uuid.uuid4().hex[:6], args.devices, args.seed)
    try:
        found = measure(settings, (cells, devices), args)
    finally:
        drop(base, settings)
    print(json.dumps(report(found, args)))


if __name__ == "__main__":
    main()
