"""A recorded stream, and alerts engines run on it as one member or as a changing group.

The stream (readings and incidents of a small city, each sent with its own time as the
Kafka timestamp, as a replay keeps it) has: pressure breaches whose holds cross the
points where members join and leave; devices that fall silent; three reports of broken
covers in each of three grid cells (a count rule, re-keyed by area), two of them where a
cover sensor also tilts (a composite of a device rule and an area rule); lone reports.

`Recorded.compare` holds what the issue asks of a group: the same problems as one
engine, none duplicated, none lost, no hold timer lost (every rule source opened at the
same event time).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from psycopg2.extras import Json

from cityops.settings import REPO_ROOT, Settings
from cityops.stream import kafka_client
from geo.store import write_areas
from store import db as store_db
from store import devices as store_devices
from tests.database import query
from tests.integration.ingest_run import messages_in
from tests.process import cli_env

RULES = """\
rules:
  - id: pressure-low
    kind: threshold
    name: {zh: 压力过低, en: Pressure low}
    category: 供水管网异常
    severity: major
    match: {device_kind: water_main, metric: pressure_kpa}
    params: {op: "<=", value: 150, for: 2m, clear: 200}
    auto_resolve: true
  - id: main-silent
    kind: absence
    name: {zh: 设备离线, en: Device offline}
    category: 设备离线
    severity: minor
    match: {device_kind: water_main}
    params: {after: 30m}
    auto_resolve: true
  - id: cover-tilted
    kind: threshold
    name: {zh: 井盖倾斜, en: Manhole cover tilted}
    category: 井盖破损
    severity: major
    match: {device_kind: manhole, metric: tilt_deg}
    params: {op: ">=", value: 10, for: 1m, clear: 5}
    auto_resolve: false
  - id: covers-reported
    kind: count
    name: {zh: 井盖破损多次上报, en: Broken cover reported three times}
    category: 井盖破损
    severity: major
    match: {subcategory: 井盖破损}
    params: {count: 3, within: 30m, per: grid}
    auto_resolve: false
  - id: cover-confirmed
    kind: composite
    name: {zh: 井盖破损多源确认, en: Broken cover confirmed by sensor and reports}
    category: 井盖破损
    severity: critical
    params: {all: [cover-tilted, covers-reported], within: 40m, per: grid}
    auto_resolve: false
"""
MAINS, SILENT, COVERS = 24, 4, 4
# Margins for a slow run: members read to the end of what has come tick at the wall
# clock, which runs on while the test does. The stream ends ~2 minutes before it is
# recorded; regular mains stay 5 minutes inside their 30-minute window, and the first
# report of a cluster 11 minutes inside its 30-minute count window.
EVERY_S = 30


@dataclass
class Message:
    stream: str
    key: str
    at: datetime
    value: dict


@dataclass
class Recorded:
    """The stream, cut in three phases at two points of its own time."""

    origin: datetime
    messages: list[Message] = field(default_factory=list)
    devices: list[dict] = field(default_factory=list)

    def phase(self, n: int) -> list[Message]:
        cuts = [datetime.min.replace(tzinfo=UTC), self.origin + timedelta(minutes=8),
                self.origin + timedelta(minutes=15), datetime.max.replace(tzinfo=UTC)]
        return [m for m in self.messages if cuts[n] <= m.at < cuts[n + 1]]


def record(areas) -> Recorded:
    cells = areas[areas["level"] == "grid"].sort_values("code").iloc[::17]
    spots = [(row, row.geometry.centroid) for row in cells.itertuples()]
    rec = Recorded(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=25))
    for i in range(MAINS + SILENT + COVERS):
        row, point = spots[i % len(spots)]
        kind = "manhole" if i >= MAINS + SILENT else "water_main"
        rec.devices.append({"device_id": f"grp-{kind}-{i}", "kind": kind, "placed": True,
                            "grid_code": row.code, "community_code": row.community_code,
                            "street_code": row.street_code,
                            "district_code": row.district_code,
                            "lon": point.x, "lat": point.y, "meta": Json({})})
    for i, dev in enumerate(rec.devices):
        _readings(rec, i, dev)
    for cell in range(3):   # covers' cells first: two of them tilt
        row, point = spots[(MAINS + SILENT + cell) % len(spots)]
        for n, minute in enumerate((6, 9, 13)):
            _incident(rec, f"12345-G-{cell}-{n}", minute, point, n * 15)
    for n in range(5):
        row, point = spots[n * 3 % len(spots)]
        _incident(rec, f"12345-L-{n}", 4 + n * 3, point, 0, "道路破损")
    rec.messages.sort(key=lambda m: m.at)
    return rec


def _readings(rec: Recorded, i: int, dev: dict) -> None:
    silent = MAINS <= i < MAINS + SILENT
    start = rec.origin - timedelta(minutes=30) if silent else rec.origin
    count = 20 if silent else 46
    for n in range(count):
        at = start + timedelta(seconds=EVERY_S * n)
        minute = (at - rec.origin).total_seconds() / 60
        if dev["kind"] == "manhole":
            tilted = i - MAINS - SILENT < 2 and minute >= 6
            values = {"tilt_deg": 25.0 if tilted else 1.0}
        else:
            # Six mains breach from minute 6 to 13: their 2-minute holds run across the
            # first cut (minute 8) and the members' changes around it.
            low = i % 4 == 0 and 6 <= minute < 13
            values = {"pressure_kpa": 100.0 if low else 300.0}
        rec.messages.append(Message("readings", dev["device_id"], at, {
            "device": dev["device_id"], "ts": at.isoformat(), "values": values}))


def _incident(rec: Recorded, number: str, minute: float, point, east_m: float,
              subcategory: str = "井盖破损") -> None:
    at = rec.origin + timedelta(minutes=minute)
    rec.messages.append(Message("incidents", number, at, {
        "source": "hotline", "source_id": number, "reported_at": at.isoformat(),
        "case_type": "部件", "category": "公用设施", "subcategory": subcategory,
        "description": "市民来电反映", "address": "测试路1号",
        "lon": round(point.x + east_m / 95_000, 6), "lat": round(point.y, 6)}))


def prepare(settings: Settings, areas, rec: Recorded, rules_dir: Path) -> None:
    (rules_dir / "rules.yaml").write_text(RULES, encoding="utf-8")
    conn = store_db.connect(settings.database_url)
    write_areas(conn, areas)
    store_devices.upsert(conn, rec.devices)
    conn.close()


def produce(settings: Settings, messages: list[Message], seconds: float = 0.0,
            sent: list[int] | None = None) -> None:
    """Send the messages in order, spread over `seconds` (load while members change);
    `sent` counts what the broker has acknowledged."""
    producer = kafka_client.producer(settings)
    started, sent = time.monotonic(), sent if sent is not None else [0]
    for i, m in enumerate(messages):
        if seconds:
            ahead = started + seconds * i / len(messages) - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)  # pacing the load, not waiting for a condition
        producer.send(settings.topic(m.stream), key=m.key.encode(),
                      value=json.dumps(m.value, ensure_ascii=False).encode(),
                      timestamp_ms=int(m.at.timestamp() * 1000)).add_callback(
            lambda _, sent=sent: sent.__setitem__(0, sent[0] + 1))
    producer.flush()
    producer.close()


@contextmanager
def producing(settings: Settings, messages: list[Message], seconds: float):
    """The stream sent in the background at a steady rate; yields the acknowledged count."""
    sent = [0]
    thread = threading.Thread(target=produce, args=(settings, messages, seconds, sent))
    thread.start()
    try:
        yield sent
    finally:
        thread.join(timeout=seconds + 60)


class Members:
    """`cityops alerts` processes of one group, started and stopped by name."""

    def __init__(self, settings: Settings, rules_dir: Path, logs: Path) -> None:
        self.settings, self.rules_dir, self.logs = settings, rules_dir, logs
        self.running: dict[str, subprocess.Popen] = {}
        self.port = settings.alerts_metrics_port

    def start(self, name: str) -> None:
        self.port += 1
        log = (self.logs / f"engine-{name}.log").open("w")
        self.running[name] = subprocess.Popen(
            [sys.executable, "-m", "cityops", "alerts", "--rules", str(self.rules_dir)],
            cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
            env=cli_env(self.settings, CITYOPS_ALERTS_METRICS_PORT=str(self.port)))

    def stop(self, name: str, how: int = signal.SIGTERM) -> None:
        proc = self.running.pop(name)
        proc.send_signal(how)
        assert proc.wait(timeout=30) in (0, -signal.SIGKILL), self.log(name)

    def log(self, name: str) -> str:
        return (self.logs / f"engine-{name}.log").read_text()[-3000:]

    def wait_owning(self, timeout: float = 60) -> None:
        """Until the partitions' current claims are exactly the running members'."""
        want = {str(proc.pid) for proc in self.running.values()}
        deadline = time.monotonic() + timeout
        while (have := self.owners()) != want:
            assert time.monotonic() < deadline, f"owners {have}, running {want}"
            time.sleep(0.2)  # poll interval: waiting for a condition, bounded by the deadline

    def owners(self) -> set[str]:
        rows = query(self.settings, "SELECT DISTINCT owner FROM alert_engine_partitions "
                                    "WHERE consumer_group = %s", (self.settings.alerts_group,))
        return {owner.split(":")[1] for (owner,) in rows}

    def close(self) -> None:
        for name in list(self.running):
            self.stop(name, signal.SIGKILL)


def saved(settings: Settings) -> int:
    topics = [settings.topic("readings"), settings.topic("incidents")]
    rows = query(settings, "SELECT coalesce(sum(next_offset), 0) FROM alert_engine_partitions "
                           "WHERE consumer_group = %s AND topic = ANY(%s)",
                 (settings.alerts_group, topics))
    return int(rows[0][0])


def wait_sent(sent: list[int], count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while sent[0] < count:
        assert time.monotonic() < deadline, f"sent {sent[0]} of {count}"
        time.sleep(0.05)  # poll interval: waiting for a condition, bounded by the deadline


def wait_saved(settings: Settings, count: int, members: Members, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while saved(settings) < count:
        for name, proc in members.running.items():
            assert proc.poll() is None, members.log(name)
        assert time.monotonic() < deadline, f"saved {saved(settings)} of {count}"
        time.sleep(0.2)  # poll interval: waiting for a condition, bounded by the deadline


def wait_settled(settings: Settings, members: Members, total: int,
                 timeout: float = 90) -> None:
    """Everything read and saved, the by-area topic too, and the silent mains offline
    (their cases open on the first tick at the wall clock, once caught up)."""
    wait_saved(settings, total, members, timeout)
    deadline = time.monotonic() + timeout
    while True:
        by_area = query(settings, "SELECT coalesce(sum(next_offset), 0) "
                                  "FROM alert_engine_partitions WHERE consumer_group = %s "
                                  "AND topic = %s", (settings.alerts_group,
                                                     settings.topic("by_area")))[0][0]
        silent = query(settings, "SELECT count(*) FROM alerts WHERE rule_id = 'main-silent'")
        if by_area >= forwarded(settings) and silent[0][0] >= SILENT:
            return
        assert time.monotonic() < deadline, (by_area, forwarded(settings), silent)
        time.sleep(0.2)  # poll interval: waiting for a condition, bounded by the deadline


def forwarded(settings: Settings) -> int:
    return messages_in(settings, settings.topic("by_area"))


@dataclass
class Outcome:
    groups: set[frozenset[str]]          # each case as the set of its sources
    opened_at: dict[str, float]          # rule source -> its fire time (hold timers)
    sources: list[str]                   # every source of every case (duplicates show)
    states: dict[frozenset[str], str]

    @classmethod
    def read(cls, settings: Settings) -> Outcome:
        rows = query(settings, "SELECT a.id, a.state, s.source_key, s.source_kind, "
                               "extract(epoch FROM s.at), a.rule_id FROM alerts a "
                               "JOIN case_sources s ON s.alert_id = a.id")
        by_case: dict[int, set[str]] = {}
        states, opened, sources = {}, {}, []
        for case, state, key, kind, at, _rule in rows:
            by_case.setdefault(case, set()).add(key)
            states[case] = state
            sources.append(key)
            if kind == "rule" and not key.startswith("main-silent|"):
                opened[key] = float(at)  # absence fires at a tick: its time is the tick's
        groups = {frozenset(keys) for keys in by_case.values()}
        return cls(groups, opened, sources,
                   {frozenset(by_case[c]): s for c, s in states.items()})


def compare(one: Outcome, many: Outcome) -> None:
    assert len(one.sources) == len(set(one.sources)), "the single engine wrote a source twice"
    assert len(many.sources) == len(set(many.sources)), sorted(
        s for s in many.sources if many.sources.count(s) > 1)
    assert many.groups == one.groups, (sorted(map(sorted, many.groups ^ one.groups)))
    assert many.opened_at == one.opened_at
    assert many.states == one.states
