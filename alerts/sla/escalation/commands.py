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
    p.add_argument("--metrics-port", type=int, default=None, metavar="PORT",
                   help="/healthz and /metrics port, 0 for none "
                        "(default: CITYOPS_ESCALATE_METRICS_PORT)")
    p.set_defaults(func=_escalate)


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def _escalate(args: argparse.Namespace, settings) -> int:
    from alerts.sla.escalation.runner import Ticker, run
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
