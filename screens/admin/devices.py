"""Devices as the admin page lists them: one page of rows at a time, with their status.

A city has devices by the hundred thousand, so the list is read a block at a time (the
admin grid scrolls through blocks) and filtered in the database, inside the viewer's area.
Status is `device_state.status`; a device that never reported has no state row and shows
as `no_data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg2.extensions

from identity.scope import Scope, area_sql
from store.device_status import NO_DATA
from store.device_status import STATUSES as STORED

# The statuses the admin list shows: every stored one, and never reported.
STATUSES: tuple[str, ...] = (*STORED, NO_DATA)

STATUS = f"coalesce(ds.status, '{NO_DATA}')"  # a constant of this module, never input

# Sortable columns: grid column name -> SQL expression (never taken from input).
SORTABLE: dict[str, str] = {
    "device_id": "d.device_id", "kind": "d.kind", "name": "d.name",
    "district_code": "d.district_code", "street_code": "d.street_code",
    "grid_code": "d.grid_code", "status": STATUS, "status_since": "ds.status_since",
    "last_ts": "ds.last_ts",
    "registered_at": "d.registered_at",
}

FROM = "FROM devices d LEFT JOIN device_state ds ON ds.device_id = d.device_id"

SELECT_PAGE = f"""
SELECT d.device_id, d.kind, d.name, d.lon, d.lat, d.grid_code, d.street_code, d.district_code,
       d.placed, d.registered_at, {STATUS} AS status, ds.status_since, ds.last_ts,
       dn.name_zh AS district_zh, dn.name_en AS district_en,
       sn.name_zh AS street_zh, sn.name_en AS street_en
{FROM}
LEFT JOIN areas dn ON dn.code = d.district_code
LEFT JOIN areas sn ON sn.code = d.street_code
WHERE {{where}}
ORDER BY {{order}}
LIMIT %(limit)s OFFSET %(offset)s
"""  # noqa: S608 - the placeholders are filled from the constants of this module

COUNT = f"SELECT count(*) {FROM} WHERE {{where}}"  # noqa: S608 - as above

FACETS = f"""
SELECT d.district_code, a.name_zh, a.name_en, d.kind, {STATUS} AS status, count(*)
{FROM} LEFT JOIN areas a ON a.code = d.district_code
WHERE {{where}}
GROUP BY 1, 2, 3, 4, 5
"""  # noqa: S608 - as above


# The newest status changes of devices in the viewer's area (the health sweep's record).
CHANGES = """
SELECT c.device_id, d.kind, c.at, c.from_status, c.to_status, c.reason
FROM device_status_changes c JOIN devices d ON d.device_id = c.device_id
WHERE {where}
ORDER BY c.id DESC LIMIT %(limit)s
"""  # noqa: S608 - the placeholder is filled from identity.scope's area rule


@dataclass(frozen=True)
class DeviceFilter:
    """What the admin chose; None: any."""

    district: str | None = None
    kind: str | None = None
    status: str | None = None
    text: str | None = None   # part of the device id or name


@dataclass(frozen=True)
class Facets:
    """Counts of the devices in the viewer's area, for the filter choices and the tiles."""

    total: int
    districts: dict[str, tuple[str | None, str | None, int]]  # code -> (zh, en, count)
    kinds: dict[str, int]
    statuses: dict[str, int]


def _like(text: str) -> str:
    """`text` as a literal inside ILIKE: its % and _ match only themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(scope: Scope, chosen: DeviceFilter) -> tuple[str, dict]:
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="d")
    parts = [clause]
    if chosen.district:
        parts.append("d.district_code = %(district)s")
        params["district"] = chosen.district
    if chosen.kind:
        parts.append("d.kind = %(kind)s")
        params["kind"] = chosen.kind
    if chosen.status:
        parts.append(f"{STATUS} = %(status)s")
        params["status"] = chosen.status
    if chosen.text and chosen.text.strip():
        parts.append("(d.device_id ILIKE %(text)s OR d.name ILIKE %(text)s)")
        params["text"] = _like(chosen.text.strip())
    return " AND ".join(parts), params


def _order(sort: list[tuple[str, bool]]) -> str:
    """ORDER BY from (column, descending) pairs; unknown columns are ignored."""
    terms = [f"{SORTABLE[col]} {'DESC' if desc else 'ASC'} NULLS LAST"
             for col, desc in sort if col in SORTABLE]
    return ", ".join([*terms, "d.device_id"])


def device_page(conn: psycopg2.extensions.connection, scope: Scope, chosen: DeviceFilter,
                *, offset: int, limit: int,
                sort: list[tuple[str, bool]] | None = None) -> tuple[list[dict], int]:
    """One block of devices in the viewer's area and the number matching in all."""
    where, params = _where(scope, chosen)
    with conn.cursor() as cur:
        cur.execute(SELECT_PAGE.format(where=where, order=_order(sort or [])),
                    {**params, "limit": max(0, limit), "offset": max(0, offset)})
        columns = [c.name for c in cur.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
        cur.execute(COUNT.format(where=where), params)
        total = cur.fetchone()[0]
    conn.rollback()
    return rows, total


def device_facets(conn: psycopg2.extensions.connection, scope: Scope) -> Facets:
    where, params = _where(scope, DeviceFilter())
    with conn.cursor() as cur:
        cur.execute(FACETS.format(where=where), params)
        found = cur.fetchall()
    conn.rollback()
    districts: dict[str, tuple[str | None, str | None, int]] = {}
    kinds: dict[str, int] = {}
    statuses: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for code, zh, en, kind, status, n in found:
        if code:
            seen = districts.get(code, (zh, en, 0))
            districts[code] = (zh, en, seen[2] + n)
        kinds[kind] = kinds.get(kind, 0) + n
        statuses[status] = statuses.get(status, 0) + n
    return Facets(sum(n for *_, n in found), districts, kinds, statuses)


@dataclass(frozen=True)
class StatusChange:
    device_id: str
    kind: str
    at: datetime
    from_status: str | None
    to_status: str
    reason: str


def status_changes(conn: psycopg2.extensions.connection, scope: Scope,
                   limit: int = 15) -> list[StatusChange]:
    """The newest status changes of devices in the viewer's area, newest first."""
    clause, params = area_sql(scope.level, scope.code, "scope_code", alias="d")
    with conn.cursor() as cur:
        cur.execute(CHANGES.format(where=clause), {**params, "limit": limit})
        rows = [StatusChange(*row) for row in cur.fetchall()]
    conn.rollback()
    return rows
