"""Notice a group member whose last rebalance was never applied, and make it rejoin.

kafka-python 3.0.12 can finish a rebalance without applying it. When the group leader's
own metadata changes (a topic created just before the group formed is the usual case),
it rejoins; a poll whose timeout runs out mid-join leaves the JoinGroup/SyncGroup task in
flight, and the leader's new assignment makes `need_rejoin()` false, so no later poll
collects the finished task. The member keeps its old partitions on paper, stops sending
fetch requests, and stays so: ingest sat idle beside a filling topic until a test gave
up (about one member in seven, in a loop of fresh topics on this machine).

That state is a join task that has finished while the coordinator sees no need to
rejoin: nothing else leaves one behind, since a poll that awaits a join clears it.
Asking the coordinator to rejoin makes the next poll run a fresh JoinGroup, whose
assignment is applied. Clients without that coordinator (librdkafka, other kafka-python
versions) are left alone.
"""

from __future__ import annotations

import logging

log = logging.getLogger("cityops.kafka")


def join_left_uncollected(consumer) -> bool:
    """True when the consumer's group join finished but its assignment was never applied."""
    coordinator = getattr(consumer, "_coordinator", None)
    task = getattr(coordinator, "_join_task", None)
    if task is None or not getattr(task, "is_done", False):
        return False
    return not coordinator.need_rejoin()


class StalledAssignment:
    """Checked from a consumer's own loop, between polls (the client is not thread-safe)."""

    def __init__(self) -> None:
        self.rejoins = 0

    def check(self, consumer, group: str) -> bool:
        """Rejoin the group when its last join was left uncollected; True when it did."""
        if not join_left_uncollected(consumer):
            return False
        self.rejoins += 1
        log.warning("group join finished but never applied; rejoining",
                    extra={"group": group, "rejoins": self.rejoins})
        consumer._coordinator.request_rejoin()
        return True
