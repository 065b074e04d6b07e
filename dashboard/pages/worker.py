"""`/worker`: a grid worker's or a unit's tasks on a phone (我的任务 / 单位任务): accept, note
progress, mark handled, or return a task with a reason. A unit's staff also report in (报到)
and write their unit's part when a whistle called it, and return a case that is not their
unit's to handle (非本单位职责); a grid worker also checks on site the fixes units report in
their grid (核查).

Moves go through alerts.cases.moves.transition with the version the worker saw, so a task the
desk changed meanwhile is refused with a clear message rather than overwritten; notes go
to the audit trail through alerts.cases.notes. Each action first checks the task is in the
worker's scope (their own, in their area). Reporters' names and numbers are masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from alerts.api.casequeries import get_case
from alerts.cases.errors import CaseNotFound, Conflict, Refused
from alerts.cases.flow import may
from alerts.cases.moves import transition
from alerts.cases.notes import add_note
from dashboard.context import PageContext
from dashboard.i18n import translate, when
from dashboard.session import language, viewer
from dashboard.shell import frame
from identity.masking import mask_name, mask_phone, needs_masking
from identity.pool import connection
from screens.tasks import ACTIVE, my_tasks

PAGE = "worker"

# Buttons in the order a worker needs them; the first one the case flow allows is primary.
MOVES = ("accept", "handle", "return")
# A button that is a move with a reason attached: (move, details).
VARIANTS: dict[str, tuple[str, dict]] = {"return_wrong": ("return", {"wrong_unit": True})}
NEEDS_NOTE = frozenset({"return", "return_wrong", "contribute"})
ACT = "worker-act"
NOTE = "worker-note"
# Refusals that need only more text from the worker: the list is not redrawn.
KEEP_TYPING = frozenset({"worker.note_empty", "worker.note_required"})


@dataclass(frozen=True)
class Outcome:
    ok: bool
    key: str
    values: dict = field(default_factory=dict)


def _now() -> datetime:
    return datetime.now(UTC)


def _state_name(lang: str, state: str) -> str:
    return translate(lang, f"worker.state.{state}")


def _button(lang: str, task: dict, action: str, primary: bool) -> html.Button:
    return html.Button(
        translate(lang, f"worker.{action}"), n_clicks=0,
        id={"type": ACT, "id": task["id"], "action": action, "version": task["version"]},
        className=f"worker-button worker-{action}" + (" primary" if primary else ""))


def offered(role: str, task: dict) -> list[str]:
    """The buttons for this task, in the order the person needs them."""
    state, holder = task["state"], task.get("holder_unit")
    if role == "unit":
        called = [a for a in ("report_in",) if task.get("unit_part")
                  and not task.get("reported_at")]
        held = [a for a in ("accept", "handle", "return_wrong", "return")
                if task.get("unit_part") in (None, "lead") and holder
                and may(role, VARIANTS.get(a, (a,))[0], state)]
        part = [a for a in ("contribute",) if task.get("unit_part") and may(role, a, state)]
        return called + held + part
    if holder:  # a unit's case in the worker's grid: theirs to check on site
        return ["verify"] if may(role, "verify", state) else []
    return [a for a in MOVES if may(role, a, state)]


def _actions(lang: str, task: dict) -> list:
    allowed = offered(viewer().role, task)
    buttons = [_button(lang, task, a, i == 0 and a not in NEEDS_NOTE)
               for i, a in enumerate(allowed)]
    buttons.insert(1 if allowed and allowed[0] not in NEEDS_NOTE else 0,
                   _button(lang, task, "note", not allowed))
    return buttons


def _reporter(lang: str, task: dict) -> html.Div | None:
    name, phone = task.get("reporter_name"), task.get("reporter_phone")
    if not (name or phone):
        return None
    if needs_masking(viewer().role):
        name, phone = mask_name(name), mask_phone(phone)
    return html.Div(translate(lang, "worker.reporter", name=name or "", phone=phone or ""),
                    className="worker-line")


def _card(lang: str, task: dict) -> html.Article:
    place_keys = ("street_zh", "grid_zh") if lang == "zh-CN" else ("street_en", "grid_en")
    place = " · ".join(task[k] for k in place_keys if task.get(k))
    due = (translate(lang, "worker.due", when=when(lang, task["due_at"])) if task["due_at"]
           else translate(lang, "worker.no_due"))
    badges = [html.Span(translate(lang, f"worker.severity.{task['severity']}"),
                        className=f"worker-badge severity-{task['severity']}"),
              html.Span(_state_name(lang, task["state"]),
                        className=f"worker-badge state-{task['state']}")]
    if task["overdue"]:
        badges.append(html.Span(translate(lang, "worker.overdue"),
                                className="worker-badge overdue"))
    rows = [html.Div(badges, className="worker-badges"),
            html.H2(task["title"], className="worker-task-title"),
            html.Div(place, className="worker-line worker-place") if place else None,
            html.Div(task["address"], className="worker-line") if task.get("address") else None,
            html.Div(due, className="worker-line worker-due"
                     + (" late" if task["overdue"] else "")),
            html.Div(translate(lang, "worker.opened", when=when(lang, task["opened_at"])),
                     className="worker-line worker-muted"),
            _reporter(lang, task),
            _unit_line(lang, task),
            html.P(task["description"], className="worker-description")
            if task.get("description") else None]
    if task["state"] in ACTIVE or offered(viewer().role, task):
        rows += [html.Label(translate(lang, "worker.note_label"), className="worker-note-label"),
                 dcc.Textarea(id={"type": NOTE, "id": task["id"]}, rows=2, maxLength=2000,
                               placeholder=translate(lang, "worker.note_placeholder"),
                               className="worker-note"),
                 html.Div(_actions(lang, task), className="worker-actions")]
    return html.Article([r for r in rows if r is not None], className="worker-task",
                        id=f"worker-task-{task['id']}", **{"data-state": task["state"]})


def _unit_line(lang: str, task: dict) -> html.Div | None:
    """Who holds the case and, for a called unit, its part and report-in time."""
    if not task.get("holder_unit"):
        return None
    text = translate(lang, "worker.unit_holder", unit=task.get("holder_name") or "")
    if task.get("unit_part"):
        text += " · " + translate(lang, f"worker.unit_part.{task['unit_part']}")
        text += " · " + (translate(lang, "worker.reported", when=when(lang, task["reported_at"]))
                         if task.get("reported_at") else
                         translate(lang, "worker.report_by", when=when(lang, task["report_by"])))
    return html.Div(text, className="worker-line worker-unit")


def task_list(lang: str) -> tuple[list, str]:
    """The cards of the viewer's tasks and the count line."""
    with connection().cursor() as cur:
        tasks = my_tasks(cur, viewer().scope, _now())
    connection().rollback()
    open_tasks = sum(1 for t in tasks if t["state"] in ACTIVE)
    cards = [_card(lang, t) for t in tasks] or [
        html.P(translate(lang, "worker.empty"), className="worker-empty", id="worker-empty")]
    return cards, translate(lang, "worker.count", n=open_tasks)


def act(alert_id: int, action: str, version: int, note: str | None) -> Outcome:
    """One button press of the current viewer on one of their tasks."""
    who = viewer()
    note = (note or "").strip() or None
    conn = connection()
    with conn.cursor() as cur:
        case = get_case(cur, who.scope, alert_id)
    conn.rollback()
    if case is None:
        return Outcome(False, "worker.not_found")
    values = {"title": case["title"]}
    if action == "note":
        if note is None:
            return Outcome(False, "worker.note_empty")
        add_note(conn, alert_id, who.user.username, note, {"via": "dashboard"})
        return Outcome(True, "worker.done.note", values)
    if action in NEEDS_NOTE and note is None:
        return Outcome(False, "worker.note_required")
    real, extra = VARIANTS.get(action, (action, {}))
    try:
        transition(conn, alert_id, real, actor=who.user.username, role=who.role,
                   expected_version=version, note=note, details={"via": "dashboard", **extra},
                   unit=who.user.unit_code)
    except Conflict as exc:
        return Outcome(False, "worker.conflict", {"state": exc.state})
    except Refused:
        return Outcome(False, "worker.refused", {"state": case["state"]})
    except CaseNotFound:
        return Outcome(False, "worker.not_found")
    return Outcome(True, f"worker.done.{action}", values)


def layout(**_query: str) -> html.Div:
    lang = language()
    cards, count = task_list(lang)
    return frame(PAGE, html.Div(className="worker-body", children=[
        html.Div(className="worker-head", children=[
            html.H1(translate(lang, "worker.title_unit" if viewer().role == "unit"
                              else "worker.title")),
            html.Span(count, id="worker-count", className="worker-count"),
            html.Button(translate(lang, "worker.refresh"), id="worker-refresh", n_clicks=0,
                        className="worker-button worker-refresh"),
        ]),
        html.Div(id="worker-message", className="worker-message", role="status",
                 **{"aria-live": "polite"}),
        html.Div(cards, id="worker-list", className="worker-list"),
    ]))


def _pressed(_clicks, _refresh, notes, note_ids):
    """The callback: make the pressed button's move, then redraw the list."""
    lang = language()
    trigger = ctx.triggered_id
    if trigger is None or not ctx.triggered[0]["value"]:
        return no_update, no_update, no_update, no_update  # a card was drawn, not pressed
    message, tone = "", "worker-message"
    if isinstance(trigger, dict) and trigger.get("type") == ACT:
        try:
            case_id, version = int(trigger["id"]), int(trigger["version"])
        except (KeyError, TypeError, ValueError):
            # Only a hand-made request gets here; it is refused like any unknown case.
            return no_update, no_update, translate(lang, "worker.not_found"), "worker-message error"
        typed = {ids["id"]: text for ids, text in zip(note_ids, notes, strict=False)}
        outcome = act(case_id, str(trigger["action"]), version, typed.get(trigger["id"]))
        values = dict(outcome.values)
        if "state" in values:
            values["state"] = _state_name(lang, values["state"])
        message = translate(lang, outcome.key, **values)
        tone += " ok" if outcome.ok else " error"
        if outcome.key in KEEP_TYPING:
            return no_update, no_update, message, tone  # keep what they have typed
    cards, count = task_list(lang)
    return cards, count, message, tone


def register(app: Dash, context: PageContext) -> None:
    app.callback(
        Output("worker-list", "children"),
        Output("worker-count", "children"),
        Output("worker-message", "children"),
        Output("worker-message", "className"),
        Input({"type": ACT, "id": ALL, "action": ALL, "version": ALL}, "n_clicks"),
        Input("worker-refresh", "n_clicks"),
        State({"type": NOTE, "id": ALL}, "value"),
        State({"type": NOTE, "id": ALL}, "id"),
        prevent_initial_call=True,
    )(_pressed)
