"""Choosing the worker without a database: on duty, fewest open tasks, nearest, next tier."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from alerts.dispatch.chooser import Candidate, Pool, choose, distance
from alerts.dispatch.errors import NobodyToDispatch

MONDAY_10 = datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = ["mon-fri 08:00-17:00"]
NIGHT = ["daily 20:00-08:00"]
CASE = (121.4800, 31.2300)  # near People's Square


def worker(worker_id: str, schedule=DAY, open_tasks: int = 0, lon: float | None = 121.48,
           lat: float | None = 31.23) -> Candidate:
    return Candidate(worker_id, f"name of {worker_id}", schedule, open_tasks, lon, lat)


def grid(*candidates: Candidate) -> Pool:
    return Pool("grid", "G1", candidates)


def test_fewest_open_tasks_wins_over_distance() -> None:
    near_busy = worker("near", open_tasks=3, lat=31.2301)
    far_free = worker("far", open_tasks=1, lat=31.25)
    choice = choose(1, [grid(near_busy, far_free)], MONDAY_10, CASE)
    assert (choice.worker.worker_id, choice.tier, choice.passed_over) == ("far", "grid", ())


def test_equal_tasks_go_to_the_nearest() -> None:
    far = worker("a-far", lat=31.26)
    near = worker("b-near", lat=31.231)
    choice = choose(1, [grid(far, near)], MONDAY_10, CASE)
    assert choice.worker.worker_id == "b-near"
    assert choice.distance_m == pytest.approx(111, abs=2)


def test_workers_off_duty_are_not_chosen_however_free() -> None:
    choice = choose(1, [grid(worker("night", NIGHT), worker("day", DAY, open_tasks=9))],
                    MONDAY_10, CASE)
    assert choice.worker.worker_id == "day"


def test_unknown_positions_sort_after_known_ones_and_ties_by_id() -> None:
    nowhere = worker("a", lon=None, lat=None)
    somewhere = worker("b", lat=31.4)
    assert choose(1, [grid(nowhere, somewhere)], MONDAY_10, CASE).worker.worker_id == "b"
    # A case without a point: only open tasks and the id decide, repeatably.
    assert choose(1, [grid(somewhere, nowhere)], MONDAY_10, None).worker.worker_id == "a"


def test_nobody_on_duty_in_the_grid_goes_to_the_community_pool() -> None:
    pools = [grid(worker("g-night", NIGHT)),
             Pool("community", "C1", (worker("c-day"),)),
             Pool("street", "S1", (worker("s-day"),))]
    choice = choose(1, pools, MONDAY_10, CASE)
    assert (choice.worker.worker_id, choice.tier, choice.area_code) == ("c-day", "community",
                                                                         "C1")
    assert choice.passed_over == ("grid (网格) G1: 1 worker(s), none on duty",)


def test_pools_are_read_only_as_far_as_needed() -> None:
    asked: list[str] = []

    def pools():
        for tier in ("grid", "community", "street"):
            asked.append(tier)
            yield Pool(tier, tier.upper(), (worker(tier),) if tier == "community" else ())

    assert choose(1, pools(), MONDAY_10, CASE).tier == "community"
    assert asked == ["grid", "community"]


def test_nobody_at_all_is_a_clear_error_naming_every_tier() -> None:
    pools = [grid(worker("g", NIGHT)), Pool("community", "C1", ()),
             Pool("street", None, ()), Pool("district", "D1", (worker("d", []),)),
             Pool("city", "310000", ())]
    with pytest.raises(NobodyToDispatch) as caught:
        choose(42, pools, MONDAY_10, CASE)
    assert str(caught.value) == (
        "case 42: nobody to dispatch to: grid (网格) G1: 1 worker(s), none on duty; "
        "community (社区) C1: no active workers; street (街道) ?: the case has no area at "
        "this tier; district (区) D1: 1 worker(s), none on duty; city (市) 310000: no active "
        "workers")


def test_an_unreadable_schedule_counts_as_off_duty_not_as_a_crash() -> None:
    broken = worker("a-broken", {"shifts": "always"})
    choice = choose(1, [grid(broken, worker("b-fine", open_tasks=5))], MONDAY_10, CASE)
    assert choice.worker.worker_id == "b-fine"


def test_distance_is_great_circle_metres() -> None:
    # One degree of latitude is about 111.2 km anywhere.
    assert distance((121.0, 31.0), worker("x", lon=121.0, lat=32.0)) == pytest.approx(
        111_195, rel=1e-3)
    assert distance(None, worker("x")) is None
