"""The device registry: which devices exist and where they are placed."""

from __future__ import annotations

from collections.abc import Iterable

import psycopg2.extensions
from psycopg2.extras import execute_values

from store import admin_audit
from store.admin_audit import AdminActor


def known_ids(conn: psycopg2.extensions.connection, ids: Iterable[str] | None = None) -> set[str]:
    """All registered device ids, or those of `ids` that are registered."""
    with conn.cursor() as cur:
        if ids is None:
            cur.execute("SELECT device_id FROM devices")
        else:
            cur.execute("SELECT device_id FROM devices WHERE device_id = ANY(%s)", (list(ids),))
        found = {row[0] for row in cur.fetchall()}
    conn.rollback()
    return found


def areas_of(conn: psycopg2.extensions.connection,
             ids: Iterable[str]) -> dict[str, tuple[str | None, str | None, str | None,
                                                    str | None]]:
    """Where registered devices stand: (district, street, community, grid) by device id."""
    with conn.cursor() as cur:
        cur.execute("SELECT device_id, district_code, street_code, community_code, grid_code "
                    "FROM devices WHERE device_id = ANY(%s)", (list(ids),))
        found = {row[0]: tuple(row[1:]) for row in cur.fetchall()}
    conn.rollback()
    return found


def register_unplaced(conn: psycopg2.extensions.connection, ids: Iterable[str]) -> None:
    """Devices seen before anyone registered them: kept, marked unplaced, for an admin."""
    rows = [(device_id, "unknown", False) for device_id in ids]
    with conn.cursor() as cur:
        execute_values(cur, "INSERT INTO devices (device_id, kind, placed) VALUES %s "
                            "ON CONFLICT (device_id) DO NOTHING", rows)
    conn.commit()


def upsert(conn: psycopg2.extensions.connection, devices: list[dict],
           actor: AdminActor | None = None) -> int:
    """Register or update devices (device_id, kind, name, lon, lat, codes..., meta).

    With an `actor` (an admin's import, not the simulator's own registry) each device
    added or changed is recorded in the admin audit, in the same transaction."""
    columns = ("device_id", "kind", "name", "lon", "lat", "grid_code", "community_code",
               "street_code", "district_code", "placed", "meta")
    rows = [tuple(d.get(c) for c in columns) for d in devices]
    ids = [d["device_id"] for d in devices]
    with conn.cursor() as cur:
        before = admin_audit.snapshot(cur, "device", ids) if actor else {}
        execute_values(cur, f"""INSERT INTO devices ({", ".join(columns)}) VALUES %s
            ON CONFLICT (device_id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name,
                lon = EXCLUDED.lon, lat = EXCLUDED.lat, grid_code = EXCLUDED.grid_code,
                community_code = EXCLUDED.community_code, street_code = EXCLUDED.street_code,
                district_code = EXCLUDED.district_code, placed = EXCLUDED.placed,
                meta = EXCLUDED.meta""", rows, page_size=1000)  # noqa: S608 - fixed columns
        if actor is not None:
            admin_audit.record_changes(cur, actor, "device.import", "device", before,
                                       admin_audit.snapshot(cur, "device", ids))
    conn.commit()
    return len(rows)
