"""Whether a case goes to a unit, and which: the desk's choice, else the responsibility list.

A unit that returned the case as not its own (退回, wrong unit) is not chosen by the list
again; the desk names the right one, or the list's next match applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.dispatch.pools import CaseToDispatch
from alerts.units.responsibility import route

UNIT = "SELECT name, phone, tier FROM units WHERE unit_code = %s AND active AND tier IS NOT NULL"
RETURNED_AS_WRONG = """
SELECT DISTINCT details->>'unit_code' FROM alert_events
WHERE alert_id = %s AND action = 'return' AND (details->>'wrong_unit')::boolean
"""


@dataclass(frozen=True)
class UnitChoice:
    unit_code: str
    name: str
    phone: str | None
    tier: str
    by: str  # "desk" or the responsibility row "category/subtype/area"


class UnknownUnit(ValueError):
    """The desk named a unit that is not an active department or unit."""


def returned_as_wrong(cur, alert_id: int) -> frozenset[str]:
    cur.execute(RETURNED_AS_WRONG, (alert_id,))
    return frozenset(row[0] for row in cur.fetchall() if row[0])


def choose_unit(cur, case: CaseToDispatch, named: str | None) -> UnitChoice | None:
    """The unit to dispatch to, or None: the case goes to a worker by the roster rules."""
    if named:
        return _unit(cur, named, "desk")
    found = route(cur, case.areas, case.category, case.major,
                  excluded=returned_as_wrong(cur, case.alert_id))
    return None if found is None else _unit(cur, found.unit_code, "/".join(found.duty.key()))


def _unit(cur, code: str, by: str) -> UnitChoice:
    cur.execute(UNIT, (code,))
    row = cur.fetchone()
    if row is None:
        raise UnknownUnit(f"unit {code!r} is not an active department or unit")
    return UnitChoice(code, row[0], row[1], row[2], by)
