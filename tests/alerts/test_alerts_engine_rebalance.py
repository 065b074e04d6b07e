"""A rebalance while the engine holds evaluated but unsaved messages: it saves them with
their offsets and goes on. kafka-python 3 runs the revoke listener on its IO thread, where a
blocking commit raises; the engine then looped on "rebalance callback throws an error"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.engine.metrics import EngineMetrics
from alerts.engine.service import build
from cityops.stream import kafka_client
from tests.alerts.engine_run import saved_offsets
from tests.alerts.test_alerts_engine_stream import prepare, produce
from tests.rebalance import second_member, step_until

pytestmark = pytest.mark.integration


def test_a_rebalance_with_unsaved_work_saves_it_and_the_engine_goes_on(isolated,
                                                                       tmp_path) -> None:
    settings = isolated("alertrebal")
    prepare(settings, tmp_path)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    produce(settings, start, [300.0] * 10)
    metrics = EngineMetrics()
    engine = build(settings, tmp_path, metrics)
    engine.checkpoint_seconds = 3600  # nothing is saved unless the rebalance saves it
    engine.start()
    engine.last_save = engine.clock()
    try:
        step_until(engine.step, lambda: sum(p.read_to or 0 for p in engine.parts.values())
                   >= 10)
        assert saved_offsets(settings) == 0
        with second_member(settings, settings.alerts_group, sorted(engine.streams),
                           **kafka_client.COOPERATIVE):
            # step() raised on every round here before the fix
            step_until(engine.step, lambda: saved_offsets(settings) >= 10)
            assert not any(p.offset_moved for p in engine.parts.values())
        # Afterwards it still evaluates what arrives.
        produce(settings, start + timedelta(seconds=100), [300.0] * 5)
        engine.checkpoint_seconds = 0
        step_until(engine.step, lambda: saved_offsets(settings) >= 15)
        engine.lag.measured_at = 0  # measure now, not in 5 s
        engine.update_lag()
        lags = [sample.value for family in metrics.lag.collect() for sample in family.samples]
        assert lags and all(lag == 0 for lag in lags), lags
    finally:
        engine.consumer.close(autocommit=False)
        if engine.conn is not None:
            engine.conn.close()
