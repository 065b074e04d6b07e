from datetime import UTC, datetime

from kafka import TopicPartition

from ingest.batch import Batch
from store.readings import Reading

TP0, TP1 = TopicPartition("r", 0), TopicPartition("r", 1)
ROW = Reading(datetime(2026, 1, 1, tzinfo=UTC), "d", "m", 1.0)


def test_offsets_to_commit_are_one_past_the_last_message() -> None:
    batch = Batch(max_rows=10, max_seconds=60)
    batch.add(TP0, 5, [ROW])
    batch.add(TP0, 6, [ROW])
    batch.skip(TP1, 41)
    assert batch.offsets == {TP0: 7, TP1: 42}
    assert batch.messages == 3 and len(batch.rows) == 2


def test_ready_when_full_or_old() -> None:
    batch = Batch(max_rows=2, max_seconds=60)
    assert not batch.ready()
    batch.add(TP0, 0, [ROW])
    assert not batch.ready()
    batch.add(TP0, 1, [ROW])
    assert batch.ready()
    aged = Batch(max_rows=100, max_seconds=0)
    aged.skip(TP0, 0)
    assert aged.ready()
