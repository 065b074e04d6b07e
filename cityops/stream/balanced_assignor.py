"""A cooperative assignor that balances each topic on its own (issue #18).

kafka-python's cooperative-sticky assignor balances the *number* of partitions per
member. A group reading three topics of six partitions each (readings, incidents and
the alerts engine's by-area topic) was seen to give one of three members all six by-area
partitions and no readings: the members' counts were even, their work was not (readings
are nearly all of it). Kafka Streams balances per sub-topology for the same reason.

Here each topic is dealt out by itself: a member keeps what it owns of a topic up to its
fair share (partitions / members, the first `remainder` members one more), and what is
left goes to the members with the fewest of that topic. The two-round cooperative move
(a partition changing owner is first revoked, then assigned) is the parent's.
"""

from __future__ import annotations

from collections import defaultdict

from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment
from kafka.structs import TopicPartition


class BalancedCooperativeAssignor(CooperativeStickyAssignor):
    name = "cityops-balanced"

    def assign(self, cluster, members):
        parsed = {m.member_id: self.parse_member_metadata(m.metadata) for m in members}
        owner = {tp: member for member, meta in parsed.items() for tp in meta.partitions}
        final: dict[str, list[TopicPartition]] = {m: [] for m in parsed}
        topics = sorted({t for meta in parsed.values() for t in meta.subscription})
        for topic in topics:
            partitions = cluster.partitions_for_topic(topic) or set()
            readers = sorted(m for m, meta in parsed.items() if topic in meta.subscription)
            for member, tps in deal(topic, sorted(partitions), readers, owner).items():
                final[member] += tps
        return {m: ConsumerProtocolAssignment(self.version, _wire(
            [tp for tp in final[m] if owner.get(tp) in (None, m)]), b"") for m in parsed}


def deal(topic: str, partitions: list[int], readers: list[str],
         owner: dict[TopicPartition, str]) -> dict[str, list[TopicPartition]]:
    """One topic's partitions over its readers: sticky up to each one's fair share."""
    if not readers:
        return {}
    base, extra = divmod(len(partitions), len(readers))
    # Members that already hold the most of this topic may keep one more.
    holding = {m: sum(1 for p in partitions if owner.get(TopicPartition(topic, p)) == m)
               for m in readers}
    order = sorted(readers, key=lambda m: (-holding[m], m))
    share = {m: base + (1 if i < extra else 0) for i, m in enumerate(order)}
    got: dict[str, list[TopicPartition]] = defaultdict(list)
    free = []
    for p in partitions:
        tp = TopicPartition(topic, p)
        m = owner.get(tp)
        if m in share and len(got[m]) < share[m]:
            got[m].append(tp)
        else:
            free.append(tp)
    for tp in free:
        m = min(readers, key=lambda r: (len(got[r]) - share[r], len(got[r]), r))
        got[m].append(tp)
    return got


def _wire(tps: list[TopicPartition]) -> list[tuple[str, list[int]]]:
    by_topic: dict[str, list[int]] = defaultdict(list)
    for tp in tps:
        by_topic[tp.topic].append(tp.partition)
    return sorted((t, sorted(ps)) for t, ps in by_topic.items())
