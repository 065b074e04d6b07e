"""The moves a viewer may make on a case from the console, and making one through alerts/.

Which buttons show is asked of the case flow's own table (alerts.cases.flow.may) and, for
escalation, of alerts.sla.escalation.manual; the same checks run again inside alerts/ when the
move is made, under the row lock, so a forged request gains nothing. Every move first
reads the case through the viewer's scope: a case outside it is "not found", never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from alerts.api.casequeries import get_case
from alerts.api.dispatching import BrokerUnavailable, producer_and_topic
from alerts.cases.errors import CaseNotFound, Conflict, Refused
from alerts.cases.flow import MOVES, needs_note
from alerts.cases.guards import could
from alerts.cases.moves import transition
from alerts.dispatch.errors import NobodyToDispatch
from alerts.dispatch.unit_choice import UnknownUnit
from alerts.sla.escalation import manual
from alerts.units import whistle
from dashboard.i18n import translate

# The console's moves in the order the buttons stand. `return` is a worker's move in
# alerts/cases/flow.py, so it never shows for the desk; it stays listed should that change.
CONSOLE_MOVES: tuple[str, ...] = ("confirm", "reject", "dispatch", "whistle", "verify",
                                  "reopen",
                                  "escalate", "extend", "resume", "ask_park", "park",
                                  "unpark", "return")

# Moves that end or undo work are drawn as warnings; the rest as ordinary actions.
CAUTION: frozenset[str] = frozenset({"reject", "reopen", "park", "escalate"})


def move_needs_note(action: str) -> bool:
    return needs_note(action)


def offered(role: str, state: str, tier: str, level: str | None = None) -> list[str]:
    """The console's moves this role may make on a case in this state, in button order;
    the whistle only for a desk of a level that blows it (`level`: the viewer's area)."""
    return [action for action in CONSOLE_MOVES if action in MOVES
            and could(role, action, state, tier)
            and (action != "whistle" or level in whistle.WHISTLING_LEVELS)]


@dataclass(frozen=True)
class Outcome:
    """What the console tells the person: a catalogue key with its values, and whether the
    case view must be read again (it moved, or someone else moved it)."""

    ok: bool
    key: str
    values: dict[str, object] = field(default_factory=dict)
    refresh: bool = False


def explain(exc: Exception, action: str) -> Outcome:
    """The message for a move that did not happen."""
    if isinstance(exc, Conflict):
        return Outcome(False, "triage.msg.conflict", refresh=True)
    if isinstance(exc, Refused):
        return Outcome(False, "triage.msg.refused", {"reason": exc.reason})
    if isinstance(exc, NobodyToDispatch):
        return Outcome(False, "triage.msg.nobody", {"tried": "；".join(exc.tried)})
    if isinstance(exc, BrokerUnavailable):
        return Outcome(False, "triage.msg.broker", {"error": str(exc)})
    if isinstance(exc, CaseNotFound):
        return Outcome(False, "triage.msg.not_found", refresh=True)
    if isinstance(exc, UnknownUnit):
        return Outcome(False, "triage.msg.refused", {"reason": str(exc)})
    raise exc


@dataclass(frozen=True)
class MoveRequest:
    case_id: int
    action: str
    expected_version: int
    note: str | None
    unit: str | None = None  # the unit a dispatch names, or a whistle's lead unit
    co_units: tuple[str, ...] = ()  # a whistle's co-units
    report_minutes: int = 60  # a whistle's time to report in


def check_request(request: MoveRequest) -> Outcome | None:
    """The console's own checks before asking alerts/: a known move, a note where needed."""
    if request.action not in CONSOLE_MOVES:
        return Outcome(False, "triage.msg.unknown_move", {"action": request.action})
    if move_needs_note(request.action) and not (request.note and request.note.strip()):
        return Outcome(False, "triage.msg.note_needed")
    return None


def make_move(conn, viewer, request: MoveRequest, dispatcher=None) -> Outcome:
    """Make one move for the viewer; never raises for a refusal, conflict or empty roster."""
    problem = check_request(request)
    if problem is not None:
        return problem
    with conn.cursor() as cur:
        case = get_case(cur, viewer.scope, request.case_id)
    conn.rollback()
    if case is None:
        return Outcome(False, "triage.msg.not_found", refresh=True)
    note = request.note.strip() if request.note and request.note.strip() else None
    actor, role = viewer.user.username, viewer.role
    try:
        if request.action == "dispatch":
            return _dispatch(conn, request, actor, role, note, dispatcher)
        if request.action == manual.ACTION:
            return _escalate(conn, request, actor, role, note, dispatcher)
        if request.action == "whistle":
            return _whistle(conn, request, viewer, note, dispatcher)
        moved = transition(conn, request.case_id, request.action, actor=actor, role=role,
                           expected_version=request.expected_version, note=note,
                           details={"via": "dashboard"})
    except (Conflict, Refused, CaseNotFound, NobodyToDispatch, BrokerUnavailable,
            UnknownUnit) as exc:
        return explain(exc, request.action)
    return Outcome(True, "triage.msg.moved", {"action": request.action,
                                              "from_state": moved.from_state,
                                              "to_state": moved.to_state}, refresh=True)


def _dispatch(conn, request: MoveRequest, actor: str, role: str, note: str | None,
              dispatcher) -> Outcome:
    if dispatcher is None:
        return Outcome(False, "triage.msg.no_dispatcher")
    done = dispatcher(conn, request.case_id, actor=actor, role=role,
                      expected_version=request.expected_version, note=note,
                      **({"unit": request.unit} if request.unit else {}))
    if done.unit_code:
        return Outcome(True, "triage.msg.dispatched_unit", {"unit": done.unit_code},
                       refresh=True)
    key = "triage.msg.dispatched" if done.published else "triage.msg.dispatched_unsent"
    return Outcome(True, key, {"worker": done.worker_id, "tier": done.tier}, refresh=True)


def _whistle(conn, request: MoveRequest, viewer, note: str | None, dispatcher) -> Outcome:
    if not request.co_units:
        return Outcome(False, "triage.msg.whistle_units")
    within = timedelta(minutes=max(1, min(request.report_minutes, 7 * 24 * 60)))
    producer, topic = producer_and_topic(dispatcher)
    done = whistle.blow(conn, producer, topic, request.case_id, actor=viewer.user.username,
                        role=viewer.role, desk_level=viewer.scope.level,
                        expected_version=request.expected_version,
                        lead=whistle.Call(request.unit, within) if request.unit else within,
                        co=[whistle.Call(u, within) for u in request.co_units], note=note)
    return Outcome(True, "triage.msg.whistled",
                   {"lead": done.lead, "co": "、".join(done.co)}, refresh=True)


def _escalate(conn, request: MoveRequest, actor: str, role: str, note: str | None,
              dispatcher) -> Outcome:
    producer, topic = producer_and_topic(dispatcher)
    done, sent = manual.escalate_and_tell(conn, producer, topic, request.case_id, actor, role,
                                          request.expected_version, note)
    key = "triage.msg.escalated" if sent else "triage.msg.escalated_unsent"
    return Outcome(True, key, {"from_tier": done.from_tier, "to_tier": done.to_tier},
                   refresh=True)


def message(lang: str, outcome: Outcome) -> str:
    """The outcome in the reader's language; codes (moves, states, tiers) become words."""
    words = dict(outcome.values)
    for name in ("action",):
        if name in words:
            words[name] = translate(lang, f"triage.move.{words[name]}")
    for name in ("from_state", "to_state"):
        if name in words:
            words[name] = translate(lang, f"triage.state.{words[name]}")
    for name in ("from_tier", "to_tier", "tier"):
        if name in words:
            words[name] = translate(lang, f"triage.tier.{words[name]}")
    return translate(lang, outcome.key, **words)
