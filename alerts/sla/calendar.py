"""Working time on a configurable calendar, and the around-the-clock time of emergencies.

Official public holidays and make-up working days (调休) come from `OfficialDays`: the
city's holiday file (CITYOPS_HOLIDAYS_FILE) for the years it has, the `chinese_calendar`
package for the others. A year neither knows is an error, never a silent guess that every
weekday is a working day. A long-running service that must keep going (the SLA ticker) may
choose `uncovered="weekdays"`: such a year then counts Monday to Friday as working days and
says so once in the log (and the ticker's metrics and the admin page say it too).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from alerts.sla.official_days import PACKAGE_YEARS, OfficialDays

log = logging.getLogger("cityops.alerts.calendar")

# Far enough for any case limit; stops a runaway loop on a calendar with no working time.
_MAX_DAYS = 3 * 366

# The years the chinese-calendar package covers (the holiday file may add more).
OFFICIAL_YEARS: tuple[int, int] = (PACKAGE_YEARS[0], PACKAGE_YEARS[-1])
PACKAGE_ONLY = OfficialDays()

# What to do with a year the official calendar does not cover.
UNCOVERED_CHOICES: tuple[str, ...] = ("fail", "weekdays")
_warned_years: set[int] = set()


class CalendarNotCovered(ValueError):
    """Neither the holiday file nor the package knows this year yet."""


class Clock(Protocol):
    def working_time(self, start: datetime, end: datetime) -> timedelta: ...

    def add(self, start: datetime, duration: timedelta) -> datetime: ...


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; SLA clocks need aware times")
    return moment


@dataclass(frozen=True)
class AroundTheClock:
    """Emergencies: every minute counts, nights and holidays included."""

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        return max(_aware(end) - _aware(start), timedelta(0))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return _aware(start) + duration


DEFAULT_HOURS = ((time(9), time(12)), (time(13), time(18)))


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and hours of a city's offices.

    `official` follows the national holidays and 调休 days; without it Saturday and
    Sunday are the days off. `days_off` and `working_days` adjust for local decisions.
    `official_days` are the holiday file's years and the package's (the package alone by
    default). `uncovered` is what an official calendar does with a year neither knows:
    "fail" (CalendarNotCovered) or "weekdays" (Monday–Friday, with a warning once a year).
    """

    timezone: str  # the city's (settings.time_zone): whose days and hours these are
    hours: tuple[tuple[time, time], ...] = DEFAULT_HOURS
    official: bool = True
    days_off: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)
    uncovered: str = "fail"
    official_days: OfficialDays = field(default=PACKAGE_ONLY, compare=False)

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # an unknown zone fails here, at configuration time
        if self.uncovered not in UNCOVERED_CHOICES:
            raise ValueError(f"uncovered is one of {UNCOVERED_CHOICES}, not {self.uncovered!r}")
        ends = [t for period in self.hours for t in period]
        if not ends or ends != sorted(ends) or any(a >= b for a, b in self.hours):
            raise ValueError(f"working hours must be ordered, non-overlapping periods: "
                             f"{self.hours}")

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        if not self.official:
            return day.weekday() < 5
        known = self.official_days.is_workday(day)
        if known is not None:
            return known
        if self.uncovered == "weekdays":
            _warn_uncovered(day.year, self.official_days)
            return day.weekday() < 5
        raise CalendarNotCovered(
            f"{day.isoformat()}: the official holiday calendar covers "
            f"{_years(self.official_days)} only; add {day.year} to the holiday file "
            f"(CITYOPS_HOLIDAYS_FILE) once the State Council publishes its holidays")

    def _periods(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        zone = ZoneInfo(self.timezone)
        return [(datetime.combine(day, a, zone), datetime.combine(day, b, zone))
                for a, b in self.hours]

    def _local_day(self, moment: datetime) -> date:
        return _aware(moment).astimezone(ZoneInfo(self.timezone)).date()

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two moments (zero when end is not after start)."""
        total = timedelta(0)
        day, last = self._local_day(start), self._local_day(end)
        while day <= last and start < end:
            for a, b in self._periods(day):
                total += max(min(end, b) - max(start, a), timedelta(0))
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start`."""
        left = duration
        if left <= timedelta(0):
            return _aware(start)
        day = self._local_day(start)
        for _ in range(_MAX_DAYS):
            for a, b in self._periods(day):
                begin = max(start, a)
                if begin >= b:
                    continue
                if left <= b - begin:
                    return begin + left
                left -= b - begin
            day += timedelta(days=1)
        raise ValueError(f"no {duration} of working time within {_MAX_DAYS} days of {start}")


def _years(official: OfficialDays) -> str:
    years = list(official.sources())
    if not years:
        return "no year"
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def _warn_uncovered(year: int, official: OfficialDays) -> None:
    # Once per year and process: the ticker asks about every day of every open case.
    if year not in _warned_years:
        _warned_years.add(year)
        log.warning("official holiday calendar does not cover this year; counting Monday to "
                    "Friday as working days until the year is added to the holiday file",
                    extra={"year": year, "covered": _years(official),
                           "holiday_file": str(official.path)})
