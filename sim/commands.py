"""`cityops sim`: until the full simulator lands, the placeholder stream in sim/trickle.py."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("sim", help="stream simulated readings into Kafka")
    p.add_argument("--devices", type=int, default=500)
    p.add_argument("--rate", type=float, default=200.0, help="messages per second")
    p.add_argument("--duration", type=float, default=0.0, help="seconds; 0 runs until stopped")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace, settings) -> int:
    from sim.trickle import run
    return run(settings, devices=args.devices, rate=args.rate, duration=args.duration,
               seed=args.seed)
