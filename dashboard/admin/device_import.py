"""Importing a device CSV from the page: the checks of device_csv, then the very steps of
`cityops devices import` (sim/commands.py): place by coordinates, upsert into devices.

Devices outside the city, or without coordinates, are kept unplaced as the command keeps
them; the report lists them so the admin can fix their positions. An admin whose area is
less than the city may only register devices that stand inside it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from dashboard.admin.device_csv import DeviceCsv, LineNote, Reason, parse
from geo.assignment import Assigner
from geo.store import read_areas
from identity.scope import CaseArea, Scope, in_area
from store import device_file as registry
from store.admin_audit import AdminActor
from store.devices import areas_of


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    rejected: list[LineNote] = field(default_factory=list)
    unplaced: list[LineNote] = field(default_factory=list)
    problem: Reason | None = None
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.added + self.updated


def city_assigner(conn) -> Assigner | None:
    """The placement the command uses, from this database's areas; None without a grid
    (the command's NoCity)."""
    try:
        areas = read_areas(conn)
    finally:
        conn.rollback()
    if not (areas["level"] == "grid").any():
        return None
    return Assigner.from_areas(areas)


def _refusal(row: dict, scope: Scope, registered: dict) -> str | None:
    """Why this admin may not write this row: it stands outside their area, or its id is
    a device registered outside it (the upsert would move or retype another area's
    device). A city admin has no outside."""
    if scope.level == "city":
        return None
    if _outside(row, scope):
        return "admin.devices.reason.outside_scope"
    where = registered.get(row["device_id"])
    if where is not None and not in_area(scope.level, scope.code, CaseArea(*where)):
        return "admin.devices.reason.other_area"
    return None


def _outside(row: dict, scope: Scope) -> bool:
    """A placed row outside the admin's area (a city admin has no outside)."""
    if scope.level == "city":
        return False
    return not in_area(scope.level, scope.code, CaseArea(
        row["district_code"], row["street_code"], row["community_code"], row["grid_code"]))


def import_checked(conn, checked: DeviceCsv, assigner: Assigner | None,
                   scope: Scope, actor: AdminActor | None = None) -> ImportReport:
    report = ImportReport(rejected=list(checked.rejected), problem=checked.problem,
                          ignored_columns=list(checked.ignored_columns))
    if checked.problem or not checked.rows:
        return report
    if assigner is None:
        report.problem = Reason("admin.devices.file.no_city")
        return report
    placed = registry.place_by_coordinates(checked.rows, assigner)
    registered = areas_of(conn, [r["device_id"] for r in placed])
    why = {r["line"]: _refusal(r, scope, registered) for r in placed}
    kept = [r for r in placed if why[r["line"]] is None]
    if len(kept) < len(placed):
        report.rejected = sorted(report.rejected + [
            LineNote(r["line"], r["device_id"], Reason(why[r["line"]]))
            for r in placed if why[r["line"]] is not None], key=lambda note: note.line)
    if not kept:
        return report
    existing = registered.keys()
    registry.upsert(conn, [{k: v for k, v in r.items() if k != "line"} for r in kept], actor)
    report.updated = sum(1 for r in kept if r["device_id"] in existing)
    report.added = len(kept) - report.updated
    report.unplaced = [LineNote(r["line"], r["device_id"], Reason(
        "admin.devices.reason.unplaced" if r["lon"] is not None
        else "admin.devices.reason.no_position")) for r in kept if not r["placed"]]
    return report


def import_devices(conn, text: str, scope: Scope, actor: AdminActor | None = None,
                   kinds: Collection[str] | None = None) -> ImportReport:
    """Check `text` (a CSV), register its good rows inside `scope`, and say what happened
    to each line; each device changed is recorded for `actor` in the admin audit. `kinds`:
    the profiles' device kinds (default: the packaged profiles)."""
    checked = parse(text, kinds)
    if checked.problem or not checked.rows:
        return import_checked(conn, checked, None, scope, actor)
    return import_checked(conn, checked, city_assigner(conn), scope, actor)
