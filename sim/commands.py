"""`cityops sim` (stream a simulated city, record, replay) and `cityops devices import`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.mix import parse_shares


def _rate(text: str) -> float | None:
    return None if text == "max" else float(text)


def register(subparsers) -> None:
    """Add `sim` and `devices` to the CLI."""
    p = subparsers.add_parser("sim", help="stream a simulated city into Kafka, with ground truth")
    p.add_argument("--devices", type=int, default=500, help="how many devices (default 500)")
    p.add_argument("--rate", type=_rate, default=200.0,
                   help="messages per second, or 'max' for as fast as the broker takes them")
    p.add_argument("--duration", type=float, default=0.0,
                   help="seconds to run; 0 runs until stopped")
    p.add_argument("--seed", type=int, default=1, help="same seed, same city, same stream")
    p.add_argument("--reading-formats", type=parse_shares, default={"native": 0.7, "senml": 0.3},
                   help="shares of reading formats (default native=0.7,senml=0.3)")
    p.add_argument("--incident-formats", type=parse_shares,
                   default={"native": 0.6, "open311": 0.4},
                   help="shares of incident formats (default native=0.6,open311=0.4)")
    p.add_argument("--incident-share", type=float, default=0.02,
                   help="first incident reports per reading, averaged over the day "
                        "(default 0.02; the demo sends 0.0005: about one report a second "
                        "at 2,000 messages a second, a city's 12345 calls and patrol finds)")
    p.add_argument("--malformed", type=float, default=0.01,
                   help="share of messages sent broken, for the dead-letter path (default 0.01)")
    p.add_argument("--start", help="simulated start, ISO 8601 (default: now); with --no-kafka")
    p.add_argument("--record", type=Path, help="also write every message to this JSONL file")
    p.add_argument("--truth", type=Path, help="ground-truth labels as JSONL "
                                              "(default: <state dir>/sim/truth.jsonl)")
    p.add_argument("--registry", type=Path, help="device registry file, .jsonl or .csv "
                                                 "(default: <state dir>/sim/devices.jsonl)")
    p.add_argument("--no-kafka", action="store_true",
                   help="only record: simulate --duration seconds of city as fast as possible")
    p.add_argument("--processes", type=int, default=1,
                   help="generate and send from this many processes, each a share of the "
                        "devices; the union is the same stream (default 1, at most 4)")
    p.add_argument("--replay", type=Path, help="send a recording instead of simulating")
    p.add_argument("--speed", type=float, default=1.0,
                   help="replay speed: 1 as recorded, 10 ten times faster, 0 as fast as possible")
    p.add_argument("--figure", type=Path,
                   help="draw a simulated day of the small demo city to this PNG and exit")
    p.set_defaults(func=_sim)

    devices = subparsers.add_parser("devices", help="the device registry")
    actions = devices.add_subparsers(dest="devices_command", required=True)
    load = actions.add_parser("import", help="register devices from a JSONL or CSV file, "
                                             "placed by their coordinates")
    load.add_argument("file", type=Path)
    load.set_defaults(func=_import)


def _start(text: str | None) -> float:
    if text is None:
        return round(time.time(), 3)
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _figure(path: Path, seed: int, city: str) -> int:
    import logging

    from geo.cities import find
    from geo.demo import build_demo
    from geo.figure import write_png
    from sim.figure import day_figure, rainy_day, simulated_day
    for noisy in ("choreographer", "kaleido"):  # a line per browser step says nothing here
        logging.getLogger(noisy).setLevel(logging.WARNING)
    day = rainy_day(seed)
    # The city's first two districts: its old centre, as a rule (Shanghai: 黄浦, 徐汇).
    first_two = list(find(city).districts[:2])
    messages = simulated_day(build_demo(seed=1, districts=first_two, city=city), day, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_png(day_figure(messages, seed, day), path, width=1800, height=1500)
    print(f"wrote {path}: {len(messages):,} messages of {day}")
    return 0


def _sim(args: argparse.Namespace, settings) -> int:
    if args.figure:
        return _figure(args.figure, args.seed, settings.city)
    from sim.plan import Plan
    from sim.run import NoCity, Outputs, replay, simulate
    state = settings.state_dir / "sim"
    outputs = Outputs(
        kafka=not args.no_kafka, record=args.record,
        truth=args.truth or state / "truth.jsonl",
        registry=args.registry or state / "devices.jsonl",
        speed=(None if args.speed == 0 else args.speed) if args.replay
        else (None if args.no_kafka or args.rate is None else 1.0),
        duration=None if args.no_kafka or args.duration <= 0 else args.duration)
    try:
        if args.replay and args.processes != 1:
            raise ValueError("--processes splits a simulation; a replay is sent by one")
        if args.replay:
            return replay(settings, args.replay, outputs)
        plan = Plan(devices=args.devices, rate=100_000.0 if args.rate is None else args.rate,
                    seed=args.seed, start=_start(args.start),
                    duration=args.duration if args.no_kafka and args.duration > 0 else None,
                    reading_formats=args.reading_formats,
                    incident_formats=args.incident_formats, malformed=args.malformed,
                    incident_share=args.incident_share)
        return simulate(settings, plan, outputs, args.processes)
    except (NoCity, ValueError, OSError) as exc:
        print(f"cityops sim: error: {exc}", file=sys.stderr)
        return 2


def _import(args: argparse.Namespace, settings) -> int:
    from geo.assignment import Assigner
    from sim.run import NoCity, load_areas
    from store import db
    from store import device_file as registry
    from store.admin_audit import cli_actor
    try:
        rows = registry.read(args.file)
        placed = registry.place_by_coordinates(rows, Assigner.from_areas(load_areas(settings)))
    except (NoCity, ValueError, OSError) as exc:
        print(f"cityops devices import: error: {exc}", file=sys.stderr)
        return 2
    conn = db.connect(settings.database_url, application_name="cityops-devices")
    try:
        registry.upsert(conn, placed, cli_actor())
    finally:
        conn.close()
    outside = sum(1 for r in placed if not r["placed"])
    print(f"registered {len(placed)} devices from {args.file}"
          + (f"; {outside} outside the city are kept unplaced" if outside else ""))
    return 0
