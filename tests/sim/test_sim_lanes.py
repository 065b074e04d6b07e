"""A stream split into lanes: any grouping of the lanes over processes gives the same union."""

from collections import Counter
from dataclasses import replace

import pytest
from conftest import PLAN

from sim.placement import place
from sim.shard import LANES, Shard, lanes_of

HOUR = replace(PLAN, duration=1200.0)


def wire(messages) -> Counter:
    return Counter((m.t, m.topic, m.key, m.value, m.headers, m.ref, m.malformed)
                   for m in messages)


def shards(cells, processes: int) -> list[list]:
    devices = place(cells, HOUR.devices, HOUR.seed)
    return [list(Shard(cells, devices, HOUR, lanes_of(i, processes)))
            for i in range(processes)]


def test_two_processes_send_exactly_what_one_sends(cells) -> None:
    [one] = shards(cells, 1)
    halves = shards(cells, 2)
    assert len(one) > 10_000 and all(len(h) > 0.4 * len(one) for h in halves)
    assert wire(halves[0]) + wire(halves[1]) == wire(one)


def test_lanes_never_share_an_id_and_stay_in_time_order(cells) -> None:
    [one] = shards(cells, 1)
    refs = [m.ref for m in one]
    assert len(set(refs)) == len(refs)  # incident ids, label ids, malformed numbers
    times = [m.t for m in one]
    assert times == sorted(times)
    sent = [m for m in one if m.topic != "truth"]
    assert abs(len(sent) / HOUR.duration - HOUR.rate) / HOUR.rate < 0.05


def test_more_processes_than_lanes_is_refused() -> None:
    with pytest.raises(ValueError, match="--processes"):
        lanes_of(0, LANES + 1)
