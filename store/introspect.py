"""A comparable description of the schema: tables, columns, indexes, constraints, triggers.

Used to prove that migrations are idempotent and that a restored backup has the same
shape as its source.
"""

from __future__ import annotations

import psycopg2.extensions

QUERIES = {
    "columns": """
        SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public'
        ORDER BY table_name, column_name""",
    "indexes": """
        SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' ORDER BY tablename, indexname""",
    "constraints": """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        ORDER BY 1, 2""",
    "triggers": """
        SELECT tgrelid::regclass::text, tgname FROM pg_trigger
        WHERE NOT tgisinternal ORDER BY 1, 2""",
    "relations": """
        SELECT relname, relkind FROM pg_class
        WHERE relnamespace = 'public'::regnamespace ORDER BY 1""",
    "migrations": "SELECT version, name FROM schema_migrations ORDER BY version",
    "meta": "SELECT key, value FROM store_meta ORDER BY key",
}


def schema_snapshot(conn: psycopg2.extensions.connection) -> dict[str, list[tuple]]:
    snapshot = {}
    with conn.cursor() as cur:
        for name, query in QUERIES.items():
            cur.execute(query)
            snapshot[name] = cur.fetchall()
    conn.rollback()
    return snapshot
