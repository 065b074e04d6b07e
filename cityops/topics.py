"""The Kafka topics of DESIGN.md, with their partitions and retention, created idempotently."""

from __future__ import annotations

from dataclasses import dataclass

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import InvalidReplicationFactorError, TopicAlreadyExistsError

from cityops.settings import ConfigError, Settings

HOUR_MS = 3_600_000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int
    replication: int = 1

    @property
    def min_insync_replicas(self) -> int:
        # One less than the replicas: with acks=all a write needs that many copies, so one
        # broker may be down (a rolling restart) and no acknowledged write has one copy only.
        return max(1, self.replication - 1)


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Streams are partitioned for scale-out; the dead-letter topic keeps its evidence longer."""
    stream_ms = settings.topic_retention_hours * HOUR_MS
    parts, copies = settings.topic_partitions, settings.topic_replication
    return [
        TopicSpec(settings.topic("readings"), parts, stream_ms, copies),
        TopicSpec(settings.topic("incidents"), parts, stream_ms, copies),
        TopicSpec(settings.topic("dispatch"), parts, stream_ms, copies),
        TopicSpec(settings.topic("dlq"), 1, 30 * 24 * HOUR_MS, copies),
        TopicSpec(settings.topic("truth"), 1, stream_ms, copies),
        # Read only by the alerts engine's own members, soon after it is written.
        TopicSpec(settings.topic("by_area"), parts, stream_ms, copies),
    ]


def ensure_topics(admin: KafkaAdminClient, specs: list[TopicSpec]) -> list[str]:
    """Create the topics that do not exist; returns the names created."""
    existing = set(admin.list_topics())
    wanted = [NewTopic(s.name, s.partitions, s.replication,
                       topic_configs={"retention.ms": str(s.retention_ms),
                                      "min.insync.replicas": str(s.min_insync_replicas)})
              for s in specs if s.name not in existing]
    if not wanted:
        return []
    try:
        admin.create_topics(wanted)
    except TopicAlreadyExistsError:
        pass  # another process won the race; the topic is there either way
    except InvalidReplicationFactorError:
        brokers = len(admin.describe_cluster()["brokers"])
        raise ConfigError("CITYOPS_TOPIC_REPLICATION", (
            f"{wanted[0].replication_factor} replicas asked for, but the cluster has "
            f"{brokers} broker{'s' if brokers != 1 else ''}")) from None
    return [t.name for t in wanted]


# The broker's default message.max.bytes: what a topic takes when it sets no limit itself.
BROKER_MESSAGE_LIMIT = 1_048_588


def message_limit(admin: KafkaAdminClient, topic: str) -> int:
    """The largest record batch the topic takes (its max.message.bytes, else the default)."""
    configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    found = configs.get("topic", {}).get(topic, {}).get("max.message.bytes")
    return int(found["value"]) if found else BROKER_MESSAGE_LIMIT


def delete_topics(admin: KafkaAdminClient, names: list[str]) -> None:
    present = set(admin.list_topics())
    doomed = [n for n in names if n in present]
    if doomed:
        admin.delete_topics(doomed)
