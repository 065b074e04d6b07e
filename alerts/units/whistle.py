"""吹哨报到: a street desk calls a lead unit and co-units to a case that needs several.

The whistle is the `whistle` move of the case flow (confirmed or returned → dispatched),
made through the one door; its effects, in the same transaction, make the lead unit the
case's holder, write one `case_units` row per unit with the time by which it must report
in, and keep a dispatch message per unit. The messages go out after the commit.

Each unit then reports in (`report_in`) and writes its part (`contribute`); the lead unit
accepts and handles the case like any holder, and it closes only when the verifier agrees
(`verify`, never by the handler). A unit that does not report in on time is escalated one
tier by `alerts.units.report_ins`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from alerts.cases.assignment import DispatchRow, record_call, record_dispatch
from alerts.cases.errors import Refused
from alerts.cases.moves import Connection, Moved, transition
from alerts.dispatch.message import build_unit_message, encode
from alerts.dispatch.pools import read_case
from alerts.dispatch.publish import publish
from alerts.dispatch.unit_choice import UnitChoice, choose_unit

# The desks that may whistle: 街乡吹哨 — the street (and the towns at its level).
WHISTLING_LEVELS = frozenset({"street"})
MAX_UNITS = 8

INSERT_CALL = """
INSERT INTO case_units (alert_id, unit_code, part, called_at, report_by)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (alert_id, unit_code) DO UPDATE SET part = excluded.part,
    called_at = excluded.called_at, report_by = excluded.report_by, reported_at = NULL,
    reported_by = NULL, written_at = NULL, missed_at = NULL
"""


@dataclass(frozen=True)
class Call:
    """One unit the whistle calls and how long it has to report in."""

    unit_code: str
    report_within: timedelta


@dataclass(frozen=True)
class Whistled:
    moved: Moved
    lead: str
    co: tuple[str, ...]
    published: int


def blow(conn: Connection, producer, topic: str, alert_id: int, *, actor: str, role: str,
         desk_level: str, expected_version: int, lead: Call | timedelta, co: list[Call],
         note: str | None, at: datetime | None = None) -> Whistled:
    """Call the units; Refused (not a street desk, units wrong) / Conflict / CaseNotFound.
    `lead` as a bare time to report in: the responsibility list's unit leads."""
    at = at or datetime.now(UTC)
    with conn, conn.cursor() as cur:
        case = read_case(cur, alert_id)
        if isinstance(lead, timedelta):
            lead = _listed_lead(cur, case, lead)
        _check_call(alert_id, desk_level, lead, co)
        units = [choose_unit(cur, case, call.unit_code) for call in (lead, *co)]
    rows = [_row(case, unit, call, part, actor, at, expected_version + 1)
            for unit, call, part in zip(units, (lead, *co), ("lead", *["co"] * len(co)),
                                        strict=True)]
    moved = transition(conn, alert_id, "whistle", actor, role, expected_version, note,
                       details=_details(lead, co, at),
                       effects=lambda cur, _m: _write_calls(cur, rows, (lead, *co), at),
                       tier=units[0].tier)
    sent = sum(publish(conn, producer, topic, row.delivery_id, row.unit_code, row.body)
               for row, _ in rows) if producer is not None else 0
    return Whistled(moved, lead.unit_code, tuple(c.unit_code for c in co), sent)


def _listed_lead(cur, case, within: timedelta) -> Call:
    found = choose_unit(cur, case, None)
    if found is None:
        raise Refused(case.alert_id, "whistle", "the responsibility list names no unit for "
                                                "this case; name the lead unit")
    return Call(found.unit_code, within)


def _check_call(alert_id: int, desk_level: str, lead: Call, co: list[Call]) -> None:
    codes = [c.unit_code for c in (lead, *co)]
    why = (f"only a street desk blows the whistle (街乡吹哨); this desk is {desk_level}"
           if desk_level not in WHISTLING_LEVELS
           else "a whistle calls at least two units, a lead and a co-unit" if not co
           else f"a whistle calls at most {MAX_UNITS} units" if len(codes) > MAX_UNITS
           else "a unit is named twice" if len(set(codes)) != len(codes)
           else "a report-in time must be in the future" if any(
               c.report_within <= timedelta(0) for c in (lead, *co))
           else None)
    if why:
        raise Refused(alert_id, "whistle", why)


def _row(case, unit: UnitChoice, call: Call, part: str, actor: str, at: datetime,
         version: int) -> tuple[DispatchRow, str]:
    delivery_id = str(uuid.uuid4())
    message = build_unit_message(delivery_id, case, {
        "code": unit.unit_code, "name": unit.name, "phone": unit.phone, "tier": unit.tier},
        actor, at, version)
    message["whistle"] = {"part": part,
                          "report_by": (at + call.report_within).isoformat()}
    return DispatchRow(delivery_id, case.alert_id, None, unit.tier,
                       case.areas.get(unit.tier), actor, at, encode(message),
                       unit_code=unit.unit_code), part


def _write_calls(cur, rows: list[tuple[DispatchRow, str]], calls: tuple[Call, ...],
                 at: datetime) -> None:
    for (row, part), call in zip(rows, calls, strict=True):
        (record_dispatch if part == "lead" else record_call)(cur, row)
        cur.execute(INSERT_CALL, (row.alert_id, row.unit_code, part, at,
                                  at + call.report_within))


def _details(lead: Call, co: list[Call], at: datetime) -> dict:
    return {"lead": lead.unit_code, "co": [c.unit_code for c in co],
            "report_by": {c.unit_code: (at + c.report_within).isoformat()
                          for c in (lead, *co)}}
