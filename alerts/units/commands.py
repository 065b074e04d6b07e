"""`cityops units ...`: import and export the departments and units and the responsibility
list (权责清单), as YAML or CSV (docs/units.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    """Add the `units` command group to the CLI's subparsers."""
    units = subparsers.add_parser("units", help="departments, units and the responsibility list")
    commands = units.add_subparsers(dest="units_command", required=True)
    load = commands.add_parser("import", help="add or update units and replace the "
                                              "responsibility list from a .yaml or .csv file")
    load.add_argument("path", type=Path)
    load.set_defaults(func=import_handler)
    dump = commands.add_parser("export", help="print the units and the list (YAML), or the "
                                              "list alone as CSV")
    dump.add_argument("--csv", action="store_true", help="the responsibility list as CSV")
    dump.set_defaults(func=export_handler)


def import_handler(args: argparse.Namespace, settings) -> int:
    from alerts.units import directory, files
    from store import db
    from store.admin_audit import cli_actor

    try:
        read = files.read(args.path.name, args.path.read_text(encoding="utf-8"))
    except (files.ListProblems, OSError) as exc:
        print(f"cityops units import: {exc}", file=sys.stderr)
        return 2
    conn = db.connect(settings.database_url)
    try:
        # A units-only YAML keeps the list; a file that lists duties (or a CSV) replaces it.
        duties = read.duties if read.duties or args.path.suffix == ".csv" else None
        done = directory.save(conn, read.units, duties, cli_actor())
    except directory.UnitsError as exc:
        print(f"cityops units import: {args.path}: {exc}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    print(f"{done['units']} unit(s) changed; the responsibility list has "
          f"{done['responsibilities']} row(s)" if duties is not None else
          f"{done['units']} unit(s) changed; the responsibility list is unchanged")
    return 0


def export_handler(args: argparse.Namespace, settings) -> int:
    from alerts.units import directory, files
    from alerts.units.responsibility import all_duties
    from store import db

    conn = db.connect(settings.database_url)
    try:
        with conn.cursor() as cur:
            duties = all_duties(cur)
            units = directory.units(cur)
    finally:
        conn.close()
    sys.stdout.write(files.duties_csv(duties) if args.csv else files.units_yaml(units, duties))
    return 0
