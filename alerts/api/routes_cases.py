"""`/api/v1/cases`: list and read cases in the caller's scope, and move them along the flow.

Outside the scope is a 404, never a 403: the answer must not tell whether a case exists.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request

from alerts.api.auth import login_required
from alerts.api.casequeries import get_case, incidents, level_lookup, list_cases, timeline
from alerts.api.database import connection
from alerts.api.filters import BadQuery, parse_filter
from alerts.api.masking import masked_incident
from alerts.cases import transition
from alerts.errors import CaseNotFound, Conflict, Refused

bp = Blueprint("cases", __name__)

NOT_FOUND = "no such case in your area"


@bp.get("/api/v1/cases")
@login_required
def cases_list():
    try:
        wanted = parse_filter(request.args)
    except BadQuery as exc:
        return jsonify(error=str(exc)), 400
    with connection().cursor() as cur:
        rows, total = list_cases(cur, g.viewer.scope, wanted, level_lookup(cur))
    return jsonify(cases=rows, total=total, page=wanted.page, per_page=wanted.per_page)


@bp.get("/api/v1/cases/<int:case_id>")
@login_required
def case_detail(case_id: int):
    with connection().cursor() as cur:
        case = get_case(cur, g.viewer.scope, case_id)
        if case is None:
            abort(404, description=NOT_FOUND)
        case["timeline"] = timeline(cur, case_id)
        case["incidents"] = [masked_incident(row, g.viewer.role)
                             for row in incidents(cur, case_id)]
    return jsonify(case)


def _move_request() -> tuple[str, int, str | None]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="send JSON {\"action\", \"expected_version\", \"note\"}")
    action, version, note = body.get("action"), body.get("expected_version"), body.get("note")
    if not isinstance(action, str) or not action:
        abort(400, description="action must be a string, e.g. \"confirm\"")
    if not isinstance(version, int) or isinstance(version, bool):
        abort(400, description="expected_version must be the case's version as a number")
    if note is not None and not isinstance(note, str):
        abort(400, description="note must be a string")
    return action, version, note


@bp.post("/api/v1/cases/<int:case_id>/transitions")
@login_required
def case_transition(case_id: int):
    action, version, note = _move_request()
    conn = connection()
    with conn.cursor() as cur:
        if get_case(cur, g.viewer.scope, case_id) is None:
            abort(404, description=NOT_FOUND)
    viewer = g.viewer
    try:
        moved = transition(conn, case_id, action, actor=viewer.user.username, role=viewer.role,
                           expected_version=version, note=note, details={"via": "api"})
    except Conflict as exc:
        return jsonify(error=str(exc), state=exc.state, version=exc.version), 409
    except Refused as exc:
        return jsonify(error=exc.reason, action=exc.action), 403
    except CaseNotFound:
        abort(404, description=NOT_FOUND)
    return jsonify(id=moved.alert_id, action=moved.action, from_state=moved.from_state,
                   state=moved.to_state, version=moved.version, event_id=moved.event_id)
