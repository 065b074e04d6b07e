"""`cityops escalate`: run the SLA ticker (due times, warnings, escalation one tier up)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    """Add the `escalate` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "escalate", help="SLA ticker: keep due times, warn, escalate overdue cases one tier")
    p.add_argument("--every", type=_positive, default=None, metavar="SECONDS",
                   help="seconds between passes (default: CITYOPS_ESCALATE_EVERY_SECONDS)")
    p.add_argument("--once", action="store_true", help="make one pass and exit")
    p.add_argument("--check-holidays", action="store_true",
                   help="check the holiday file (CITYOPS_HOLIDAYS_FILE): list its years, or "
                        "every problem as file:line (exit 1), and exit")
    p.add_argument("--metrics-port", type=int, default=None, metavar="PORT",
                   help="/healthz and /metrics port, 0 for none "
                        "(default: CITYOPS_ESCALATE_METRICS_PORT)")
    p.set_defaults(func=_escalate)


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def check_holidays(settings) -> int:
    """Print the covered years and their sources, or the file's problems (then 1)."""
    from alerts.sla.holiday_file import HolidaysInvalid
    from alerts.sla.official_days import OfficialDays
    try:
        official = OfficialDays.from_file(settings.holidays_file)
    except HolidaysInvalid as exc:
        print(exc)
        return 1
    for year, source in official.sources().items():
        print(f"{year}\t{source}")
    return 0


def _escalate(args: argparse.Namespace, settings) -> int:
    from alerts.sla.escalation.runner import Ticker, run
    if args.check_holidays:
        return check_holidays(settings)
    every = args.every or settings.escalate_every_seconds
    port = settings.escalate_metrics_port if args.metrics_port is None else args.metrics_port
    if args.once:
        ticker = Ticker(settings, every)
        try:
            ticker.one_pass()
        finally:
            ticker.close()
        return 0
    return run(settings, every, port)
