"""Each topic dealt out by itself, keeping what members own up to their fair share."""

from __future__ import annotations

from collections import Counter

from kafka.structs import TopicPartition

from cityops.stream.balanced_assignor import deal


def _count(got) -> dict[str, int]:
    return {m: len(tps) for m, tps in got.items()}


def test_a_topic_is_spread_evenly_over_its_readers() -> None:
    got = deal("readings", list(range(6)), ["a", "b", "c"], {})
    assert _count(got) == {"a": 2, "b": 2, "c": 2}


def test_a_newcomer_takes_only_from_those_above_their_share() -> None:
    owner = {TopicPartition("r", p): "a" if p < 3 else "b" for p in range(6)}
    got = deal("r", list(range(6)), ["a", "b", "c"], owner)
    assert _count(got) == {"a": 2, "b": 2, "c": 2}
    moved = [tp for m, tps in got.items() for tp in tps if owner[tp] != m]
    assert len(moved) == 2                       # one from each, nothing shuffled


def test_every_topic_is_balanced_not_only_the_total() -> None:
    # What cooperative-sticky did: equal totals, one member with no readings at all.
    owner = {**{TopicPartition("by-area", p): "a" for p in range(6)},
             **{TopicPartition("readings", p): "b" if p < 3 else "c" for p in range(6)}}
    per_member = Counter()
    for topic in ("readings", "by-area"):
        for m, tps in deal(topic, list(range(6)), ["a", "b", "c"], owner).items():
            per_member[(m, topic)] = len(tps)
    assert all(per_member[(m, t)] == 2 for m in "abc" for t in ("readings", "by-area"))


def test_uneven_counts_give_the_extra_to_those_who_hold_it() -> None:
    owner = {TopicPartition("r", p): "a" for p in range(4)}
    got = deal("r", list(range(4)), ["a", "b", "c"], owner)
    assert sorted(_count(got).values()) == [1, 1, 2] and len(got["a"]) == 2
