"""`cityops backup --out FILE` and `cityops restore FILE --into DATABASE_URL`.

When and how to use them: docs/operations.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from cityops.settings import Settings, mask_url


def register(subparsers) -> None:
    p = subparsers.add_parser("backup", help="dump the database to FILE in pg_dump's custom "
                                             "format, as its owner (CITYOPS_OWNER_DATABASE_URL)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE",
                   help="where the backup goes; replaced only when the dump succeeded")
    p.set_defaults(func=_backup)

    p = subparsers.add_parser("restore", help="restore a backup into a new or empty database")
    p.add_argument("file", type=Path, metavar="FILE", help="a file made by `cityops backup`")
    p.add_argument("--into", required=True, metavar="DATABASE_URL",
                   help="the database to create and fill: new, or existing but empty")
    p.add_argument("--jobs", type=int, default=1,
                   help="parallel pg_restore jobs (default 1: one transaction, all or nothing)")
    p.set_defaults(func=_restore)


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from ops.backup import backup
    # The owner reads everything, TimescaleDB's catalogue included; the services' role
    # reads only what it was granted.
    report = backup(settings.owner_url, args.out)
    print(f"backup of {mask_url(settings.owner_url)} written to {report.path}: "
          f"{report.size_bytes / 1e6:.1f} MB in {report.seconds:.1f} s")
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from ops.backup import restore
    report = restore(args.file, args.into, jobs=args.jobs)
    print(f"restored {args.file} into {report.database_url} "
          f"({'created' if report.created else 'was empty'}): {report.tables} tables, "
          f"extensions {', '.join(report.extensions) or 'none'}, {report.seconds:.1f} s; "
          f"next: DATABASE_URL=... cityops migrate, then point the services at it")
    return 0
