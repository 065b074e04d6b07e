"""Departments and units of a tier, the areas they serve, and saving a units file.

A unit of m0004 without a tier is a grid team (its areas in `unit_areas`); a unit with a
tier (city, district, street) is a department or unit cases are dispatched to by the
responsibility list. Saving replaces the responsibility list as a whole (the file is the
list) and adds or updates the units it names, in one transaction with its admin audit.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.units.responsibility import Duty, all_duties
from store import admin_audit
from store.admin_audit import AdminActor

TIERS: tuple[str, ...] = ("city", "district", "street")


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    tier: str
    area_code: str | None
    phone: str | None = None
    serves: tuple[str, ...] = ()

    def as_file(self) -> dict:
        return {"code": self.code, "name": self.name, "tier": self.tier,
                "area": self.area_code, "phone": self.phone, "serves": list(self.serves)}


UNITS = """
SELECT u.unit_code, u.name, u.tier, u.area_code, u.phone,
    coalesce(array_agg(s.area_code ORDER BY s.area_code)
             FILTER (WHERE s.area_code IS NOT NULL), '{}')
FROM units u LEFT JOIN unit_serves s ON s.unit_code = u.unit_code
WHERE u.tier IS NOT NULL AND u.active
GROUP BY u.unit_code ORDER BY u.tier, u.unit_code
"""

UPSERT = """
INSERT INTO units (unit_code, name, phone, tier, area_code) VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (unit_code) DO UPDATE SET name = excluded.name, phone = excluded.phone,
    tier = excluded.tier, area_code = excluded.area_code, active = true
"""
KNOWN_AREAS = "SELECT code FROM areas WHERE code = ANY(%s)"
KNOWN_UNITS = "SELECT unit_code FROM units WHERE unit_code = ANY(%s)"


class UnitsError(ValueError):
    """A units file that names what does not exist; the message lists every such name."""


def units(cur) -> list[Unit]:
    """The departments and units of a tier, with the areas they serve."""
    cur.execute(UNITS)
    return [Unit(r[0], r[1], r[2], r[3], r[4], tuple(r[5])) for r in cur.fetchall()]


def save(conn, new_units: tuple[Unit, ...], duties: tuple[Duty, ...] | None,
         actor: AdminActor) -> dict[str, int]:
    """Add or update `new_units`; replace the list with `duties` unless None. Audited."""
    with conn, conn.cursor() as cur:
        _check_names(cur, new_units, duties or ())
        changed = _save_units(cur, new_units, actor)
        listed = _replace_duties(cur, duties, actor) if duties is not None else 0
        return {"units": changed, "responsibilities": listed}


def _check_names(cur, new_units: tuple[Unit, ...], duties: tuple[Duty, ...]) -> None:
    areas = {a for u in new_units for a in (*u.serves, u.area_code) if a}
    areas |= {d.area_code for d in duties}
    cur.execute(KNOWN_AREAS, (sorted(areas),))
    missing = sorted(areas - {row[0] for row in cur.fetchall()})
    wanted = {d.unit_code for d in duties} - {u.code for u in new_units}
    cur.execute(KNOWN_UNITS, (sorted(wanted),))
    missing_units = sorted(wanted - {row[0] for row in cur.fetchall()})
    problems = ([f"area {a} is not in the areas table" for a in missing]
                + [f"unit {u} is neither in the file nor known" for u in missing_units])
    if problems:
        raise UnitsError("; ".join(problems))


def _save_units(cur, new_units: tuple[Unit, ...], actor: AdminActor) -> int:
    codes = [u.code for u in new_units]
    before = admin_audit.snapshot(cur, "unit", codes)
    for unit in new_units:
        cur.execute(UPSERT, (unit.code, unit.name, unit.phone, unit.tier, unit.area_code))
        cur.execute("DELETE FROM unit_serves WHERE unit_code = %s", (unit.code,))
        for area in unit.serves:
            cur.execute("INSERT INTO unit_serves (unit_code, area_code) VALUES (%s, %s)",
                        (unit.code, area))
    after = admin_audit.snapshot(cur, "unit", codes)
    return admin_audit.record_changes(cur, actor, "unit.import", "unit", before, after)


def _replace_duties(cur, duties: tuple[Duty, ...], actor: AdminActor) -> int:
    old = {"/".join(d.key()): d.unit_code for d in all_duties(cur)}
    cur.execute("DELETE FROM responsibilities")
    for d in duties:
        cur.execute("INSERT INTO responsibilities (category, subtype, area_code, unit_code) "
                    "VALUES (%s, %s, %s, %s)", (d.category, d.subtype, d.area_code, d.unit_code))
    new = {"/".join(d.key()): d.unit_code for d in duties}
    for key in sorted(old.keys() | new.keys()):
        if old.get(key) != new.get(key):
            admin_audit.record(cur, actor, "responsibility.import", "responsibility", key,
                               None if key not in old else {"unit_code": old[key]},
                               None if key not in new else {"unit_code": new[key]})
    return len(duties)


# Units that serve any of the case's areas, nearest tier first; then every other unit, so a
# desk can send a case anywhere the list did not foresee.
FOR_AREAS = """
SELECT u.unit_code, u.name, u.tier,
    EXISTS (SELECT 1 FROM unit_serves s WHERE s.unit_code = u.unit_code
            AND s.area_code = ANY(%s)) AS serves
FROM units u WHERE u.tier IS NOT NULL AND u.active
ORDER BY serves DESC, array_position(ARRAY['street', 'district', 'city'], u.tier), u.unit_code
LIMIT 200
"""


def units_for(cur, area_codes: list[str]) -> list[dict]:
    """The units a desk may choose for a case in these areas, those serving it first."""
    cur.execute(FOR_AREAS, ([c for c in area_codes if c],))
    return [{"unit_code": r[0], "name": r[1], "tier": r[2], "serves": r[3]}
            for r in cur.fetchall()]


def check_file(conn, new_units: tuple[Unit, ...], duties: tuple[Duty, ...]) -> None:
    """UnitsError if the file names areas or units the store does not know; writes nothing."""
    with conn.cursor() as cur:
        _check_names(cur, new_units, duties)
    conn.rollback()
