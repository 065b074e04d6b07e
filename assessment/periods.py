"""The periods an assessment covers: a month, a quarter or any run of days, on the city's
clock (a month in Shanghai starts at 00:00 China time, not at midnight UTC)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the first day after the period
    label: str  # 2026-11, 2026-Q4 or 2026-11-03..2026-11-17

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return (datetime.combine(self.start, time(), zone),
                datetime.combine(self.end, time(), zone))

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if re.fullmatch(r"\d{4}-\d{2}", self.label):
            return month(self.start - timedelta(days=1))
        if "Q" in self.label:
            return quarter(self.start - timedelta(days=1))
        length = self.end - self.start
        return days(self.start - length, self.start)


def month(day: date) -> Period:
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return Period(start, end, f"{start:%Y-%m}")


def quarter(day: date) -> Period:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return Period(start, end, f"{start.year}-Q{(first_month - 1) // 3 + 1}")


def days(start: date, end: date) -> Period:
    if end <= start:
        raise ValueError("a period ends after it starts")
    return Period(start, end, f"{start:%Y-%m-%d}..{end - timedelta(days=1):%Y-%m-%d}")


def parse(text: str) -> Period:
    """`2026-11`, `2026-Q4` or `2026-11-03..2026-11-17` (both days included)."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return month(date(int(m[1]), int(m[2]), 1))
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text, re.IGNORECASE):
        return quarter(date(int(m[1]), 3 * int(m[2]) - 2, 1))
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
        return days(date.fromisoformat(m[1]), date.fromisoformat(m[2]) + timedelta(days=1))
    raise ValueError(f"a period is 2026-11, 2026-Q4 or 2026-11-03..2026-11-17, not {text!r}")


def recent(today: date, months: int = 12) -> list[Period]:
    """This month and the ones before, then this quarter and the three before it."""
    found, cursor = [], month(today)
    for _ in range(months):
        found.append(cursor)
        cursor = cursor.previous()
    q = quarter(today)
    for _ in range(4):
        found.append(q)
        q = q.previous()
    return found
