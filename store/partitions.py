"""Daily range partitions of `readings` on plain PostgreSQL (TimescaleDB makes chunks itself).

Making and dropping a partition is DDL, which the services' role may not run: both go
through the owner's SECURITY DEFINER functions of store/migrations/m0012_roles.py, which
do exactly this for one day and nothing else (store/roles.py says why).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import psycopg2.extensions

DAYS_AHEAD = 7
_NAME = re.compile(r"readings_p(\d{8})")


def partition_name(day: date) -> str:
    return f"readings_p{day:%Y%m%d}"


def existing_days(conn: psycopg2.extensions.connection) -> set[date]:
    with conn.cursor() as cur:
        cur.execute("""SELECT c.relname FROM pg_inherits i
                       JOIN pg_class c ON c.oid = i.inhrelid
                       WHERE i.inhparent = 'readings'::regclass""")
        names = [row[0] for row in cur.fetchall()]
    return {datetime.strptime(m.group(1), "%Y%m%d").date()
            for m in map(_NAME.fullmatch, names) if m}


def ensure_days(conn: psycopg2.extensions.connection, first: date, last: date,
                known: set[date] | None = None) -> set[date]:
    """Create the partitions for every day in [first, last] that is missing; returns all days."""
    days = set(known) if known is not None else existing_days(conn)
    with conn.cursor() as cur:
        day = first
        while day <= last:
            if day not in days:
                cur.execute("SELECT cityops_add_readings_day(%s)", (day,))
                days.add(day)
            day += timedelta(days=1)
    return days


def ensure_each(conn: psycopg2.extensions.connection, days: Iterable[date],
                known: set[date]) -> set[date]:
    """Create the partitions of `days` that are missing from `known`; returns all days."""
    found = set(known)
    with conn.cursor() as cur:
        for day in days:
            if day not in found:
                cur.execute("SELECT cityops_add_readings_day(%s)", (day,))
                found.add(day)
    return found


def drop_before(conn: psycopg2.extensions.connection, cutoff: date) -> list[str]:
    """Retention on plain PostgreSQL: drop whole days older than the cutoff."""
    dropped = []
    with conn.cursor() as cur:
        for day in sorted(existing_days(conn)):
            if day < cutoff:
                cur.execute("SELECT cityops_drop_readings_day(%s)", (day,))
                if cur.fetchone()[0]:
                    dropped.append(partition_name(day))
    return dropped
