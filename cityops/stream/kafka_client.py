"""Kafka clients built from settings; an unreachable broker becomes a one-line error."""

from __future__ import annotations

import socket

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError

from cityops.settings import ConfigError, Settings
from cityops.stream.balanced_assignor import BalancedCooperativeAssignor

UNREACHABLE = "no broker answers at {}: is Kafka running (./cityops stack up)?"


def _unreachable(settings: Settings) -> ConfigError:
    return ConfigError("CITYOPS_KAFKA_BOOTSTRAP", UNREACHABLE.format(settings.kafka_bootstrap))


def probe(settings: Settings, timeout: float = 3.0) -> None:
    """Fail fast and quietly when no bootstrap address accepts a connection.

    kafka-python would otherwise retry for its whole timeout, logging every attempt,
    before it gives up: a screen of noise where one line says it all.
    """
    for address in settings.kafka_bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
                return
        except (OSError, ValueError):
            continue
    raise _unreachable(settings)


def admin_client(settings: Settings) -> KafkaAdminClient:
    probe(settings)
    try:
        return KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap,
                                request_timeout_ms=10_000, client_id="cityops-admin")
    except KafkaError:
        raise _unreachable(settings) from None


def producer(settings: Settings, **options: object) -> KafkaProducer:
    defaults = {"acks": "all", "linger_ms": 20, "batch_size": 256 * 1024,
                "compression_type": None, "client_id": "cityops-producer"}
    defaults.update(options)
    probe(settings)
    try:
        return KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, **defaults)
    except KafkaError:
        raise _unreachable(settings) from None


# Incremental cooperative rebalancing (KIP-429): a member joining or leaving moves only the
# partitions that change owner, and the rest of the group goes on meanwhile; each topic is
# balanced on its own (see balanced_assignor). Every member of a group must name it.
COOPERATIVE = {"partition_assignment_strategy": (BalancedCooperativeAssignor,)}


def consumer(settings: Settings, group: str, topics: list[str], **options: object) \
        -> KafkaConsumer:
    """A consumer that never commits by itself: offsets move only after the database commit."""
    if settings.kafka_client == "librdkafka":
        from cityops.stream.librdkafka_consumer import LibrdkafkaConsumer
        probe(settings)
        client = LibrdkafkaConsumer(settings.kafka_bootstrap, group, f"cityops-{group}")
        if topics:
            client.subscribe(topics)
        return client
    defaults = {"enable_auto_commit": False, "auto_offset_reset": "earliest",
                "max_poll_records": 5000, "fetch_max_bytes": 16 * 1024 * 1024,
                "max_partition_fetch_bytes": 4 * 1024 * 1024, "client_id": f"cityops-{group}",
                # A crashed member's partitions move to the others within 10 s, not 45 s.
                # A member learns of a rebalance only from its next heartbeat, and until
                # then the members that already rejoined wait idle: 1 s, not 3 s, bounds
                # that pause (2-process ingest lost ~3 s to it at every group change).
                "session_timeout_ms": 10_000, "heartbeat_interval_ms": 1_000,
                # A topic created just before the group formed is seen within 5 s (the
                # default refresh is 5 minutes, and until then it gets no partitions).
                "metadata_max_age_ms": 5_000}
    defaults.update(options)
    probe(settings)
    try:
        client = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, group_id=group,
                               **defaults)
    except KafkaError:
        raise _unreachable(settings) from None
    if topics:
        subscribe(client, topics)
    return client


def subscribe(client, topics: list[str], listener=None) -> None:
    """Subscribe once the client knows the topics' partitions.

    A member that joins its group before its metadata names a topic is assigned none of
    it, and kafka-python 3.0.12 was seen to stay so (ingest idled 90 s beside a topic
    created a moment before); fetching the topics' metadata first closes that window.
    """
    for topic in topics:
        client.partitions_for_topic(topic)
    if listener is None:
        client.subscribe(topics)
    else:
        client.subscribe(topics, listener=listener)
    if isinstance(client, KafkaConsumer):
        # kafka-python takes its snapshot of the subscribed topics' partitions from the
        # next metadata update, not from what it already knows. Until that arrives the
        # snapshot is empty, so a group leader that assigns before it records "no
        # partitions", sees the real ones at the next refresh and makes the whole group
        # rebalance once more, a few seconds in (seen in every kafka-python group of
        # bench/ingest.py). Fetching metadata now fills the snapshot before the first join.
        client.topics()
