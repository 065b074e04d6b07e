"""Uploaded device profile files, every version kept (`device_profile_files`)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

import psycopg2.extensions

from store import admin_audit
from store.admin_audit import AdminActor

IN_FORCE = """
SELECT DISTINCT ON (file_name) file_name, body FROM device_profile_files
ORDER BY file_name, id DESC
"""
HISTORY = """
SELECT id, file_name, sha256, uploaded_by, uploaded_at FROM device_profile_files
ORDER BY id DESC LIMIT %s
"""


@dataclass(frozen=True)
class Upload:
    id: int
    file_name: str
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


def in_force(conn: psycopg2.extensions.connection) -> tuple[int, dict[str, str]]:
    """(version, file name -> text): the newest upload under each name. Version 0: none."""
    with conn.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM device_profile_files")
        version = cur.fetchone()[0]
        cur.execute(IN_FORCE)
        files = dict(cur.fetchall())
    conn.rollback()
    return version, files


def version(conn: psycopg2.extensions.connection) -> int:
    """The newest upload's id: cheap to ask every few seconds."""
    with conn.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM device_profile_files")
        found = cur.fetchone()[0]
    conn.rollback()
    return found


def save(conn: psycopg2.extensions.connection, file_name: str, body: str,
         actor: AdminActor) -> int:
    """Keep one uploaded file (already checked by the caller) and its admin audit row, in
    one transaction; returns its version."""
    digest = hashlib.sha256(body.encode()).hexdigest()
    with conn.cursor() as cur:
        cur.execute("SELECT sha256 FROM device_profile_files WHERE file_name = %s "
                    "ORDER BY id DESC LIMIT 1", (file_name,))
        before = cur.fetchone()
        cur.execute("INSERT INTO device_profile_files (file_name, body, sha256, uploaded_by) "
                    "VALUES (%s, %s, %s, %s) RETURNING id", (file_name, body, digest, actor.name))
        new = cur.fetchone()[0]
        admin_audit.record(cur, actor, "profile.upload", "profile", file_name,
                           {"sha256": before[0]} if before else None,
                           {"sha256": digest, "version": new})
    conn.commit()
    return new


def history(conn: psycopg2.extensions.connection, limit: int = 50) -> list[Upload]:
    with conn.cursor() as cur:
        cur.execute(HISTORY, (limit,))
        rows = [Upload(*row) for row in cur.fetchall()]
    conn.rollback()
    return rows


_NAME = re.compile(r"[A-Za-z0-9_.-]{1,80}\.ya?ml")


def good_name(name: str) -> bool:
    """What the table's CHECK allows: a plain file name ending .yaml or .yml."""
    return bool(_NAME.fullmatch(name or ""))
