"""Who may move a case from which state to which: the role × transition table, as data.

Each move names the states it starts from, the state it leads to (None: the case stays
where it is and only the request is recorded), the roles allowed to make it and whether a
written reason is required. `may` answers one question against this table and says why
when the answer is no; people-level rules (the verifier is not the handler) live in
`alerts.cases.guards` because they need the case's history.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.cases.states import OPEN, STATES, label

# `system` is the alerts engine itself (auto-dispatch, auto-resolve, extension expiry).
ROLES: tuple[str, ...] = ("operator", "manager", "leader", "worker", "unit", "admin",
                          "system")

ROLE_NAMES: dict[str, str] = {
    "operator": "受理/派遣/核查员",
    "manager": "值班长",
    "leader": "领导",
    "worker": "处置人员",
    "unit": "责任单位",
    "admin": "系统管理员",
    "system": "系统",
}


@dataclass(frozen=True)
class Move:
    action: str
    name: str
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    needs_note: bool = False
    # The tier answering for the case goes up one with the move (escalate).
    raises_tier: bool = False
    # False: the event's to_state is NULL, so the SLA clock (timeline.state_history) does
    # not see a stage change: an escalation keeps the case in its stage.
    records_state: bool = True

    def leads_to(self, state: str) -> str:
        return state if self.target is None else self.target


def _move(action: str, name: str, sources: set[str], target: str | None,
          roles: set[str], needs_note: bool = False, **attributes: bool) -> Move:
    return Move(action, name, frozenset(sources), target, frozenset(roles), needs_note,
                **attributes)


_DESK = {"operator", "manager"}
# Whoever holds the case and works it: a grid worker, or a unit's staff (issue #16). Which
# worker or unit that is, is `alerts.cases.holders`' question.
_HANDS = {"worker", "unit"}
# Cases a unit may be called to while they are being worked.
_WORKED = {"dispatched", "in_progress", "extended"}

# Admins run accounts and configuration, not cases: they appear in no row on purpose.
MOVES: dict[str, Move] = {m.action: m for m in (
    _move("confirm", "立案", {"new"}, "confirmed", _DESK),
    _move("reject", "不予立案", {"new"}, "rejected", _DESK, needs_note=True),
    _move("dispatch", "派遣", {"confirmed", "returned"}, "dispatched", _DESK | {"system"}),
    # 吹哨: a street desk calls a lead unit and co-units to a case that needs several.
    _move("whistle", "吹哨", {"confirmed", "returned"}, "dispatched", _DESK, needs_note=True),
    _move("accept", "签收", {"dispatched"}, "in_progress", _HANDS),
    _move("return", "退回", {"dispatched", "in_progress"}, "returned", _HANDS,
          needs_note=True),
    _move("handle", "处置完毕", {"in_progress"}, "handled", _HANDS),
    # 报到 and the unit's written part: the case stays where it is.
    _move("report_in", "报到", _WORKED, None, {"unit"}, records_state=False),
    _move("contribute", "反馈处置意见", _WORKED | {"handled"}, None, {"unit"},
          needs_note=True, records_state=False),
    # The desk's 核查员 or the grid worker of the place checks the fix on site.
    _move("verify", "核查结案", {"handled"}, "closed", _DESK | {"worker"}),
    _move("reopen", "返工", {"handled"}, "dispatched", _DESK, needs_note=True),
    _move("ask_extension", "申请延期", {"in_progress"}, None, _HANDS, needs_note=True),
    _move("extend", "延期", {"in_progress"}, "extended", {"manager", "leader"},
          needs_note=True),
    _move("resume", "恢复处置", {"extended"}, "in_progress", _HANDS | {"manager", "system"}),
    _move("ask_park", "申请挂账", {"dispatched", "in_progress", "returned"}, None,
          _HANDS | {"operator"}, needs_note=True),
    _move("park", "挂账", {"dispatched", "in_progress", "returned"}, "parked", {"leader"},
          needs_note=True),
    _move("unpark", "解除挂账", {"parked"}, "dispatched", {"manager", "leader"}),
    # A handled case waits for a person to verify the fix, so the sensor clearing
    # does not close it on its own.
    _move("resolve", "自动恢复", OPEN - {"handled"}, "resolved", {"system"}),
    # The tier answering for the case goes up one; the state stays. Duty managers escalate
    # from the desk, leaders may order it, the SLA ticker does it when a stage runs late.
    _move("escalate", "升级", OPEN, None, {"manager", "leader", "system"}, needs_note=True,
          raises_tier=True, records_state=False),
    # The caller's 不满意 at the callback (回访) sends a closed hotline case back for the
    # desk to verify again; only the rating itself makes this move (alerts/cases/rating.py).
    _move("review", "回访不满意", {"closed"}, "handled", {"system"}),
)}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str
    move: Move | None = None

    def __bool__(self) -> bool:
        return self.allowed


def _roles_text(roles: frozenset[str]) -> str:
    return " or ".join(sorted(roles))


def may(role: str, action: str, state: str) -> Verdict:
    """May `role` make `action` on a case in `state`? The reason says why not."""
    move = MOVES.get(action)
    if move is None:
        return Verdict(False, f"unknown action {action!r}; known: {', '.join(MOVES)}")
    if role not in ROLES:
        return Verdict(False, f"unknown role {role!r}; known: {', '.join(ROLES)}", move)
    if state not in STATES:
        return Verdict(False, f"the case is in an unknown state {state!r}", move)
    if state not in move.sources and move.sources == OPEN:
        return Verdict(False, f"{action} ({move.name}): only an open case takes this move; "
                              f"this case is {label(state)}", move)
    if state not in move.sources:
        starts = ", ".join(label(s) for s in sorted(move.sources))
        return Verdict(False, f"{action} ({move.name}) is made from {starts}; "
                              f"this case is {label(state)}", move)
    if role not in move.roles:
        return Verdict(False, f"{action} ({move.name}) is for {_roles_text(move.roles)}; "
                              f"a {role} may not make it", move)
    return Verdict(True, "allowed", move)


def needs_note(action: str) -> bool:
    move = MOVES.get(action)
    return bool(move and move.needs_note)
