"""`cityops api` (serve the HTTP API) and `cityops users add|list` (accounts)."""

from __future__ import annotations

import argparse
import getpass
import sys

from identity.users import USER_ROLES


def register(subparsers) -> None:
    """Add `api` and `users` to the CLI's subparsers."""
    api = subparsers.add_parser("api", help="serve the HTTP API of cases (docs/api.md)")
    api.add_argument("--host", default=None,
                     help="bind address (default: CITYOPS_API_HOST)")
    api.add_argument("--port", type=int, default=None,
                     help="port (default: CITYOPS_API_PORT)")
    api.set_defaults(func=api_handler)

    users = subparsers.add_parser("users", help="accounts for the dashboard and the API")
    commands = users.add_subparsers(dest="users_command", required=True)
    add = commands.add_parser("add", help="add an account (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=USER_ROLES)
    add.add_argument("--area", required=True,
                     help="area code: city, district, street, community or grid (docs/api.md)")
    add.add_argument("--display-name", default=None, help="the name people see, e.g. 王小明")
    add.add_argument("--unit", default=None,
                     help="for role unit: the unit's code (cityops units import first)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    add.set_defaults(func=add_handler)
    commands.add_parser("list", help="list accounts (never their passwords)").set_defaults(
        func=list_handler)


def api_handler(args: argparse.Namespace, settings) -> int:
    from alerts.api.serve import run
    return run(settings, args.host or settings.api_host, args.port or settings.api_port)


def _password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        print("cityops users add: the passwords differ", file=sys.stderr)
        return None
    return first or None


def add_handler(args: argparse.Namespace, settings) -> int:
    from identity.users import UserError, add_user
    from store import db
    from store.admin_audit import cli_actor
    password = _password(args.password_stdin)
    if password is None or not password:
        print("cityops users add: no password set; nothing added", file=sys.stderr)
        return 2
    conn = db.connect(settings.database_url)
    try:
        user_id = add_user(conn, args.username, password, args.role, args.area,
                           args.display_name, actor=cli_actor(), unit_code=args.unit)
    except UserError as exc:
        print(f"cityops users add: {exc}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    print(f"added {args.username} (id {user_id}, {args.role}, area {args.area})")
    return 0


def list_handler(args: argparse.Namespace, settings) -> int:
    from identity.users import list_users
    from store import db
    conn = db.connect(settings.database_url)
    try:
        users = list_users(conn)
    finally:
        conn.close()
    for user in users:
        state = "active" if user.active else "inactive"
        print(f"{user.username:<20} {user.role:<9} {user.area_code:<16} {state:<9} "
              f"{user.display_name or ''}")
    return 0
