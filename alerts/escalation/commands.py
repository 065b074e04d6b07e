"""`cityops escalate`: run the SLA ticker (due times, warnings, escalation one tier up)."""

from __future__ import annotations

import argparse

DEFAULT_EVERY_S = 30.0
DEFAULT_METRICS_PORT = 9104


def register(subparsers) -> None:
    """Add the `escalate` command to the CLI's subparsers."""
    p = subparsers.add_parser(
        "escalate", help="SLA ticker: keep due times, warn, escalate overdue cases one tier")
    p.add_argument("--every", type=_positive, default=DEFAULT_EVERY_S, metavar="SECONDS",
                   help=f"seconds between passes over the open cases (default {DEFAULT_EVERY_S:g})")
    p.add_argument("--once", action="store_true", help="make one pass and exit")
    p.add_argument("--metrics-port", type=int, default=DEFAULT_METRICS_PORT, metavar="PORT",
                   help=f"/healthz and /metrics port, 0 for none (default "
                        f"{DEFAULT_METRICS_PORT})")
    p.set_defaults(func=_escalate)


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def _escalate(args: argparse.Namespace, settings) -> int:
    from alerts.escalation.runner import Ticker, run
    if args.once:
        ticker = Ticker(settings, args.every)
        try:
            ticker.one_pass()
        finally:
            ticker.close()
        return 0
    return run(settings, args.every, args.metrics_port)
