"""The daily summary as a file: one day's PDF for an area, and the loop that writes
yesterday's every day at a set time into settings.summary_dir.

The loop catches up when it starts (yesterday's file missing: write it now), writes each
file whole (pdf.print_pdf renames into place), and stops between runs on SIGTERM.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from assessment import periods
from assessment.bulletin import gather as gather_bulletin
from assessment.indicators import read
from assessment.periods import Period
from cityops.settings import Settings
from dashboard.assessment import bulletin_files
from dashboard.i18n import city_zone
from dashboard.summary.data import gather, yesterday
from dashboard.summary.pdf import export, file_name
from identity.scope import Scope, area_level
from identity.users import known_level
from screens.summary import cases as case_days
from store import db

log = logging.getLogger("cityops.summary")


class NoSuchArea(ValueError):
    """The area code names no area this deployment knows."""


def next_run(now: datetime, at: time) -> datetime:
    """The next moment the city's clock shows `at`, strictly after `now`."""
    local = now.astimezone(city_zone())
    candidate = datetime.combine(local.date(), at, city_zone())
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, city_zone())
    return candidate


def area_scope(cur, code: str | None) -> Scope:
    """The scope of an area code, the whole city when None."""
    code = code or case_days.city_code(cur)
    level = area_level(code, known_level(cur, code)) if code else None
    if level is None:
        raise NoSuchArea(f"area {code!r} is not in the areas table; import the city's "
                         "geography first (cityops geo import)")
    return Scope(level, code)


def write_day(settings: Settings, day: date, area: str | None, lang: str,
              out: Path | None = None) -> Path:
    """The PDF of `day` for `area` (default: the city), at `out` or in settings.summary_dir."""
    conn = db.connect(settings.database_url)
    try:
        with conn.cursor() as cur:
            scope = area_scope(cur, area)
            summary = gather(cur, scope, day, datetime.now(UTC))
    finally:
        conn.close()
    target = out or settings.summary_dir / file_name(day, scope.code)
    export(summary, lang, target)
    log.info("summary written", extra={"day": day.isoformat(), "area": scope.code,
                                       "path": str(target)})
    return target


def write_bulletin(settings: Settings, period: Period | None, area: str | None, lang: str,
                   fmt: str = "pdf", out: Path | None = None) -> Path:
    """The monthly bulletin of `period` (default: last month) for `area`, as one file."""
    period = period or periods.month(datetime.now(city_zone()).date()).previous()
    conn = db.connect(settings.database_url)
    try:
        with conn.cursor() as cur:
            scope = area_scope(cur, area)
        conn.rollback()
        bulletin = gather_bulletin(conn, scope, period, read(settings.assessment_file),
                                   city_zone())
    finally:
        conn.close()
    target = out or settings.summary_dir / bulletin_files.file_name(bulletin, scope.code, fmt)
    bulletin_files.write(lang, bulletin, fmt, target)
    log.info("bulletin written", extra={"period": period.label, "area": scope.code,
                                        "path": str(target)})
    return target


def run(settings: Settings, at: time, area: str | None, lang: str,
        stop: threading.Event | None = None) -> int:
    """Write yesterday's summary now if it is missing, then every day at `at`."""
    stop = stop or threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    day = yesterday(datetime.now(UTC))
    if not any(settings.summary_dir.glob(f"cityops-summary-{day.isoformat()}-*.pdf")):
        _safely(settings, day, area, lang)
    while not stop.is_set():
        due = next_run(datetime.now(UTC), at)
        log.info("next summary", extra={"at": due.isoformat()})
        if stop.wait((due - datetime.now(UTC)).total_seconds()):
            break
        _safely(settings, yesterday(datetime.now(UTC)), area, lang)
    return 0


def _safely(settings: Settings, day: date, area: str | None, lang: str) -> None:
    """One scheduled file; a failure is logged and the loop goes on to the next day."""
    try:
        write_day(settings, day, area, lang)
    except Exception:  # noqa: BLE001 - a bad day must not end the schedule
        log.exception("summary failed", extra={"day": day.isoformat()})
    if (day + timedelta(days=1)).day == 1:  # the month just ended: its bulletin too
        _bulletin_safely(settings, periods.month(day), area, lang)


def _bulletin_safely(settings: Settings, period: Period, area: str | None, lang: str) -> None:
    try:
        for fmt in ("pdf", "xlsx"):
            write_bulletin(settings, period, area, lang, fmt)
    except Exception:  # noqa: BLE001 - as above
        log.exception("bulletin failed", extra={"period": period.label})
