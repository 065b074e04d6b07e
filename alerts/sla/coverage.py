"""How long the official calendar lasts: the last day of the run of covered years that holds
today, the days left until then, and whether that calls for a warning (60 days ahead, so
that the admins have time to copy the State Council's notice into the holiday file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from alerts.sla.official_days import OfficialDays

WARN_DAYS = 60
LEVELS = ("ok", "ending", "ended")


@dataclass(frozen=True)
class Coverage:
    today: date
    last_day: date | None  # None: no year is covered at all
    days_left: int  # negative once the covered years have run out
    level: str  # ok | ending (within WARN_DAYS) | ended (counting Monday to Friday)


def coverage(official: OfficialDays, today: date) -> Coverage:
    """Where the calendar stands on `today` (the city's date, given by the caller)."""
    years = sorted(official.sources())
    if today.year in years:
        last = today.year
        while last + 1 in years:
            last += 1
    else:
        earlier = [y for y in years if y < today.year]
        last = earlier[-1] if earlier else None
    if last is None:
        return Coverage(today, None, -1, "ended")
    last_day = date(last, 12, 31)
    left = (last_day - today).days
    level = "ended" if left < 0 else "ending" if left <= WARN_DAYS else "ok"
    return Coverage(today, last_day, left, level)
