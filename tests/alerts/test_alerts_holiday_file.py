"""The holiday file: official holidays and 调休 days as data the city maintains, checked
with file:line errors, used for the years it covers (the package for the others), and a
warning before the covered years run out.

The 2027 dates below are made up for the tests; they are not the State Council's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from alerts.sla.calendar import WorkingCalendar
from alerts.sla.coverage import WARN_DAYS, coverage
from alerts.sla.holiday_file import HolidaysInvalid, load_holiday_file
from alerts.sla.official_days import OfficialDays
from cityops.settings import Settings

SH = ZoneInfo("Asia/Shanghai")

YEAR_2027 = """\
years:
  2027:
    source: made up for a test
    holidays:
      - name: {zh: 元旦, en: New Year's Day}
        from: 2027-01-01
        to: 2027-01-03
      - name: {zh: 春节, en: Spring Festival}
        from: 2027-02-06
        to: 2027-02-12
    workdays:
      - name: {zh: 春节调休, en: Spring Festival make-up day}
        date: 2027-02-20
"""
# The festival starts on a day 元旦 already has.
OVERLAP = YEAR_2027.replace("from: 2027-02-06\n        to: 2027-02-12",
                            "from: 2027-01-03\n        to: 2027-01-05")


def write(tmp_path: Path, text: str, name: str = "holidays.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(HolidaysInvalid) as caught:
        load_holiday_file(path)
    return [str(e) for e in caught.value.errors]


def calendar_from(path: Path) -> WorkingCalendar:
    return WorkingCalendar("Asia/Shanghai", official_days=OfficialDays.from_file(path))


def test_a_file_year_counts_its_holidays_and_make_up_days(tmp_path: Path) -> None:
    calendar = calendar_from(write(tmp_path, YEAR_2027))
    assert not calendar.is_working_day(date(2027, 1, 1))  # 元旦, a Friday
    assert not calendar.is_working_day(date(2027, 2, 8))  # a Monday in the festival
    assert calendar.is_working_day(date(2027, 2, 20))  # a make-up Saturday
    assert calendar.is_working_day(date(2027, 1, 4))  # an ordinary Monday
    assert not calendar.is_working_day(date(2027, 1, 9))  # an ordinary Saturday
    start = datetime(2026, 12, 31, 17, tzinfo=SH)
    assert calendar.add(start, timedelta(hours=2)) == datetime(2027, 1, 4, 10, tzinfo=SH)


def test_the_package_keeps_the_years_the_file_does_not_have(tmp_path: Path) -> None:
    official = OfficialDays.from_file(write(tmp_path, YEAR_2027))
    assert official.sources()[2026] == "package" and official.sources()[2027] == "file"
    calendar = WorkingCalendar("Asia/Shanghai", official_days=official)
    assert not calendar.is_working_day(date(2026, 10, 1))
    assert calendar.is_working_day(date(2026, 10, 10))


def test_the_file_wins_where_both_cover_a_year(tmp_path: Path) -> None:
    text = YEAR_2027.replace("2027", "2026").replace("2026-02-20", "2026-02-21")
    official = OfficialDays.from_file(write(tmp_path, text))
    assert official.sources()[2026] == "file"
    assert official.is_workday(date(2026, 2, 21))  # the file's make-up Saturday
    assert official.is_workday(date(2026, 10, 1))  # the package's holiday is not used


def test_the_shipped_file_loads_and_agrees_with_the_package() -> None:
    path = Settings().holidays_file
    official = OfficialDays.from_file(path)
    for year, source in official.sources().items():
        if source != "file" or year > max(official.package_years):
            continue
        day = date(year, 1, 1)
        while day.year == year:
            assert official.is_workday(day) == chinese_calendar.is_workday(day), day
            day += timedelta(days=1)


@pytest.mark.parametrize(("text", "expected"), [
    (YEAR_2027.replace("2027-01-03", "2027-02-30"), "holidays.yaml:7: "),
    (YEAR_2027.replace("to: 2027-01-03", "to: 2026-12-31"), "holidays.yaml:7: "),
    (OVERLAP, "holidays.yaml:9: "),
    (YEAR_2027.replace("date: 2027-02-20", "date: 2027-02-08"), "holidays.yaml:13: "),
    (YEAR_2027.replace("date: 2027-02-20", "date: 2027-02-22"), "holidays.yaml:13: "),
    (YEAR_2027.replace("    source: made up for a test\n", ""), "holidays.yaml:2: "),
    (YEAR_2027.replace("en: New Year's Day", "fr: Jour de l'an"), "holidays.yaml:5: "),
    (YEAR_2027.replace("  2027:", "  2o27:"), "holidays.yaml:2: "),
    (YEAR_2027.replace("        from: 2027-01-01", "        form: 2027-01-01"),
     "holidays.yaml:6: "),
    ("years: [2027]\n", "holidays.yaml:1: "),
    ("years:\n  2027: {source: x, holidays: [\n", "holidays.yaml:3: "),
])
def test_errors_name_the_file_and_the_line(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)
    assert found and all(p.startswith(str(tmp_path)) for p in found), found
    assert any(expected in p for p in found), found


def test_the_kinds_of_mistake_are_told_apart(tmp_path: Path) -> None:
    both = YEAR_2027.replace("date: 2027-02-20", "date: 2027-02-08")
    weekday = YEAR_2027.replace("date: 2027-02-20", "date: 2027-02-22")
    other_year = YEAR_2027.replace("to: 2027-01-03", "to: 2028-01-03")
    assert "2027-01-03 is listed twice" in problems(tmp_path, OVERLAP)[0]
    assert "both a holiday and a working day" in problems(tmp_path, both)[0]
    assert "not a Saturday or Sunday" in problems(tmp_path, weekday)[0]
    assert "not in 2027" in problems(tmp_path, other_year)[0]


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(HolidaysInvalid, match="nowhere.yaml"):
        load_holiday_file(tmp_path / "nowhere.yaml")


def test_coverage_warns_sixty_days_before_the_covered_years_run_out(tmp_path: Path) -> None:
    package_only = OfficialDays()
    assert max(package_only.package_years) == 2026
    today = date(2026, 12, 4)
    soon = coverage(package_only, today)
    assert soon.last_day == date(2026, 12, 31) and soon.days_left == 27
    assert soon.level == "ending"
    assert coverage(package_only, date(2026, 12, 31) - timedelta(days=WARN_DAYS + 1)).level == "ok"
    assert coverage(package_only, date(2027, 1, 2)).level == "ended"
    assert coverage(package_only, date(2027, 1, 2)).days_left == -2
    with_2027 = coverage(OfficialDays.from_file(write(tmp_path, YEAR_2027)), today)
    assert with_2027.level == "ok" and with_2027.last_day == date(2027, 12, 31)
