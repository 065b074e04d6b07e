"""The SLA ticker watches its holiday calendar: days left on /metrics every pass, and one
warning in the log when the covered years are about to run out (or have), not one a tick."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from prometheus_client import generate_latest

from alerts.sla.escalation.calendar_watch import CalendarWatch
from alerts.sla.escalation.commands import check_holidays
from alerts.sla.escalation.holiday_source import HolidaySource
from alerts.sla.escalation.metrics import TickerMetrics
from alerts.sla.official_days import OfficialDays
from cityops.settings import ConfigError, Settings


def test_days_left_on_metrics_and_one_warning_a_change(caplog: pytest.LogCaptureFixture) -> None:
    metrics = TickerMetrics()
    watch = CalendarWatch(OfficialDays(), metrics.holiday_days_left)  # the package: to 2026
    with caplog.at_level(logging.WARNING, logger="cityops.alerts.calendar"):
        for _ in range(3):
            watch.check(date(2026, 12, 4))
        text = generate_latest(metrics.registry).decode()
        assert "cityops_holiday_calendar_days_left 27.0" in text
        warned = [r for r in caplog.records if "holiday calendar" in r.message]
        assert len(warned) == 1 and warned[0].last_day == "2026-12-31"
        watch.check(date(2027, 1, 1))
        watch.check(date(2027, 1, 2))
    assert "cityops_holiday_calendar_days_left -2.0" in generate_latest(metrics.registry).decode()
    warned = [r for r in caplog.records if "holiday calendar" in r.message]
    assert len(warned) == 2 and "Monday to Friday" in warned[1].message


def test_a_covered_year_ahead_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    metrics = TickerMetrics()
    watch = CalendarWatch(OfficialDays(), metrics.holiday_days_left)
    with caplog.at_level(logging.WARNING, logger="cityops.alerts.calendar"):
        watch.check(date(2026, 6, 1))
    assert not caplog.records
    assert "cityops_holiday_calendar_days_left 213.0" in generate_latest(metrics.registry).decode()


GOOD = """years:
  2027:
    source: made up for a test
    holidays:
      - name: {zh: 元旦, en: New Year's Day}
        date: 2027-01-01
"""


def test_the_ticker_refuses_a_bad_file_at_start(tmp_path: Path) -> None:
    path = tmp_path / "holidays.yaml"
    path.write_text(GOOD.replace("2027-01-01", "2027-13-01"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"(?s)CITYOPS_HOLIDAYS_FILE.*holidays.yaml:6: date"):
        HolidaySource(path)


def test_a_changed_file_is_read_again_and_a_broken_one_is_not_taken(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "holidays.yaml"
    path.write_text("years:\n", encoding="utf-8")
    source = HolidaySource(path)
    assert not source.refresh() and 2027 not in source.official.sources()
    path.write_text(GOOD, encoding="utf-8")
    assert source.refresh() and source.official.sources()[2027] == "file"
    with caplog.at_level(logging.ERROR, logger="cityops.alerts.calendar"):
        path.write_text(GOOD + "    workdays: nonsense\n", encoding="utf-8")
        assert not source.refresh()
    assert source.official.sources()[2027] == "file"
    assert "holidays.yaml:7:" in str(caplog.records[0].problems)


def test_the_command_checks_the_holiday_file(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "holidays.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert check_holidays(Settings(holidays_file=path)) == 0
    assert "2026\tpackage" in capsys.readouterr().out
    path.write_text(GOOD.replace("2027-01-01", "2027-01-32"), encoding="utf-8")
    assert check_holidays(Settings(holidays_file=path)) == 1
    assert "holidays.yaml:6: date" in capsys.readouterr().out
