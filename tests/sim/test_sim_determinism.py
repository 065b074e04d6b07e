"""The same seed gives the same stream, byte for byte; another seed gives another."""

from dataclasses import replace

from conftest import PLAN, simulate

from sim.placement import place


def wire(messages) -> list[tuple]:
    return [(m.t, m.topic, m.key, m.value, m.headers) for m in messages]


def test_a_seed_gives_the_same_stream_twice(cells, stream) -> None:
    again = simulate(cells, PLAN)
    assert len(again) == len(stream) > 10_000
    assert wire(again) == wire(stream)


def test_another_seed_gives_another_city_and_stream(cells) -> None:
    short = replace(PLAN, duration=600.0)
    other = replace(short, seed=6)
    assert place(cells, 300, 5).lon.tolist() != place(cells, 300, 6).lon.tolist()
    assert wire(simulate(cells, short)) != wire(simulate(cells, other))


def test_the_stream_is_in_time_order_at_the_asked_rate(stream) -> None:
    times = [m.t for m in stream]
    assert times == sorted(times)
    sent = [m for m in stream if m.topic != "truth"]
    rate = len(sent) / PLAN.duration
    assert abs(rate - PLAN.rate) / PLAN.rate < 0.05, rate
