"""The ticker's official days from the holiday file, read again when the file changes, so
that an admin who adds next year does not have to restart the ticker. A changed file with
problems is logged (every problem, file:line) and the ticker keeps the days it had."""

from __future__ import annotations

import logging
from pathlib import Path

from alerts.sla.holiday_file import HolidaysInvalid
from alerts.sla.official_days import OfficialDays
from cityops.settings import ConfigError

log = logging.getLogger("cityops.alerts.calendar")

ENV = "CITYOPS_HOLIDAYS_FILE"


class HolidaySource:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.stamp = self._stamp()
        try:
            self.official = OfficialDays.from_file(self.path)
        except HolidaysInvalid as exc:
            # At start there is nothing to keep: refuse, naming the setting and every problem.
            raise ConfigError(ENV, f"the holiday file cannot be used:\n{exc}") from None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def refresh(self) -> bool:
        """Read the file again if it changed; True when new official days were taken."""
        stamp = self._stamp()
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        try:
            self.official = OfficialDays.from_file(self.path)
        except HolidaysInvalid as exc:
            log.error("holiday file changed but cannot be used; keeping the days read before",
                      extra={"holiday_file": str(self.path),
                             "problems": [str(e) for e in exc.errors]})
            return False
        log.info("holiday file read again", extra={"holiday_file": str(self.path),
                                                   "years": list(self.official.sources())})
        return True
