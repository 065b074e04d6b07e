"""After a fault: what was stored against what was produced, cases, hold timers and lag."""

from __future__ import annotations

import urllib.request
from collections import Counter
from datetime import UTC

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from cityops.settings import Settings
from tests.database import query
from tests.reliability.faults.load import Load, digest
from tests.reliability.faults.world import RULE_ID

OPEN_TWICE = """
SELECT count(*) FROM (SELECT fingerprint FROM alerts
WHERE state NOT IN ('closed', 'rejected', 'resolved') GROUP BY fingerprint HAVING count(*) > 1) d
"""


def compare(produced: set[str], stored: list[str]) -> dict[str, object]:
    """Exactly once: counts, checksums, duplicates, lost and unexpected rows."""
    kept = set(stored)
    return {"produced": len(produced), "stored": len(stored),
            "duplicates": len(stored) - len(kept), "lost": len(produced - kept),
            "unexpected": len(kept - produced),
            "checksum_ok": digest(produced) == digest(stored)}


def readings(settings: Settings, load: Load) -> dict[str, object]:
    rows = query(settings, "SELECT device_id, ts, value FROM readings "
                           "WHERE device_id LIKE 'flt-%%'")
    return compare(load.ledger.readings, [
        f"{d}|{ts.astimezone(UTC).isoformat()}|{v:.1f}" for d, ts, v in rows])


def incidents(settings: Settings, load: Load) -> dict[str, object]:
    rows = query(settings, "SELECT source, source_id, reported_at FROM incidents "
                           "WHERE source_id LIKE %s", (f"{load.label}-%",))
    return compare(load.ledger.incidents, [
        f"{s}|{sid}|{at.astimezone(UTC).isoformat()}" for s, sid, at in rows])


def cases(settings: Settings, load: Load) -> dict[str, int]:
    """Every breach and every incident is a source of exactly one case.

    A breach's fire opens a case of its own or, near an open case of the same problem,
    merges into it (alerts/grouping): either way its fingerprint is one row of
    case_sources. A replay would add a 'repeat' event or a second row; a lost hold timer
    would start the hold again later, so the source's `since` would not be the breach's
    first reading.
    """
    expected = load.expected_cases()
    rules = query(settings, "SELECT source_key, (details->'detail'->>'since')::float "
                            "FROM case_sources WHERE source_kind = 'rule'")
    per_print = Counter(key for key, _ in rules)
    since = dict(rules)
    repeats = query(settings, "SELECT count(*) FROM alert_events WHERE action = 'repeat'")[0][0]
    open_twice = query(settings, OPEN_TWICE)[0][0]
    sources = Counter(key for (key,) in query(
        settings, "SELECT source_key FROM case_sources WHERE source_kind = 'incident'"))
    produced = {f"hotline:{line.split('|')[1]}" for line in load.ledger.incidents}
    return {
        "cases": query(settings, "SELECT count(*) FROM alerts")[0][0],
        "breaches": len(expected),
        "case_duplicates": sum(n - 1 for n in per_print.values()) + repeats + open_twice
        + sum(n - 1 for n in sources.values()),
        "breaches_lost": len(set(expected) - set(per_print)),
        "breaches_unexpected": len(set(per_print) - set(expected)),
        "holds_lost": sum(1 for fp, start in expected.items()
                          if fp in since and since[fp] != start.timestamp()),
        "incidents_without_case": len(produced - set(sources))}


def pending_holds(settings: Settings) -> int:
    """Holds running in the engine's saved state: breaches not yet past their `for`."""
    rows = query(settings, "SELECT state FROM alert_engine_keys "
                           "WHERE consumer_group = %s AND rule_id = %s",
                 (settings.alerts_group, RULE_ID))
    return sum(1 for (st,) in rows if not st["fired"])


class Lag:
    """Messages not yet consumed, per consumer group, straight from the broker."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        readings, incidents = settings.topic("readings"), settings.topic("incidents")
        self.partitions = [TopicPartition(t, p) for t in (readings, incidents)
                           for p in range(settings.topic_partitions)]
        # ingest/service.py: one group per stream; the engine reads both in one group.
        self.groups = {settings.ingest_group: readings,
                       f"{settings.ingest_group}-incidents": incidents,
                       settings.alerts_group: None}
        self.consumer: KafkaConsumer | None = None
        self.admin: KafkaAdminClient | None = None

    def _clients(self) -> tuple[KafkaConsumer, KafkaAdminClient]:
        if self.consumer is None:
            boot = self.settings.kafka_bootstrap
            self.consumer = KafkaConsumer(bootstrap_servers=boot, group_id=None,
                                          request_timeout_ms=5000)
            self.admin = KafkaAdminClient(bootstrap_servers=boot, request_timeout_ms=5000)
        return self.consumer, self.admin

    def ends(self) -> dict[TopicPartition, int]:
        consumer, _ = self._clients()
        return consumer.end_offsets(self.partitions)

    def of_groups(self) -> dict[str, int]:
        """Per group: end offsets minus the offsets it committed, over its topics."""
        consumer, admin = self._clients()
        ends = consumer.end_offsets(self.partitions)
        committed = admin.list_group_offsets({g: self.partitions for g in self.groups})
        lag = {}
        for group, topic in self.groups.items():
            done = committed.get(group, {})
            lag[group] = sum(max(0, end - max(0, done[tp].offset if tp in done else 0))
                             for tp, end in ends.items() if topic in (None, tp.topic))
        return lag

    def total(self) -> int | None:
        """Every group's lag together; None while the broker does not answer."""
        try:
            return sum(self.of_groups().values())
        except Exception:  # noqa: BLE001 - an outage is what is being measured
            self.close()
            return None

    def close(self) -> None:
        for client in (self.consumer, self.admin):
            try:
                if client is not None:
                    client.close()
            except Exception:  # noqa: BLE001 - closing a client of a broker that is gone
                pass
        self.consumer = self.admin = None


def engine_state_lag(settings: Settings, lag: Lag) -> int:
    """What the engine would read again after a restart: end offsets minus its saved ones."""
    rows = query(settings, "SELECT topic, partition, next_offset FROM alert_engine_partitions "
                           "WHERE consumer_group = %s AND next_offset IS NOT NULL",
                 (settings.alerts_group,))
    saved = {f"{t}:{p}": o for t, p, o in rows}
    return sum(max(0, end - saved.get(f"{tp.topic}:{tp.partition}", 0))
               for tp, end in lag.ends().items())


def metric_sum(port: int, name: str) -> float | None:
    """The sum of a metric's samples on a service's /metrics; None when it has none."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith(name + "{") or line.startswith(name + " ")]
    return sum(values) if values else None


def dead_letters(settings: Settings, timeout_ms: int = 6000) -> Counter:
    """(stream, reason) of every message on the dead-letter topic."""
    consumer = KafkaConsumer(settings.topic("dlq"), bootstrap_servers=settings.kafka_bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=timeout_ms,
                             group_id=None, max_partition_fetch_bytes=4 * 1024 * 1024)
    streams = {settings.topic("readings"): "readings", settings.topic("incidents"): "incidents"}
    found: Counter = Counter()
    for record in consumer:
        headers = dict(record.headers)
        found[(streams.get(headers["source_topic"].decode(), "?"),
               headers["reason"].decode())] += 1
    consumer.close()
    return found
