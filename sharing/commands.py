"""`cityops share key add|list|revoke` and `cityops share log`: the sharing API's keys and
its access log, from the command line (the admin page shows the same)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the offset too, e.g. 2027-01-01T00:00+08:00")
    return moment


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def register(subparsers) -> None:
    share = subparsers.add_parser("share", help="API keys of the sharing API and its access log")
    sub = share.add_subparsers(dest="share_command", required=True)
    key = sub.add_parser("key", help="make, list or revoke API keys")
    keys = key.add_subparsers(dest="key_command", required=True)
    add = keys.add_parser("add", help="make a key; its secret is printed once")
    add.add_argument("--client", required=True, help="who uses it, e.g. 黄浦区城运平台")
    add.add_argument("--datasets", type=_list, required=True,
                     help="comma list of readings, rollups, incidents, cases, kpis")
    add.add_argument("--areas", type=_list, required=True, help="comma list of area codes")
    add.add_argument("--categories", type=_list, default=[], help="comma list; default all")
    add.add_argument("--expires", type=_when, required=True, metavar="ISO-TIME")
    add.add_argument("--pii", action="store_true", help="reporters' names and phones unmasked")
    add.set_defaults(func=_add)
    keys.add_parser("list", help="every key, newest first").set_defaults(func=_list_keys)
    revoke = keys.add_parser("revoke", help="stop a key at once")
    revoke.add_argument("key_id")
    revoke.set_defaults(func=_revoke)
    log = sub.add_parser("log", help="the newest requests of the access log")
    log.add_argument("--client", default=None)
    log.add_argument("--since", type=_when, default=None, metavar="ISO-TIME")
    log.add_argument("--limit", type=int, default=50)
    log.set_defaults(func=_log)


def _add(args: argparse.Namespace, settings) -> int:
    from sharing.keys import KeyProblem, create
    from store import db
    from store.admin_audit import cli_actor
    conn = db.connect(settings.database_url)
    try:
        key, secret = create(conn, args.client, args.datasets, args.areas, args.categories,
                             args.expires, cli_actor(), pii=args.pii)
    except KeyProblem as exc:
        print(f"cityops share key add: {exc}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    print(f"key {key.key_id} for {key.client}, expires {key.expires_at.isoformat()}")
    print(f"secret (shown once): {secret}")
    return 0


def _list_keys(args: argparse.Namespace, settings) -> int:
    from sharing.keys import all_keys
    from store import db
    conn = db.connect(settings.database_url)
    try:
        for k in all_keys(conn):
            state = "revoked" if k.revoked_at else f"expires {k.expires_at:%Y-%m-%d}"
            print(f"{k.key_id}  {k.client}  {','.join(k.datasets)}  areas={','.join(k.areas)}  "
                  f"categories={','.join(k.categories) or '*'}  pii={k.pii}  {state}")
    finally:
        conn.close()
    return 0


def _revoke(args: argparse.Namespace, settings) -> int:
    from sharing.keys import revoke
    from store import db
    from store.admin_audit import cli_actor
    conn = db.connect(settings.database_url)
    try:
        done = revoke(conn, args.key_id, cli_actor())
    finally:
        conn.close()
    print(f"{args.key_id}: {'revoked' if done else 'no such live key'}")
    return 0 if done else 1


def _log(args: argparse.Namespace, settings) -> int:
    from sharing.access_log import recent
    from store import db
    conn = db.connect(settings.database_url)
    try:
        for a in recent(conn, args.client, args.since, args.limit):
            print(f"{a.at.isoformat()}  {a.status}  {a.client or '-'}  {a.key_id or '-'}  "
                  f"{a.route}  rows={a.rows if a.rows is not None else '-'}  {a.remote or '-'}")
    finally:
        conn.close()
    return 0
