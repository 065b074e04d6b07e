"""The ticker's eye on its holiday calendar: the days left before the covered years run out
go to /metrics every pass; the log gets one warning when that becomes close (60 days) and
one when it has happened, not one a tick."""

from __future__ import annotations

import logging
from datetime import date

from prometheus_client import Gauge

from alerts.sla.coverage import Coverage, coverage
from alerts.sla.official_days import OfficialDays

log = logging.getLogger("cityops.alerts.calendar")


class CalendarWatch:
    def __init__(self, official: OfficialDays, days_left: Gauge) -> None:
        self.official = official
        self.days_left = days_left
        self.told = "ok"  # the level the log was last told about

    def check(self, today: date) -> Coverage:
        """Set the gauge for `today` (the city's date) and warn once per change of level."""
        now = coverage(self.official, today)
        self.days_left.set(now.days_left)
        if now.level != self.told:
            self.told = now.level
            self._tell(now)
        return now

    def _tell(self, now: Coverage) -> None:
        extra = {"last_day": now.last_day.isoformat() if now.last_day else "none",
                 "days_left": now.days_left, "holiday_file": str(self.official.path)}
        if now.level == "ending":
            log.warning("official holiday calendar runs out soon: add next year from the State "
                        "Council's notice to the holiday file", extra=extra)
        elif now.level == "ended":
            log.warning("official holiday calendar has run out: SLA clocks count Monday to "
                        "Friday as working days until the year is added to the holiday file",
                        extra=extra)
        else:
            log.info("official holiday calendar covers the coming days again", extra=extra)
