"""Driving a real `cityops ingest` process and reading what it stored."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable

from kafka import KafkaConsumer, TopicPartition

from cityops.stream import kafka_client
from tests.process import start_cli, wait_http


def start_ingest(settings, **overrides: str) -> subprocess.Popen:
    proc = start_cli(settings, "ingest", **overrides)
    port = overrides.get("CITYOPS_INGEST_METRICS_PORT", settings.ingest_metrics_port)
    wait_http(f"http://{settings.metrics_host}:{port}/healthz", proc=proc)
    return proc


def stop(proc: subprocess.Popen, timeout: float = 60) -> str:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return err


def wait_for(condition: Callable[[], bool], timeout: float = 90, every: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout}s")
        time.sleep(every)


def read_topic(settings, topic: str, timeout_ms: int = 4000) -> list:
    consumer = KafkaConsumer(topic, bootstrap_servers=settings.kafka_bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=timeout_ms,
                             group_id=None)
    records = list(consumer)
    consumer.close()
    return records


def count(conn, query: str, params: tuple = ()) -> int:
    with conn.cursor() as cur:
        cur.execute(query, params)
        value = cur.fetchone()[0]
    conn.rollback()
    return int(value)


def committed(settings, group: str, topic: str) -> int:
    """Offsets the group has committed on the topic, summed over its partitions."""
    # Read with kafka-python whichever client the group consumes with: offsets are the
    # broker's, and this consumer never joins the group (no subscription).
    consumer = kafka_client.consumer(settings.replace(kafka_client="kafka-python"), group, [])
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return sum(consumer.committed(tp) or 0 for tp in parts)
    finally:
        consumer.close(autocommit=False)


def messages_in(settings, topic: str) -> int:
    """Messages the topic holds: its end offsets summed over its partitions."""
    consumer = kafka_client.consumer(settings.replace(kafka_client="kafka-python"),
                                     "messages-probe", [])
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return sum(consumer.end_offsets(parts).values())
    finally:
        consumer.close()
