"""Registering a roster in the database: units, the areas they answer for, and workers.

One transaction: a roster that names an area or unit the database does not know is
refused whole, so a half-imported roster never leaves a grid without its workers.
Workers and units are upserted by their codes; workers absent from the file are left as
they are (deactivate someone with `active: false`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial

from psycopg2.extras import Json

from alerts.dispatch.errors import RosterError
from alerts.dispatch.roster import Roster
from store import admin_audit
from store.admin_audit import AdminActor

# YAML reads override dates as date objects; the jsonb keeps them as YYYY-MM-DD text.
_JSON = partial(json.dumps, ensure_ascii=False, default=str)

UPSERT_UNIT = """
INSERT INTO units (unit_code, name, phone) VALUES (%s, %s, %s)
ON CONFLICT (unit_code) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone
"""

# An area has one responsible unit: naming it again in a roster hands it over.
UPSERT_UNIT_AREA = """
INSERT INTO unit_areas (area_code, unit_code) VALUES (%s, %s)
ON CONFLICT (area_code) DO UPDATE SET unit_code = EXCLUDED.unit_code
"""

UPSERT_WORKER = """
INSERT INTO workers (worker_id, name, phone, tier, grid_code, unit_code, lon, lat, schedule,
    active)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (worker_id) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone,
    tier = EXCLUDED.tier, grid_code = EXCLUDED.grid_code, unit_code = EXCLUDED.unit_code,
    lon = EXCLUDED.lon, lat = EXCLUDED.lat, schedule = EXCLUDED.schedule,
    active = EXCLUDED.active
"""


@dataclass(frozen=True)
class Registered:
    units: int
    areas: int
    workers: int


def register_roster(conn, roster: Roster, *, dry_run: bool = False,
                    actor: AdminActor | None = None) -> Registered:
    """Write the roster (or only check it against the database when dry_run); each unit
    and worker it changes is recorded for `actor` in the admin audit."""
    with conn, conn.cursor() as cur:
        _check_references(cur, roster)
        if not dry_run:
            before = _snapshots(cur, roster) if actor else {}
            for unit in roster.units:
                cur.execute(UPSERT_UNIT, (unit.code, unit.name, unit.phone))
                for area in unit.areas:
                    cur.execute(UPSERT_UNIT_AREA, (area, unit.code))
            for w in roster.workers:
                cur.execute(UPSERT_WORKER, (w.worker_id, w.name, w.phone, w.tier, w.grid_code,
                                            w.unit_code, w.lon, w.lat,
                                            Json(w.schedule, dumps=_JSON), w.active))
            if actor is not None:
                after = _snapshots(cur, roster)
                for kind in ("unit", "worker"):
                    admin_audit.record_changes(cur, actor, f"{kind}.import", kind,
                                               before[kind], after[kind])
    return Registered(len(roster.units), sum(len(u.areas) for u in roster.units),
                      len(roster.workers))


def _snapshots(cur, roster: Roster) -> dict[str, dict[str, dict]]:
    return {"unit": admin_audit.snapshot(cur, "unit", [u.code for u in roster.units]),
            "worker": admin_audit.snapshot(cur, "worker", [w.worker_id for w in roster.workers])}


def _check_references(cur, roster: Roster) -> None:
    wanted = {a for u in roster.units for a in u.areas} | {
        w.grid_code for w in roster.workers if w.grid_code}
    cur.execute("SELECT code FROM areas WHERE code = ANY(%s)", (sorted(wanted),))
    known_areas = {r[0] for r in cur.fetchall()}
    cur.execute("SELECT unit_code FROM units WHERE unit_code = ANY(%s)",
                (sorted({w.unit_code for w in roster.workers if w.unit_code}),))
    known_units = {r[0] for r in cur.fetchall()} | {u.code for u in roster.units}
    problems = [f"{u.where}: unit {u.code}: area {a} is not in the areas table"
                for u in roster.units for a in u.areas if a not in known_areas]
    problems += [f"{w.where}: worker {w.worker_id}: grid {w.grid_code} is not in the areas "
                 f"table" for w in roster.workers if w.grid_code and w.grid_code not in
                 known_areas]
    problems += [f"{w.where}: worker {w.worker_id}: unit {w.unit_code} is neither in this "
                 f"roster nor in the database" for w in roster.workers
                 if w.unit_code and w.unit_code not in known_units]
    if problems:
        raise RosterError(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))
