"""The parts of a move request that concern units (issue #16): a return's reason, the unit
a dispatch names, and a whistle's units. Each is checked here so a bad request gets a 400
that says what to send, before anything is moved."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, request

from alerts.units.whistle import Call

MAX_REPORT_MINUTES = 7 * 24 * 60


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def return_reason(action: str) -> dict:
    """{"wrong_unit": true} when a return says the case is not the unit's to handle."""
    wrong = _body().get("wrong_unit")
    if wrong is None:
        return {}
    if not isinstance(wrong, bool) or action != "return":
        abort(400, description="wrong_unit is true or false, and only on a return")
    return {"wrong_unit": True} if wrong else {}


def named_unit() -> str | None:
    unit = _body().get("unit_code")
    if unit is not None and (not isinstance(unit, str) or not unit.strip()):
        abort(400, description="unit_code must be a unit's code")
    return unit


def _call(item, where: str) -> Call:
    if not isinstance(item, dict) or not isinstance(item.get("unit_code"), str):
        abort(400, description=f"{where}: send {{\"unit_code\", \"report_within_minutes\"}}")
    minutes = item.get("report_within_minutes", 60)
    if (not isinstance(minutes, int) or isinstance(minutes, bool)
            or not 1 <= minutes <= MAX_REPORT_MINUTES):
        abort(400, description=f"{where}: report_within_minutes is 1 to {MAX_REPORT_MINUTES}")
    return Call(item["unit_code"], timedelta(minutes=minutes))


def whistle_calls() -> tuple[Call, list[Call]]:
    """The lead unit and the co-units of a whistle request."""
    body = _body()
    co = body.get("co")
    if not isinstance(co, list):
        abort(400, description="a whistle sends lead {unit_code, report_within_minutes} "
                               "and co, a list of the same")
    return _call(body.get("lead"), "lead"), [_call(c, f"co[{i}]") for i, c in enumerate(co)]
