"""The Kafka topics of DESIGN.md, with their partitions and retention, created idempotently."""

from __future__ import annotations

from dataclasses import dataclass

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from cityops.settings import Settings

HOUR_MS = 3_600_000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Streams are partitioned for scale-out; the dead-letter topic keeps its evidence longer."""
    stream_ms = settings.topic_retention_hours * HOUR_MS
    parts = settings.topic_partitions
    return [
        TopicSpec(settings.topic("readings"), parts, stream_ms),
        TopicSpec(settings.topic("incidents"), parts, stream_ms),
        TopicSpec(settings.topic("dispatch"), parts, stream_ms),
        TopicSpec(settings.topic("dlq"), 1, 30 * 24 * HOUR_MS),
        TopicSpec(settings.topic("truth"), 1, stream_ms),
    ]


def ensure_topics(admin: KafkaAdminClient, specs: list[TopicSpec]) -> list[str]:
    """Create the topics that do not exist; returns the names created."""
    existing = set(admin.list_topics())
    wanted = [NewTopic(s.name, s.partitions, 1,
                       topic_configs={"retention.ms": str(s.retention_ms)})
              for s in specs if s.name not in existing]
    if not wanted:
        return []
    try:
        admin.create_topics(wanted)
    except TopicAlreadyExistsError:
        pass  # another process won the race; the topic is there either way
    return [t.name for t in wanted]


def delete_topics(admin: KafkaAdminClient, names: list[str]) -> None:
    present = set(admin.list_topics())
    doomed = [n for n in names if n in present]
    if doomed:
        admin.delete_topics(doomed)
