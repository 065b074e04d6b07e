"""Running the real alerts engine in a test and reading what it stored."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from alerts.engine import writes
from alerts.engine.service import run
from tests.database import query


def engine_until(settings, rules: Path, consumed: int, timeout: float = 90) -> None:
    """Run the engine in this process until its saved offsets cover `consumed` messages."""
    stop = threading.Event()
    outcome: list[int] = []
    thread = threading.Thread(target=lambda: outcome.append(run(settings, rules, stop)))
    thread.start()
    deadline = time.monotonic() + timeout
    try:
        while saved_offsets(settings) < consumed:
            assert thread.is_alive(), "the engine stopped by itself"
            assert time.monotonic() < deadline, f"the engine did not catch up in {timeout} s"
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert outcome == [0]


def saved_offsets(settings) -> int:
    """Messages of the readings and incidents topics the engine has saved its work for."""
    topics = [settings.topic("readings"), settings.topic("incidents")]
    rows = query(settings, "SELECT coalesce(sum(next_offset), 0) FROM alert_engine_partitions "
                           "WHERE consumer_group = %s AND topic = ANY(%s)",
                 (settings.alerts_group, topics))
    return int(rows[0][0])



def record(conn, sig) -> str:
    """One signal through the engine's store step, in a transaction of its own."""
    with conn, conn.cursor() as cur:
        return writes.record_fire(cur, sig)


def rows(conn, sql: str, params: tuple = ()) -> list[tuple]:
    with conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()
