"""`cityops profiles`: the device profiles in force, and checking or uploading a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cityops.settings import Settings


def register(subparsers) -> None:
    p = subparsers.add_parser("health", help="device health: normal, alarm or offline from "
                                             "the data, every CITYOPS_HEALTH_EVERY_SECONDS")
    p.add_argument("--once", action="store_true", help="one sweep, print the counts, exit")
    p.set_defaults(func=_health)
    p = subparsers.add_parser("profiles", help="device profiles (物模型): list the kinds in "
                                               "force, check or upload a profile file")
    actions = p.add_subparsers(dest="profiles_command", required=True)
    actions.add_parser("list", help="every kind in force and its metrics").set_defaults(
        func=_list)
    check = actions.add_parser("check", help="would the set load with FILE added? (saves "
                                             "nothing; exit 1 with every problem)")
    check.add_argument("file", type=Path)
    check.set_defaults(func=_check)
    upload = actions.add_parser("upload", help="check FILE and keep it as a new version in "
                                               "the store (services pick it up within ~10 s)")
    upload.add_argument("file", type=Path)
    upload.set_defaults(func=_upload)


def _health(args: argparse.Namespace, settings: Settings) -> int:
    from devices.health_service import run
    return run(settings, settings.health_every_seconds, settings.health_metrics_port,
               once=args.once)


def _connect(settings: Settings):
    from store import db
    return db.connect(settings.database_url, application_name="cityops-profiles")


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from devices.source import in_force
    conn = _connect(settings)
    try:
        profiles = in_force(conn, settings.profiles_dir)
    finally:
        conn.close()
    print(f"device profiles in force ({profiles.version}):")
    for profile in profiles.profiles.values():
        print(f"  {profile.kind:<16} {profile.name_zh} / {profile.name_en}: every "
              f"{profile.interval_s:g} s, offline after {profile.offline_after_s:g} s  "
              f"[{profile.origin}]")
        for m in profile.metrics:
            print(f"      {m.name:<18} {m.unit:<8} {m.low:g}..{m.high:g}  {m.aggregate}"
                  + (f"  aliases: {', '.join(a.name for a in m.aliases)}" if m.aliases else ""))
    return 0


def _checked(args: argparse.Namespace, settings: Settings, conn) -> tuple[str, str] | None:
    from devices.profiles import ProfileProblems
    from devices.source import file_texts, with_upload
    from store import device_profiles
    name, text = args.file.name, args.file.read_text(encoding="utf-8")
    if not device_profiles.good_name(name):
        print(f"cityops profiles: {name!r} is not a plain .yaml/.yml file name", file=sys.stderr)
        return None
    _, uploads = device_profiles.in_force(conn)
    try:
        found = with_upload({**file_texts(settings.profiles_dir), **uploads}, name, text)
    except ProfileProblems as exc:
        for problem in exc.problems:
            print(f"cityops profiles: {problem}", file=sys.stderr)
        return None
    print(f"{name}: OK, {len(found.kinds)} device kinds with it")
    return name, text


def _check(args: argparse.Namespace, settings: Settings) -> int:
    conn = _connect(settings)
    try:
        return 0 if _checked(args, settings, conn) else 1
    finally:
        conn.close()


def _upload(args: argparse.Namespace, settings: Settings) -> int:
    from store import device_profiles
    from store.admin_audit import cli_actor
    conn = _connect(settings)
    try:
        found = _checked(args, settings, conn)
        if found is None:
            return 1
        version = device_profiles.save(conn, *found, cli_actor())
    finally:
        conn.close()
    print(f"{found[0]} kept as version v{version}")
    return 0
