"""`cityops alerts` (run the engine), `alerts check` (validate rule files) and
`alerts silence add|list|expire` (silences and maintenance windows)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

SILENCE_HELP = ("silence add --match KEY=VALUE ... (--for 2h | --ends TIME) [--starts TIME] "
                "--by WHO [--comment TEXT]; silence list [--all]; silence expire ID")


def register(subparsers) -> None:
    p = subparsers.add_parser("alerts", help="the rules engine: readings and incidents -> cases",
                              epilog=SILENCE_HELP)
    p.add_argument("action", nargs="?", choices=["run", "check", "silence"], default="run",
                   help="run the engine (default), check the rule files and exit, or "
                        "manage silences")
    p.add_argument("words", nargs="*", help="for silence: add | list | expire ID")
    p.add_argument("--rules", type=Path, default=None,
                   help="folder of *.yaml rule files (default: CITYOPS_ALERTS_RULES_DIR)")
    p.add_argument("--match", action="append", default=[], metavar="KEY=VALUE",
                   help="silence matcher: rule_id, rule_kind, category, kind, area (code "
                        "prefix), device_id, source; repeat a key for any of several values")
    p.add_argument("--starts", help="silence start, ISO 8601 (default: now)")
    p.add_argument("--ends", help="silence end, ISO 8601")
    p.add_argument("--for", dest="duration", help="silence length, e.g. 2h, 30m")
    p.add_argument("--by", help="who sets the silence (recorded)")
    p.add_argument("--comment", default="", help="why (a maintenance job, a drill ...)")
    p.add_argument("--all", action="store_true", help="silence list: expired ones too")
    p.set_defaults(func=_alerts)


def _alerts(args: argparse.Namespace, settings) -> int:
    from alerts.rules.loader import RulesInvalid, load_folder
    if args.action == "silence":
        return _silence(args, settings)
    if args.words:
        print(f"cityops: alerts {args.action} takes no {' '.join(args.words)!r}",
              file=sys.stderr)
        return 2
    folder = args.rules or settings.alerts_rules_dir
    try:
        if args.action == "check":
            rules = load_folder(folder)
            print(f"{len(rules)} rules OK in {folder}")
            return 0
        from alerts.engine.service import run
        return run(settings, folder)
    except RulesInvalid as exc:
        for error in exc.errors:
            print(f"cityops: rules: {error}", file=sys.stderr)
        return 2


def _silence(args: argparse.Namespace, settings) -> int:
    from alerts.muting import silences
    from store import db
    what = args.words[0] if args.words else "list"
    conn = db.connect(settings.database_url)
    try:
        if what == "list" and len(args.words) <= 1:
            local = settings.zone
            for s in silences.list_silences(conn, include_expired=args.all):
                print(f"{s.id}\t{s.starts_at.astimezone(local):%Y-%m-%d %H:%M} .. "
                      f"{s.ends_at.astimezone(local):%Y-%m-%d %H:%M}\t"
                      f"{json.dumps(s.matchers, ensure_ascii=False)}\t{s.created_by}\t"
                      f"{s.comment}")
            return 0
        if what == "expire" and len(args.words) == 2 and args.words[1].isdigit():
            if silences.expire(conn, int(args.words[1])):
                print(f"silence {args.words[1]} expired")
                return 0
            print(f"cityops: no active silence {args.words[1]}", file=sys.stderr)
            return 1
        if what == "add" and len(args.words) == 1:
            starts, ends = _window(args, settings.zone)
            new_id = silences.create(conn, _matchers(args.match), starts, ends,
                                     args.by or "", args.comment)
            print(f"silence {new_id} until {ends.isoformat()}")
            return 0
        print(f"cityops: alerts {SILENCE_HELP}", file=sys.stderr)
        return 2
    except (ValueError, silences.SilenceInvalid) as exc:
        print(f"cityops: silence: {exc}", file=sys.stderr)
        return 2
    finally:
        conn.close()


def _matchers(given: list[str]) -> dict[str, str | list[str]]:
    found: dict[str, list[str]] = {}
    for item in given:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise ValueError(f"--match {item!r} is not KEY=VALUE")
        found.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in found.items()}


def _window(args: argparse.Namespace, zone: tzinfo) -> tuple[datetime, datetime]:
    from cityops.durations import parse_duration
    starts = _when(args.starts, zone) if args.starts else datetime.now(UTC)
    if args.ends and args.duration:
        raise ValueError("give --ends or --for, not both")
    if args.ends:
        return starts, _when(args.ends, zone)
    if args.duration:
        return starts, starts + timedelta(seconds=parse_duration(args.duration))
    raise ValueError("say how long: --for 2h or --ends TIME")


def _when(text: str, zone: tzinfo) -> datetime:
    """ISO 8601; a time without a zone is the city's (CITYOPS_TIME_ZONE), as operators read
    clocks."""
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=zone)
