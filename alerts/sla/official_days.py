"""Which days are official working days, from the holiday file and the `chinese-calendar`
package: the file for the years it has (it wins where both know a year: it is the one the
city keeps), the package for the others, and nobody for the rest (None: the caller decides).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType

import chinese_calendar
from chinese_calendar.constants import holidays as _package_holidays

from alerts.sla.holiday_file import HolidayYear, load_holiday_file

PACKAGE_YEARS: tuple[int, ...] = tuple(range(min(_package_holidays).year,
                                             max(_package_holidays).year + 1))
FILE, PACKAGE = "file", "package"


@dataclass(frozen=True, eq=False)
class OfficialDays:
    """The official calendar; `file_years` come from the holiday file at `path`."""

    file_years: Mapping[int, HolidayYear] = field(
        default_factory=lambda: MappingProxyType({}))
    path: Path | None = None
    package_years: tuple[int, ...] = PACKAGE_YEARS

    @classmethod
    def from_file(cls, path: Path) -> OfficialDays:
        """Raises HolidaysInvalid (every problem as file:line) for a file that cannot be used."""
        return cls(MappingProxyType(load_holiday_file(path)), Path(path))

    def sources(self) -> dict[int, str]:
        """Every covered year and where its days come from, in order."""
        years = {year: PACKAGE for year in self.package_years}
        years.update({year: FILE for year in self.file_years})
        return dict(sorted(years.items()))

    def covers(self, year: int) -> bool:
        return year in self.file_years or year in self.package_years

    def is_workday(self, day: date) -> bool | None:
        """Whether `day` is an official working day; None for a year nobody covers."""
        year = self.file_years.get(day.year)
        if year is not None:
            if day in year.holidays:
                return False
            return day in year.workdays or day.weekday() < 5
        if day.year in self.package_years:
            return chinese_calendar.is_workday(day)
        return None
