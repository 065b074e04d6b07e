"""`/api/v1/cases`: list and read cases in the caller's scope, and move them along the flow.

Outside the scope is a 404, never a 403: the answer must not tell whether a case exists.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request

from alerts.api.auth import login_required
from alerts.api.casequeries import get_case, incidents, level_lookup, list_cases, timeline
from alerts.api.dispatching import DISPATCHER_KEY, BrokerUnavailable, producer_and_topic
from alerts.api.filters import BadQuery, parse_filter
from alerts.api.unit_requests import named_unit, return_reason, whistle_calls
from alerts.cases.errors import CaseNotFound, Conflict, Refused
from alerts.cases.moves import transition
from alerts.dispatch.errors import NobodyToDispatch
from alerts.dispatch.unit_choice import UnknownUnit
from alerts.sla.escalation import manual
from alerts.units import whistle
from identity.masking import masked_incident
from identity.pool import connection

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
                             for row in incidents(cur, g.viewer.scope, case_id)]
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
    if "worker_id" in body:
        # Not silently ignored: naming a worker needs a check that they cover the case's
        # area, which alerts.dispatch does not offer yet (docs/api.md, "Not yet").
        abort(400, description="worker_id is not supported: the worker is chosen by the "
                               "roster rules (docs/dispatch.md); send the move without it")
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
    if action == "dispatch":
        return _dispatch(conn, case_id, version, note)
    if action == manual.ACTION:
        return _escalate(conn, case_id, version, note)
    if action == "whistle":
        return _whistle(conn, case_id, version, note)
    try:
        moved = transition(conn, case_id, action, actor=viewer.user.username, role=viewer.role,
                           expected_version=version, note=note,
                           details={"via": "api", **return_reason(action)},
                           unit=viewer.user.unit_code)
    except (Conflict, Refused, CaseNotFound) as exc:
        return _move_failed(exc)
    return jsonify(id=moved.alert_id, action=moved.action, from_state=moved.from_state,
                   state=moved.to_state, version=moved.version, event_id=moved.event_id)


def _move_failed(exc: Exception):
    """The case flow said no: 409 someone moved it first, 403 not allowed, 404 gone."""
    if isinstance(exc, Conflict):
        return jsonify(error=str(exc), state=exc.state, version=exc.version), 409
    if isinstance(exc, Refused):
        return jsonify(error=exc.reason, action=exc.action), 403
    abort(404, description=NOT_FOUND)


def _escalate(conn, case_id: int, version: int, note: str | None):
    """升级 through alerts.sla.escalation: the tier rises and its worker or unit is told on the
    dispatch topic when this server dispatches; otherwise the new tier sees it on its desk."""
    producer, topic = producer_and_topic(current_app.extensions.get(DISPATCHER_KEY))
    viewer = g.viewer
    try:
        done, sent = manual.escalate_and_tell(conn, producer, topic, case_id,
                                              viewer.user.username, viewer.role, version,
                                              note, details={"via": "api"})
    except (Conflict, Refused, CaseNotFound) as exc:
        return _move_failed(exc)
    return jsonify(id=done.alert_id, action=manual.ACTION, from_tier=done.from_tier,
                   tier=done.to_tier, version=done.version, event_id=done.event_id,
                   notified=sent)


def _dispatch(conn, case_id: int, version: int, note: str | None):
    """派遣 through alerts.dispatch: the worker is chosen by the roster rules, the move and
    the dispatch row are one transaction, the message goes to the dispatch topic after it."""
    dispatcher = current_app.extensions.get(DISPATCHER_KEY)
    if dispatcher is None:
        return jsonify(error="dispatching is not configured on this server; nothing was "
                             "dispatched", action="dispatch"), 503
    viewer = g.viewer
    try:
        unit = named_unit()
        done = dispatcher(conn, case_id, actor=viewer.user.username, role=viewer.role,
                          expected_version=version, note=note,
                          **({"unit": unit} if unit else {}))
    except (Conflict, Refused, CaseNotFound) as exc:
        return _move_failed(exc)
    except NobodyToDispatch as exc:
        return jsonify(error=str(exc), action="dispatch", tried=exc.tried), 422
    except UnknownUnit as exc:
        return jsonify(error=str(exc), action="dispatch"), 422
    except BrokerUnavailable as exc:
        return jsonify(error=f"the dispatch topic is unreachable ({exc}); nothing was "
                             "dispatched", action="dispatch"), 503
    with conn, conn.cursor() as cur:
        cur.execute("SELECT from_state, to_state FROM alert_events WHERE id = %s",
                    (done.event_id,))
        from_state, to_state = cur.fetchone()
    return jsonify(id=done.alert_id, action="dispatch", from_state=from_state, state=to_state,
                   version=done.version, event_id=done.event_id, worker_id=done.worker_id,
                   unit_code=done.unit_code, tier=done.tier, delivery_id=done.delivery_id,
                   published=done.published)


def _whistle(conn, case_id: int, version: int, note: str | None):
    """吹哨 through alerts.units.whistle: the units are called in one move, each told on the
    dispatch topic after the commit when this server dispatches."""
    lead, co = whistle_calls()
    producer, topic = producer_and_topic(current_app.extensions.get(DISPATCHER_KEY))
    viewer = g.viewer
    try:
        done = whistle.blow(conn, producer, topic, case_id, actor=viewer.user.username,
                            role=viewer.role, desk_level=viewer.scope.level,
                            expected_version=version, lead=lead, co=co, note=note)
    except (Conflict, Refused, CaseNotFound) as exc:
        return _move_failed(exc)
    except UnknownUnit as exc:
        return jsonify(error=str(exc), action="whistle"), 422
    moved = done.moved
    return jsonify(id=moved.alert_id, action="whistle", from_state=moved.from_state,
                   state=moved.to_state, version=moved.version, event_id=moved.event_id,
                   lead=done.lead, co=list(done.co), published=done.published)
