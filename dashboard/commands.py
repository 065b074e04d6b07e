"""`cityops summary export|schedule`: the leaders' daily summary as a PDF file (and, on the
first of a month, the monthly bulletin); `cityops bulletin export`: one bulletin file."""

from __future__ import annotations

import argparse
import sys
from datetime import date, time
from pathlib import Path

from dashboard.i18n import use_city_zone


def register(subparsers) -> None:
    """Add the `summary` command to the CLI's subparsers."""
    p = subparsers.add_parser("summary", help="the daily summary as a PDF file")
    sub = p.add_subparsers(dest="summary_action", required=True)
    e = sub.add_parser("export", help="write one day's summary PDF")
    e.add_argument("--date", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                   help="the day (default: yesterday, city time)")
    _common(e)
    e.add_argument("--out", type=Path, default=None, metavar="PATH",
                   help="where to write it (default: CITYOPS_SUMMARY_DIR/"
                        "cityops-summary-<date>-<area>.pdf)")
    e.set_defaults(func=_export)
    s = sub.add_parser("schedule", help="write yesterday's summary every day at a set time")
    s.add_argument("--at", type=time.fromisoformat, default=time(6, 0), metavar="HH:MM",
                   help="city time of day to write it (default 06:00)")
    _common(s)
    s.set_defaults(func=_schedule)
    b = subparsers.add_parser("bulletin", help="the monthly bulletin (月度通报) as a file")
    bsub = b.add_subparsers(dest="bulletin_action", required=True)
    be = bsub.add_parser("export", help="write one month's or quarter's bulletin")
    be.add_argument("--period", default=None, metavar="2026-11 | 2026-Q4",
                    help="the month or quarter (default: last month, city time)")
    be.add_argument("--format", choices=("pdf", "xlsx", "csv"), default="pdf")
    _common(be)
    be.add_argument("--out", type=Path, default=None, metavar="PATH",
                    help="where to write it (default: CITYOPS_SUMMARY_DIR/"
                         "cityops-bulletin-<period>-<area>.<format>)")
    be.set_defaults(func=_bulletin)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--area", default=None, metavar="CODE",
                   help="district or street code (default: the whole city)")
    p.add_argument("--lang", choices=("zh-CN", "en"), default=None,
                   help="language (default: CITYOPS_LANGUAGE)")


def _export(args: argparse.Namespace, settings) -> int:
    from datetime import UTC, datetime

    from dashboard.summary.data import yesterday
    from dashboard.summary.pdf import PdfFailed
    from dashboard.summary.schedule import NoSuchArea, write_day
    use_city_zone(settings.zone)
    day = args.date or yesterday(datetime.now(UTC))
    try:
        path = write_day(settings, day, args.area, args.lang or settings.language, args.out)
    except (NoSuchArea, PdfFailed) as exc:
        print(f"cityops: error: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def _schedule(args: argparse.Namespace, settings) -> int:
    from dashboard.summary.schedule import run
    use_city_zone(settings.zone)
    return run(settings, args.at, args.area, args.lang or settings.language)


def _bulletin(args: argparse.Namespace, settings) -> int:
    from assessment import periods
    from dashboard.summary.pdf import PdfFailed
    from dashboard.summary.schedule import NoSuchArea, write_bulletin
    use_city_zone(settings.zone)
    try:
        period = periods.parse(args.period) if args.period else None
        path = write_bulletin(settings, period, args.area, args.lang or settings.language,
                              args.format, args.out)
    except (ValueError, NoSuchArea, PdfFailed) as exc:
        print(f"cityops: error: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0
