"""A dispatch made while the broker is down still reaches the worker once it is back.

The 派遣 commits (the case moves, the dispatch row is written) and the send fails; the
running SLA service (`cityops escalate`) sends the unsent row on its next pass. The broker
is a private one at its own ports, since stopping the shared broker would break everybody
else's tests; the database is the test world's own.
"""

from __future__ import annotations

import json
import time

import pytest

from alerts.dispatch.assign import dispatch
from ops import stack
from ops.kafka import LocalKafka
from tests.alerts import test_alerts_dispatch_flow as flow
from tests.alerts.street_world import open_street_world
from tests.process import serving
from tests.reliability.faults import stack as fault_stack

pytestmark = pytest.mark.integration


def private_broker(run, base_settings):
    """The world's settings with a broker of its own, which the test may stop at will."""
    private = fault_stack.private_settings(base_settings)
    return run.replace(kafka_bootstrap=private.kafka_bootstrap,
                       kafka_controller_port=private.kafka_controller_port,
                       state_dir=private.state_dir, kafka_heap="512m", manage_stack="auto",
                       kafka_bootstrap_given=False)


def delivered(settings, delivery_id: str, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        for record in flow.read_dispatches(settings):
            if json.loads(record.value)["delivery_id"] == delivery_id:
                return True
    return False


def test_a_dispatch_made_during_a_broker_outage_reaches_the_worker_after_it(
        isolated, base_settings, tmp_path) -> None:
    settings = private_broker(isolated("dispatch_outage"), base_settings)
    fault_stack.up(settings)
    conn, producer = open_street_world(settings)
    try:
        codes = flow.place(conn)
        worker = flow.add_worker(conn, "outage", grid=codes["grid"])
        alert_id = flow.confirmed_case(conn, codes["grid"])
        assert stack.down(settings, only=["kafka"]) == ["kafka"]

        done = dispatch(conn, producer, alert_id, "operator:li", "operator", 2,
                        topic=settings.topic("dispatch"), at=flow.MONDAY_10)

        assert (done.published, done.worker_id) == (False, worker)
        assert flow.row(conn, "SELECT state, assignee_worker_id FROM alerts WHERE id = %s",
                        (alert_id,)) == ("dispatched", worker)
        LocalKafka(settings).start()
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
