"""`cityops workers ...`: register responsible units, workers and their shifts from a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    """Add the `workers` command group to the CLI's subparsers."""
    workers = subparsers.add_parser("workers", help="grid workers, their units and rosters")
    commands = workers.add_subparsers(dest="workers_command", required=True)
    load = commands.add_parser(
        "import", help="register units and workers from a YAML or CSV roster (docs/dispatch.md)")
    load.add_argument("path", type=Path, help="roster file: .yaml, .yml or .csv")
    load.add_argument("--dry-run", action="store_true",
                      help="check the file against the database, write nothing")
    load.set_defaults(func=import_handler)


def import_handler(args: argparse.Namespace, settings) -> int:
    from alerts.dispatch.errors import RosterError
    from alerts.dispatch.register import register_roster
    from alerts.dispatch.roster import read_roster
    from store import db
    from store.admin_audit import cli_actor

    try:
        roster = read_roster(args.path)
    except (RosterError, OSError) as exc:
        print(f"cityops workers import: {exc}", file=sys.stderr)
        return 2
    conn = db.connect(settings.database_url)
    try:
        done = register_roster(conn, roster, dry_run=args.dry_run, actor=cli_actor())
    except RosterError as exc:
        print(f"cityops workers import: {args.path}: {exc}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    verb = "would register" if args.dry_run else "registered"
    print(f"{verb} {done.units} unit(s) answering for {done.areas} area(s) and "
          f"{done.workers} worker(s) from {args.path}")
    return 0
