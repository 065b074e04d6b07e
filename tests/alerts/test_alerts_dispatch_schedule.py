"""On-duty schedules: weekly shifts in Asia/Shanghai, overnight shifts, dated overrides."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from alerts.dispatch.errors import ScheduleError
from alerts.dispatch.schedule import on_duty, parse_schedule

SHANGHAI = ZoneInfo("Asia/Shanghai")

# 2025-06-02 is a Monday.
OFFICE = [{"days": "mon-fri", "from": "08:00", "to": "17:30"}]
NIGHTS = ["fri 22:00-06:00"]


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("at", "expected"), [
    (local(2, 8, 0), True),      # Monday, the first minute
    (local(2, 17, 29), True),
    (local(2, 17, 30), False),   # the end is not part of the shift
    (local(2, 7, 59), False),
    (local(7, 10, 0), False),    # Saturday
])
def test_weekday_office_hours(at: datetime, expected: bool) -> None:
    assert on_duty(OFFICE, at) is expected


@pytest.mark.parametrize(("at", "expected"), [
    (local(6, 21, 59), False),   # Friday before the night shift
    (local(6, 22, 0), True),
    (local(6, 23, 59), True),
    (local(7, 0, 0), True),      # Saturday small hours belong to Friday's shift
    (local(7, 5, 59), True),
    (local(7, 6, 0), False),
    (local(7, 22, 30), False),   # Saturday night has no shift of its own
    (local(2, 3, 0), False),     # Monday small hours: Sunday had no night shift
])
def test_an_overnight_shift_belongs_to_the_day_it_starts(at: datetime, expected: bool) -> None:
    assert on_duty(NIGHTS, at) is expected


def test_times_are_compared_in_shanghai_whatever_zone_they_come_in() -> None:
    # 00:30 UTC on Monday is 08:30 in Shanghai.
    assert on_duty(OFFICE, datetime(2025, 6, 2, 0, 30, tzinfo=UTC))
    assert not on_duty(OFFICE, datetime(2025, 6, 2, 10, 0, tzinfo=UTC))  # 18:00 local


def test_a_schedule_in_another_timezone() -> None:
    schedule = {"timezone": "UTC", "shifts": OFFICE}
    assert on_duty(schedule, datetime(2025, 6, 2, 10, 0, tzinfo=UTC))


def test_a_day_off_override_cancels_the_shifts_starting_that_day() -> None:
    schedule = {"shifts": ["daily 22:00-06:00", "mon-fri 08:00-17:30"],
                "overrides": [{"date": "2025-06-02", "day_off": True}]}
    assert not on_duty(schedule, local(2, 9, 0))
    assert not on_duty(schedule, local(2, 23, 0))
    # Sunday's night shift still runs into Monday morning; Tuesday is normal again.
    assert on_duty(schedule, local(2, 3, 0))
    assert on_duty(schedule, local(3, 9, 0))


def test_an_override_range_replaces_the_shifts_of_each_day() -> None:
    schedule = {"shifts": OFFICE, "overrides": [
        {"date": "2025-06-07", "until": "2025-06-08", "shifts": ["09:00-12:00"]}]}
    assert on_duty(schedule, local(7, 10, 0))   # a Saturday, working by override
    assert on_duty(schedule, local(8, 11, 59))
    assert not on_duty(schedule, local(8, 13, 0))


def test_whole_days_and_day_names() -> None:
    schedule = [{"days": ["sat", "Sunday", 1], "from": "00:00", "to": "24:00"}]
    assert on_duty(schedule, local(7, 0, 0)) and on_duty(schedule, local(8, 23, 59))
    assert on_duty(schedule, local(2, 12, 0))  # 1 is Monday
    assert not on_duty(schedule, local(3, 12, 0))
    assert on_duty(["sat-mon 10:00-11:00"], local(2, 10, 30))  # a range over the weekend


def test_no_shifts_means_never_on_duty() -> None:
    assert not on_duty([], local(2, 10, 0))
    assert not on_duty({}, local(2, 10, 0))


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        on_duty(OFFICE, datetime(2025, 6, 2, 10, 0))


@pytest.mark.parametrize(("raw", "message"), [
    ({"shift": []}, "unknown schedule keys"),
    (["mon-fri 8-17"], "hours must look like"),
    ([{"days": "someday", "from": "08:00", "to": "17:00"}], "unknown day"),
    ([{"from": "25:00", "to": "17:00"}], "not a time of day"),
    ([{"from": "08:00", "to": "08:00"}], "no length"),
    ({"timezone": "Mars/Olympus", "shifts": []}, "unknown timezone"),
    ({"overrides": [{"date": "2025-06-02"}]}, "say day_off: true or give"),
    ({"overrides": [{"date": "2025-06-09", "until": "2025-06-02", "day_off": True}]}, "before"),
    ({"overrides": [{"date": "June 2nd", "day_off": True}]}, "YYYY-MM-DD"),
])
def test_bad_schedules_say_what_is_wrong(raw, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_schedule(raw)
