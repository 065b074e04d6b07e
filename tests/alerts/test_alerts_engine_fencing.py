"""A zombie member's late write is refused (issue #18): once another member has claimed a
partition, the old owner's save of it writes nothing, neither state nor offsets nor the
cases its signals would open, and it lets the partition go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.engine import state_store
from alerts.engine.metrics import EngineMetrics
from alerts.engine.service import build
from store import db as store_db
from tests.alerts.engine_run import query
from tests.alerts.test_alerts_engine_stream import prepare, produce
from tests.rebalance import step_until

pytestmark = pytest.mark.integration


def test_a_zombies_save_is_refused_and_writes_nothing(isolated, tmp_path) -> None:
    settings = isolated("zombie")
    prepare(settings, tmp_path)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    produce(settings, start, [100.0] * 10)          # past its 60 s hold: a fire
    metrics = EngineMetrics()
    zombie = build(settings, tmp_path, metrics)
    zombie.checkpoint_seconds = zombie.save_seconds = 3600  # holds its work unsaved
    zombie.start()
    zombie.last_save = zombie.clock()
    try:
        step_until(zombie.step, lambda: any(p.pending for p in zombie.parts.values()))
        held = [p.tp for p in zombie.parts.values()]
        busy = [p.tp for p in zombie.parts.values() if p.pending]
        before = query(settings, "SELECT topic, partition, epoch, next_offset "
                                 "FROM alert_engine_partitions ORDER BY 1, 2")
        # Another member is given the partitions (the zombie slept through the rebalance).
        conn = store_db.connect(settings.database_url)
        epochs = {tp: state_store.claim(conn, settings.alerts_group, tp.topic, tp.partition,
                                        "other:1:x").epoch for tp in held}
        conn.close()
        zombie.save()
        # Only what has something to write is written (and refused); the rest is refused
        # when it has.
        assert metrics.fenced._value.get() == len(busy) == 1
        assert not set(busy) & set(zombie.parts)
        after = query(settings, "SELECT topic, partition, epoch, next_offset "
                                "FROM alert_engine_partitions ORDER BY 1, 2")
        assert [(t, p, o) for t, p, _, o in after] == [(t, p, o) for t, p, _, o in before]
        assert all(epoch == epochs[tp] for tp in held
                   for t, p, epoch, _ in after if (t, p) == (tp.topic, tp.partition))
        assert query(settings, "SELECT count(*) FROM alert_engine_keys") == [(0,)]
        assert query(settings, "SELECT count(*) FROM alerts") == [(0,)]
    finally:
        zombie.consumer.close(autocommit=False)
        if zombie.conn is not None:
            zombie.conn.close()


def test_a_stale_epoch_is_fenced_in_the_store(isolated) -> None:
    settings = isolated("fence")
    conn = store_db.connect(settings.database_url)
    try:
        mine = state_store.claim(conn, "g", "t", 0, "me")
        theirs = state_store.claim(conn, "g", "t", 0, "them")
        assert theirs.epoch == mine.epoch + 1
        with pytest.raises(state_store.Fenced), conn, conn.cursor() as cur:
            state_store.save(cur, "g", "t", 0, mine.epoch, 5, {}, state_store.Changes(
                upserts=[("r", "k", "threshold", '{"since": 1, "fired": false}')]))
        with conn, conn.cursor() as cur:
            state_store.save(cur, "g", "t", 0, theirs.epoch, 7, {}, state_store.Changes(
                upserts=[("r", "k", "threshold", '{"since": 2, "fired": false}')]))
        assert state_store.load_keys(conn, "g", "t", 0) == {
            "r": ("threshold", {"k": {"since": 2, "fired": False}})}
        assert state_store.offsets_by_partition(conn, "g") == {"t:0": 7}
    finally:
        conn.close()
