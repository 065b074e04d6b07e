"""The `cityops` command line: one entry, a sub-command per job."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable

from cityops.logs import setup_logging
from cityops.settings import REPO_ROOT, ConfigError, Settings
from ops.system import StackError

log = logging.getLogger("cityops")

Handler = Callable[[argparse.Namespace, Settings], int]

# Packages that add their own sub-commands through `<package>.commands.register(subparsers)`.
PLUGINS = ("geo", "sim", "store", "devices", "alerts", "alerts.dispatch", "alerts.sla.escalation",
           "alerts.api", "alerts.units", "sharing", "dashboard")


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    width = max(len(env) for env, _, _ in settings.describe())
    for env, value, help_text in settings.describe():
        print(f"{env:<{width}}  {value}" + (f"    # {help_text}" if args.verbose else ""))
    return 0


def cmd_stack(args: argparse.Namespace, settings: Settings) -> int:
    from ops import stack
    if args.action == "up" and args.cluster:
        report, on_cluster = stack.up_cluster(settings)
        print("started: " + (", ".join(report.started) or "nothing (already running)"))
        print("\n".join(report.lines()))
        print(f"run services with CITYOPS_KAFKA_BOOTSTRAP={on_cluster.kafka_bootstrap} "
              f"CITYOPS_TOPIC_REPLICATION={on_cluster.topic_replication}"
              + (f" DATABASE_READ_URL={on_cluster.database_read_url}"
                 if on_cluster.database_read_url else ""))
    elif args.action == "up":
        report = stack.up(settings)
        print("started: " + (", ".join(report.started) or "nothing (already running)"))
        print("\n".join(report.lines()))
    elif args.action == "down" and args.cluster:
        stopped = stack.down_cluster(settings)
        print("stopped: " + (", ".join(stopped) or "nothing (not running)"))
    elif args.action == "down":
        stopped = stack.down(settings)
        print("stopped: " + (", ".join(stopped) or "nothing (not running)"))
    else:
        for key, value in stack.status(settings).items():
            print(f"{key:<16}{value}")
    return 0


def cmd_topics(args: argparse.Namespace, settings: Settings) -> int:
    from cityops.stream.kafka_client import admin_client
    from cityops.topics import ensure_topics, topic_specs
    admin = admin_client(settings)
    try:
        created = ensure_topics(admin, topic_specs(settings))
    finally:
        admin.close()
    print(f"topics created: {', '.join(created) or 'none (all present)'}")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from store import db, features, retention
    from store.migrate import migrate
    # The owner's URL: the one command that changes the schema (store/roles.py).
    conn = db.connect(settings.owner_url, setting="CITYOPS_OWNER_DATABASE_URL")
    try:
        applied = migrate(conn, settings.timescale)
        found = features.current(conn)
        retention.apply_policies(conn, found, settings.readings_retention_days,
                                 settings.compress_after_days)
    finally:
        conn.close()
    print(f"applied: {', '.join(applied) or 'nothing (up to date)'}; "
          f"series backend: {found.series_backend}; postgis: {found.postgis}")
    return 0


def cmd_bridge(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.mqtt_bridge import run
    return run(settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.service import STREAMS, run
    streams = tuple(args.stream) if args.stream else STREAMS
    if args.processes is not None:
        settings = settings.replace(ingest_processes=args.processes)
    if settings.ingest_processes < 1:
        raise ConfigError("CITYOPS_INGEST_PROCESSES", "needs at least one process")
    if settings.ingest_processes > 1:
        from ingest.processes import run_processes
        return run_processes(settings, streams)
    return run(settings, streams)


def cmd_dashboard(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.serve import run
    return run(settings)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from ops.demo import run
    return run(settings, rate=args.rate, devices=args.devices)


def cmd_test(args: argparse.Namespace, settings: Settings) -> int:
    from ops.testrun import run
    return run(settings, args.pytest_args)


def cmd_reliability(args: argparse.Namespace, settings: Settings) -> int:
    from ops.testrun import run
    # Every reliability test unless the caller names files or folders of their own.
    named = [arg for arg in args.pytest_args
             if not arg.startswith("-") and (REPO_ROOT / arg.split("::")[0]).exists()]
    where = [] if named else ["tests/reliability"]
    return run(settings, ["-m", "reliability", *where, *args.pytest_args])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cityops", description="CityOps city operations center")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("config", help="print the effective settings (secrets masked)")
    p.add_argument("-v", "--verbose", action="store_true", help="explain each setting")
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("stack", help="the local Kafka and PostgreSQL")
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--cluster", action="store_true",
                   help="three Kafka brokers (replication 3, min.insync.replicas 2) on "
                        "CITYOPS_KAFKA_CLUSTER_PORT.. instead of the single broker")
    p.set_defaults(func=cmd_stack)

    sub.add_parser("topics", help="create the Kafka topics").set_defaults(func=cmd_topics)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    p = sub.add_parser("ingest", help="consume readings and incidents into the store")
    p.add_argument("--stream", action="append", choices=["readings", "incidents"],
                   help="only this stream (repeatable); default: both")
    p.add_argument("--processes", type=int, default=None,
                   help="consumer processes in one group (default CITYOPS_INGEST_PROCESSES)")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("bridge", help="carry devices' messages from another protocol into "
                                      "Kafka")
    p.add_argument("protocol", choices=["mqtt"], help="mqtt: subscribe to CITYOPS_MQTT_TOPICS")
    p.set_defaults(func=cmd_bridge)
    sub.add_parser("dashboard", help="serve the web app").set_defaults(func=cmd_dashboard)

    p = sub.add_parser("demo", help="stack, migrations, simulator, ingest and dashboard")
    # A real deployment's scale by default: 20,000 devices at 2,000 messages a second
    # (docs/benchmarks.md: what that costs on two cores).
    p.add_argument("--rate", type=float, default=2000.0,
                   help="simulated messages per second (default 2000)")
    p.add_argument("--devices", type=int, default=20_000,
                   help="simulated devices (default 20000)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("test", help="bring up the stack and run every test")
    p.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    p.set_defaults(func=cmd_test)

    p = sub.add_parser("reliability", help="the long fault, fuzz, access and load runs "
                                           "(docs/reliability.md); ends with a results table")
    p.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    p.set_defaults(func=cmd_reliability)

    for name in PLUGINS:
        try:
            module = importlib.import_module(f"{name}.commands")
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"{name}.commands"):
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if args.command not in ("test", "reliability"):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.pytest_args = extra + args.pytest_args  # options meant for pytest
    try:
        settings = Settings.from_env()
        setup_logging(settings.log_level, settings.log_format)
        return args.func(args, settings)
    except ConfigError as exc:
        print(f"cityops: error: {exc.env}: {exc.message}", file=sys.stderr)
        return 2
    except StackError as exc:
        print(f"cityops: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
