"""A dispatch made while the broker is down still reaches the worker once it is back.

The 派遣 commits (the case moves, the dispatch row is written) and the send fails; the
running SLA service (`cityops escalate`) sends the unsent row on its next pass once the
broker is back. The broker is a private one at its own ports, away until the dispatch has
returned (stopping the shared broker would break everybody else's tests); the database is
the test world's own.
"""

from __future__ import annotations

import json
import time

import pytest
from kafka import KafkaProducer

from alerts.dispatch.assign import dispatch
from store import db as store_db
from tests.alerts import test_alerts_dispatch_flow as flow
from tests.alerts.street_world import AREAS
from tests.process import serving
from tests.reliability.faults import stack as fault_stack

pytestmark = pytest.mark.integration


def private_broker(run, base_settings):
    """The world's settings with a broker of its own, which the test may stop at will."""
    private = fault_stack.private_settings(base_settings)
    return run.replace(kafka_bootstrap=private.kafka_bootstrap,
                       kafka_controller_port=private.kafka_controller_port,
                       state_dir=private.state_dir, kafka_heap="512m", manage_stack="auto",
                       kafka_bootstrap_given=False, mqtt_host_given=True)


def delivered(settings, delivery_id: str, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        for record in flow.read_dispatches(settings):
            if json.loads(record.value)["delivery_id"] == delivery_id:
                return True
    return False


def test_a_dispatch_made_during_a_broker_outage_reaches_the_worker_after_it(
        isolated, base_settings, tmp_path) -> None:
    settings = private_broker(isolated("dispatch_outage"), base_settings)  # not started yet
    conn = store_db.connect(settings.database_url)
    with conn, conn.cursor() as cur:
        cur.executemany("INSERT INTO areas (code, level, parent_code, name_zh, district_code,"
                        " street_code) VALUES (%s, %s, %s, %s, %s, %s)", AREAS)
    # The broker is away from the start: the send gives up after max_block_ms.
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, api_version=(3, 9),
                             max_block_ms=2000)
    try:
        codes = flow.place(conn)
        worker = flow.add_worker(conn, "outage", grid=codes["grid"])
        alert_id = flow.confirmed_case(conn, codes["grid"])

        done = dispatch(conn, producer, alert_id, "operator:li", "operator", 2,
                        topic=settings.topic("dispatch"), at=flow.MONDAY_10)

        assert (done.published, done.worker_id) == (False, worker)
        assert flow.row(conn, "SELECT state, assignee_worker_id FROM alerts WHERE id = %s",
                        (alert_id,)) == ("dispatched", worker)
        fault_stack.up(settings)  # the broker is back
        health = f"http://{settings.metrics_host}:{settings.escalate_metrics_port}/healthz"
        with serving(settings, tmp_path / "escalate.log", "escalate", health_url=health):
            assert delivered(settings, done.delivery_id, within_s=60), \
                (tmp_path / "escalate.log").read_text()[-3000:]
        assert flow.row(conn, "SELECT published_at IS NOT NULL FROM dispatches "
                              "WHERE delivery_id = %s", (done.delivery_id,)) == (True,)
    finally:
        producer.close(timeout=1)
        conn.close()
        fault_stack.down(settings)
