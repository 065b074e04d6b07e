"""A process's share of the stream: some of its lanes, merged into one time-ordered stream.

`cityops sim` always splits the city into LANES lanes, so that a run in N processes
(process i taking lanes i, i+N, ...) sends exactly the messages one process would.
All lanes of a plan have the same step, so their ticks line up and merging is a sort of
a few already sorted runs per tick.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter

from sim.lane import Lane
from sim.message import Message
from sim.placement import Cells, Devices
from sim.plan import Plan
from sim.stream import Stream, ticks

LANES = 4  # changing it changes every seed's stream; it also caps --processes


def lanes_of(process: int, processes: int, lanes: int = LANES) -> list[Lane]:
    if not 1 <= processes <= lanes:
        raise ValueError(f"--processes must be between 1 and {lanes}")
    return [Lane(j, lanes) for j in range(process, lanes, processes)]


class Shard:
    def __init__(self, cells: Cells, devices: Devices, plan: Plan, lanes: list[Lane]) -> None:
        self.plan = plan
        self.streams = [Stream(cells, devices, plan, lane) for lane in lanes]
        self.step = self.streams[0].step

    def __iter__(self) -> Iterator[Message]:
        when = attrgetter("t")
        for t0, t1 in ticks(self.plan, self.step):
            out: list[Message] = []
            for stream in self.streams:
                out.extend(stream.tick(t0, t1))
            out.sort(key=when)  # stable: a broken sibling stays before its good message
            yield from out
