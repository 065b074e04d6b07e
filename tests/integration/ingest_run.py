"""Driving a real `cityops ingest` process and reading what it stored."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable

from kafka import KafkaConsumer

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
