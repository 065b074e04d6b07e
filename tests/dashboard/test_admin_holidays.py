"""The admin page's holiday calendar panel: covered years with their source, and the
warning before (and after) the covered years run out. "Today" is given, never read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alerts.sla.coverage import coverage
from alerts.sla.official_days import OfficialDays
from dashboard.admin.holidays import banner, check_result, panel

GOOD_2027 = """years:
  2027:
    source: made up for a test
    holidays:
      - name: {zh: 元旦, en: New Year's Day}
        date: 2027-01-01
"""


def texts(component) -> str:
    """Every string under a Dash component, in order."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(texts(c) for c in component)
    return texts(getattr(component, "children", None))


def test_the_panel_lists_years_and_sources_and_warns(tmp_path: Path) -> None:
    official = OfficialDays()
    shown = texts(panel("en", official, coverage(official, date(2026, 12, 4)),
                        tmp_path / "holidays.yaml", []))
    assert "2026" in shown and "chinese-calendar" in shown
    assert "2026-12-31" in shown and "27" in shown and "Monday to Friday" in shown
    zh = texts(banner("zh-CN", coverage(official, date(2026, 12, 4))))
    assert "2026-12-31" in zh and "27" in zh


def test_a_file_year_is_shown_as_the_file_and_nothing_warns(tmp_path: Path) -> None:
    path = tmp_path / "holidays.yaml"
    path.write_text(GOOD_2027, encoding="utf-8")
    official = OfficialDays.from_file(path)
    cover = coverage(official, date(2026, 12, 4))
    shown = texts(panel("en", official, cover, path, []))
    assert "2027" in shown and "made up for a test" in shown
    assert banner("en", cover) is None


def test_file_problems_are_listed_with_their_lines(tmp_path: Path) -> None:
    from alerts.sla.holiday_file import HolidayFileError
    official = OfficialDays()
    problem = HolidayFileError(tmp_path / "holidays.yaml", 6, "2027-02-30 is not a date")
    shown = texts(panel("en", official, coverage(official, date(2026, 12, 4)),
                        tmp_path / "holidays.yaml", [problem]))
    assert "6" in shown and "2027-02-30 is not a date" in shown


def test_checking_a_pasted_file_lists_its_years_or_its_problems() -> None:
    assert "2027" in texts(check_result("en", GOOD_2027))
    shown = texts(check_result("en", GOOD_2027.replace("2027-01-01", "2027-02-30")))
    assert "6" in shown and "2027-02-30" in shown
