"""`cityops ingest --processes 2`: one command, two consumers in one group; a consumer killed
with -9 is started again and the produced set is stored exactly once."""

import os
import signal
from pathlib import Path

import pytest

from store import db as store_db
from tests.integration.ingest_run import count, stop, wait_for
from tests.integration.test_ingest_crash import (
    DEVICES,
    _messages,
    _partitions,
    produce,
    stored_checksum,
)
from tests.process import start_cli, wait_http

pytestmark = pytest.mark.integration


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_two_processes_from_one_command_survive_a_kill_9_of_one(isolated) -> None:
    settings = isolated("procs")
    ports = [settings.ingest_metrics_port, settings.ingest_metrics_port + 1]
    proc = start_cli(settings, "ingest", "--processes", "2", CITYOPS_INGEST_BATCH_SIZE="1000")
    conn = store_db.connect(settings.database_url)
    try:
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/healthz", proc=proc)
        shares = lambda: [_partitions(port) for port in ports]  # noqa: E731
        wait_for(lambda: all(shares()) and sum(shares()) == settings.topic_partitions,
                 timeout=60)
        expected = produce(settings, instants=150)  # 30,000 readings over 4 partitions
        total = DEVICES * 150
        wait_for(lambda: count(conn, "SELECT count(*) FROM readings") >= 3000, every=0.05)
        victim = _children(proc.pid)[0]
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: victim not in _children(proc.pid) and len(_children(proc.pid)) == 2,
                 timeout=30)
        wait_for(lambda: count(conn, "SELECT count(*) FROM readings") >= total)
        for port in ports:  # the restarted one serves again
            wait_http(f"http://127.0.0.1:{port}/healthz", proc=proc)
        consumed = [_messages(port) for port in ports]
    finally:
        stop(proc)
    assert count(conn, "SELECT count(*) FROM readings") == total
    assert stored_checksum(conn) == expected
    assert sum(consumed) > 0
    conn.close()


def test_zero_processes_is_a_configuration_error(settings) -> None:
    from tests.process import run_cli
    done = run_cli(settings, "ingest", "--processes", "0")
    assert done.returncode == 2
    assert "CITYOPS_INGEST_PROCESSES" in done.stderr
