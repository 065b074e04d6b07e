"""Working time on the official calendar: weekends, public holidays and 调休 days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from alerts.sla.calendar import OFFICIAL_YEARS, AroundTheClock, CalendarNotCovered, WorkingCalendar

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkingCalendar("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def test_lunch_break_does_not_count() -> None:
    assert CAL.add(at(2026, 3, 4, 11), hours(2)) == at(2026, 3, 4, 14)
    assert CAL.working_time(at(2026, 3, 4, 11), at(2026, 3, 4, 14)) == hours(2)


def test_weekend_is_skipped() -> None:
    # Friday 17:00 + 2 working hours: one hour on Friday, one on Monday morning.
    assert at(2026, 3, 6).weekday() == 4
    assert CAL.add(at(2026, 3, 6, 17), hours(2)) == at(2026, 3, 9, 10)
    assert CAL.working_time(at(2026, 3, 6, 17), at(2026, 3, 9, 10)) == hours(2)


def test_national_day_holiday_is_skipped() -> None:
    # 2026-10-01..07 are the National Day holiday; Thursday 10-08 is a working day.
    assert not CAL.is_working_day(date(2026, 10, 1))
    assert not CAL.is_working_day(date(2026, 10, 5))  # a Monday, yet a holiday
    assert CAL.add(at(2026, 9, 30, 17), hours(2)) == at(2026, 10, 8, 10)
    assert CAL.working_time(at(2026, 9, 30, 9), at(2026, 10, 9, 9)) == hours(16)


def test_make_up_working_day_counts() -> None:
    # Saturday 2026-10-10 is a make-up working day (调休) for National Day.
    assert date(2026, 10, 10).weekday() == 5
    assert CAL.is_working_day(date(2026, 10, 10))
    assert CAL.add(at(2026, 10, 9, 17), hours(2)) == at(2026, 10, 10, 10)
    # An ordinary Saturday is not one.
    assert CAL.add(at(2026, 10, 16, 17), hours(2)) == at(2026, 10, 19, 10)


def test_time_outside_working_hours_starts_at_the_next_period() -> None:
    assert CAL.add(at(2026, 3, 4, 20), hours(1)) == at(2026, 3, 5, 10)
    assert CAL.add(at(2026, 3, 4, 12, 30), hours(1)) == at(2026, 3, 4, 14)
    assert CAL.working_time(at(2026, 3, 4, 19), at(2026, 3, 5, 8)) == timedelta(0)


def test_other_time_zones_are_converted_to_the_calendar_zone() -> None:
    utc = datetime(2026, 3, 4, 1, tzinfo=ZoneInfo("UTC"))  # 09:00 in Shanghai
    assert CAL.add(utc, hours(1)) == at(2026, 3, 4, 10)


def test_local_adjustments_override_the_official_calendar() -> None:
    local = WorkingCalendar("Asia/Shanghai", days_off=frozenset({date(2026, 3, 5)}),
                            working_days=frozenset({date(2026, 3, 7)}))
    assert local.add(at(2026, 3, 4, 17), hours(2)) == at(2026, 3, 6, 10)
    assert local.add(at(2026, 3, 6, 17), hours(2)) == at(2026, 3, 7, 10)


def test_configured_hours_and_plain_weekends() -> None:
    plain = WorkingCalendar("Asia/Shanghai", hours=((time(8), time(16)),), official=False)
    assert plain.is_working_day(date(2026, 10, 1))  # no official holidays on this one
    assert plain.add(at(2026, 3, 6, 15), hours(2)) == at(2026, 3, 9, 9)


def test_around_the_clock_counts_nights_and_holidays() -> None:
    clock = AroundTheClock()
    assert clock.add(at(2026, 10, 1, 23), hours(4)) == at(2026, 10, 2, 3)
    assert clock.working_time(at(2026, 10, 1), at(2026, 10, 2)) == hours(24)


def test_years_the_package_does_not_know_fail_clearly() -> None:
    low, high = OFFICIAL_YEARS
    assert low <= 2026 <= high
    with pytest.raises(CalendarNotCovered, match=f"covers {low}–{high}"):
        CAL.is_working_day(date(high + 1, 3, 1))
    with pytest.raises(CalendarNotCovered):
        CAL.add(at(high, 12, 31, 17), hours(2))


def test_bad_configuration_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="ordered"):
        WorkingCalendar("Asia/Shanghai", hours=((time(13), time(18)), (time(9), time(12))))
    with pytest.raises(ValueError, match="time zone"):
        CAL.add(datetime(2026, 3, 4, 9), hours(1))
