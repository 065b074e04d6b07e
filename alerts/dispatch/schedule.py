"""On-duty schedules (排班): weekly shifts in local time plus dated overrides, and `on_duty`.

The `workers.schedule` jsonb holds either a list of shifts or an object:

    {"timezone": "Asia/Shanghai",
     "shifts": [{"days": "mon-fri", "from": "08:00", "to": "17:30"},
                "sat,sun 22:00-06:00"],
     "overrides": [{"date": "2025-10-01", "until": "2025-10-07", "day_off": true},
                   {"date": "2025-10-08", "shifts": ["09:00-12:00"]}]}

A shift whose end is not after its start runs overnight into the next day; it belongs to the
day it starts on. An override replaces the shifts that start on its dates. No shifts at all
means never on duty: a worker without a roster is not sent cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts.dispatch.errors import ScheduleError

DEFAULT_TIMEZONE = "Asia/Shanghai"
DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SECONDS_A_DAY = 24 * 3600
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_SPAN_TEXT = re.compile(r"(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})")


@dataclass(frozen=True)
class Span:
    """From `start` to `end`, in seconds after local midnight; end <= start runs overnight."""

    start: int
    end: int

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class Shift:
    days: frozenset[int]  # 0 = Monday, as date.weekday()
    span: Span


@dataclass(frozen=True)
class Override:
    first: date
    last: date
    spans: tuple[Span, ...]  # empty: a day off


@dataclass(frozen=True)
class Schedule:
    shifts: tuple[Shift, ...] = ()
    overrides: tuple[Override, ...] = ()
    timezone: str = DEFAULT_TIMEZONE

    def spans_starting_on(self, day: date) -> tuple[Span, ...]:
        # The last matching override wins, so a later line in the roster can correct one.
        for override in reversed(self.overrides):
            if override.first <= day <= override.last:
                return override.spans
        return tuple(s.span for s in self.shifts if day.weekday() in s.days)


def on_duty(schedule: Schedule | dict | list, at: datetime) -> bool:
    """Is a worker with this schedule on duty at the instant `at` (timezone-aware)?"""
    if at.tzinfo is None:
        raise ValueError("on_duty needs a timezone-aware time; naive times are ambiguous")
    if not isinstance(schedule, Schedule):
        schedule = parse_schedule(schedule)
    local = at.astimezone(ZoneInfo(schedule.timezone))
    second = local.hour * 3600 + local.minute * 60 + local.second
    today = local.date()
    for span in schedule.spans_starting_on(today):
        if span.start <= second < (_SECONDS_A_DAY if span.overnight else span.end):
            return True
    # Yesterday's overnight shifts reach into the small hours of today.
    return any(span.overnight and second < span.end
               for span in schedule.spans_starting_on(today - timedelta(days=1)))


def parse_schedule(raw: Any) -> Schedule:
    """Read the jsonb form (see the module docstring); ScheduleError says what is wrong."""
    if raw is None:
        return Schedule()
    if isinstance(raw, list):
        raw = {"shifts": raw}
    if not isinstance(raw, dict):
        raise ScheduleError(f"a schedule is a list of shifts or an object, not {raw!r}")
    unknown = set(raw) - {"timezone", "shifts", "overrides"}
    if unknown:
        raise ScheduleError(f"unknown schedule keys {sorted(unknown)}; "
                            "known: timezone, shifts, overrides")
    timezone = raw.get("timezone") or DEFAULT_TIMEZONE
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown timezone {timezone!r}") from None
    shifts = tuple(parse_shift(item) for item in _items(raw, "shifts"))
    overrides = tuple(parse_override(item) for item in _items(raw, "overrides"))
    return Schedule(shifts, overrides, timezone)


def _items(raw: dict, key: str) -> list:
    items = raw.get(key) or []
    if not isinstance(items, list):
        raise ScheduleError(f"{key} must be a list, not {items!r}")
    return items


def parse_shift(item: Any) -> Shift:
    """`{"days": "mon-fri", "from": "08:00", "to": "17:00"}` or `"mon-fri 08:00-17:00"`."""
    if isinstance(item, str):
        days, _, hours = item.strip().rpartition(" ")
        return Shift(parse_days(days or None), parse_span_text(hours))
    if not isinstance(item, dict):
        raise ScheduleError(f"a shift is an object or text like 'mon-fri 08:00-17:00', "
                            f"not {item!r}")
    unknown = set(item) - {"days", "from", "to"}
    if unknown:
        raise ScheduleError(f"unknown shift keys {sorted(unknown)}; known: days, from, to")
    return Shift(parse_days(item.get("days")), parse_span(item.get("from"), item.get("to")))


def parse_override(item: Any) -> Override:
    """`{"date": ..., "until": ..., "day_off": true}` or with `"shifts": ["09:00-12:00"]`."""
    if not isinstance(item, dict) or "date" not in item:
        raise ScheduleError(f"an override is an object with a date, not {item!r}")
    unknown = set(item) - {"date", "until", "day_off", "shifts"}
    if unknown:
        raise ScheduleError(f"unknown override keys {sorted(unknown)}; "
                            "known: date, until, day_off, shifts")
    first = _date(item["date"])
    last = _date(item.get("until", item["date"]))
    if last < first:
        raise ScheduleError(f"override until {last} is before its date {first}")
    if item.get("day_off") and item.get("shifts"):
        raise ScheduleError(f"override {first}: give either day_off or shifts, not both")
    if not item.get("day_off") and "shifts" not in item:
        raise ScheduleError(f"override {first}: say day_off: true or give the day's shifts")
    spans = () if item.get("day_off") else tuple(_override_span(s) for s in item["shifts"])
    return Override(first, last, spans)


def _override_span(item: Any) -> Span:
    if isinstance(item, str):
        return parse_span_text(item)
    if isinstance(item, dict) and set(item) <= {"from", "to"}:
        return parse_span(item.get("from"), item.get("to"))
    raise ScheduleError(f"an override's shift is '09:00-12:00' or {{from, to}}, not {item!r}")


def parse_days(days: Any) -> frozenset[int]:
    """None or 'daily' (every day), 'mon-fri', 'sat,sun', ['mon', 'wed'], ISO numbers 1..7."""
    if days is None or days == "daily":
        return frozenset(range(7))
    parts = days.replace(" ", "").split(",") if isinstance(days, str) else list(days)
    chosen: set[int] = set()
    for part in parts:
        if isinstance(part, str) and "-" in part:
            first, _, last = part.partition("-")
            start, stop = _day(first), _day(last)
            chosen.update(range(start, stop + 1) if start <= stop
                          else [*range(start, 7), *range(0, stop + 1)])
        else:
            chosen.add(_day(part))
    if not chosen:
        raise ScheduleError("a shift needs at least one day")
    return frozenset(chosen)


def _day(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 7:
        return value - 1
    if isinstance(value, str) and value.strip().lower()[:3] in DAYS:
        return DAYS.index(value.strip().lower()[:3])
    raise ScheduleError(f"unknown day {value!r}; use mon..sun or 1..7 (Monday = 1)")


def parse_span_text(text: str) -> Span:
    match = _SPAN_TEXT.fullmatch(text.strip())
    if not match:
        raise ScheduleError(f"hours must look like 08:00-17:30, not {text!r}")
    return parse_span(match.group(1), match.group(2))


def parse_span(start: Any, end: Any) -> Span:
    span = Span(_clock(start, "from"), _clock(end, "to"))
    if span.start == span.end:
        raise ScheduleError(f"a shift from {start} to {end} has no length; "
                            "a whole day is 00:00-24:00")
    return span


def _clock(value: Any, which: str) -> int:
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    if not match:
        raise ScheduleError(f"shift {which} must be HH:MM, not {value!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes) or (hours == 24 and which == "from"):
        raise ScheduleError(f"shift {which} {value!r} is not a time of day")
    return hours * 3600 + minutes * 60


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # YAML reads 2025-10-01 as a date already
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScheduleError(f"dates are YYYY-MM-DD, not {value!r}") from None
