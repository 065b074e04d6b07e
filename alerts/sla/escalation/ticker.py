"""`tick`: one pass of the SLA ticker over every open case.

Each case is its own short transaction under a row lock (SKIP LOCKED: a case someone is
moving right now waits for the next tick). Bookkeeping (due time, markers) does not change
the case's version; an escalation does, so an operator who acts on the version they saw
before it gets a clear Conflict from `transition`, never a silent overwrite, and the
ticker never overwrites a move either: it reads the case only after taking the lock.
Messages go out after the commit.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime

from alerts.cases.bookkeeping import write_sla_markers
from alerts.cases.moves import Connection, Moved, record_event, transition_in
from alerts.cases.timeline import state_history
from alerts.sla.calendar import WorkingCalendar
from alerts.sla.clocks import SlaPolicy
from alerts.sla.escalation import case_rows
from alerts.sla.escalation.case_rows import LockedCase
from alerts.sla.escalation.decision import Decision, decide
from alerts.sla.escalation.events import escalate_event, warn_event
from alerts.sla.escalation.notify import Notice, prepare, send
from alerts.sla.official_days import OfficialDays

log = logging.getLogger("cityops.alerts.escalation")

ACTOR = "system:sla"


def default_policy(zone: str, official: OfficialDays | None = None) -> SlaPolicy:
    """The ticker's policy on the city's clock (`zone`, settings.time_zone) and official
    days (the holiday file and the package; the package alone when not given): years
    neither knows count Monday to Friday (logged once) so that the ticker keeps running on
    1 January."""
    calendar = WorkingCalendar(zone, uncovered="weekdays",
                               official_days=official or OfficialDays())
    return SlaPolicy(calendar=calendar)


@dataclass
class TickReport:
    checked: int = 0  # open cases looked at
    updated: int = 0  # cases whose due time or markers were written
    warned: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    notified: int = 0  # escalation messages the broker took
    unsent: int = 0  # escalation messages the broker did not take (logged)
    busy: int = 0  # locked by someone else, or finished meanwhile: next tick
    failed: int = 0  # errors (logged); the other cases still ran


@dataclass(frozen=True)
class CaseTick:
    changed: bool = False
    busy: bool = False
    warned: bool = False
    notice: Notice | None = None


def tick(conn: Connection, producer, topic: str, now: datetime,
         policy: SlaPolicy) -> TickReport:
    """Bring every open case's SLA bookkeeping up to `now`; warn and escalate as due."""
    report = TickReport()
    with conn, conn.cursor() as cur:
        ids = case_rows.open_case_ids(cur)
    for alert_id in ids:
        report.checked += 1
        try:
            done = tick_case(conn, alert_id, now, policy)
        except Exception:  # noqa: BLE001 - one bad case must not stop the others
            log.exception("SLA tick failed for a case", extra={"alert_id": alert_id})
            report.failed += 1
            continue
        _count(conn, producer, topic, report, alert_id, done)
    return report


def _count(conn, producer, topic: str, report: TickReport, alert_id: int,
           done: CaseTick) -> None:
    report.busy += done.busy
    report.updated += done.changed
    if done.warned:
        report.warned.append(alert_id)
    if done.notice is not None:
        report.escalated.append(alert_id)
        if send(conn, producer, topic, done.notice):
            report.notified += 1
        else:
            report.unsent += 1


def tick_case(conn: Connection, alert_id: int, now: datetime, policy: SlaPolicy) -> CaseTick:
    """One case in one transaction; commits only when something changed."""
    with conn, conn.cursor() as cur:
        case = case_rows.lock_case(cur, alert_id)
        if case is None:
            return CaseTick(busy=True)
        history = state_history(conn, alert_id)
        decision = decide(policy, case.category, case.tier, history, case.markers, now)
        if decision.markers == case.markers and not decision.warn:
            return CaseTick()  # the common case: nothing to write at all
        write_sla_markers(cur, alert_id, case.version, asdict(decision.markers))
        if decision.warn:
            record_event(cur, alert_id, ACTOR, "warn", case.state, None,
                         *warn_event(decision, now))
        notice = _escalate(cur, case, decision, now) if decision.escalate_to else None
        return CaseTick(changed=True, warned=decision.warn, notice=notice)


def _escalate(cur, case: LockedCase, decision: Decision, now: datetime) -> Notice:
    # The escalate move: the case stays in its state and only the tier answering for it
    # rises; the new tier's worker or unit is told through the move's effects.
    notices: list[Notice] = []

    def tell(cur, moved: Moved) -> dict:
        notices.append(prepare(cur, case.alert_id, case.tier, decision.status.stage, ACTOR,
                               now))
        return {"notified": notices[0].details()}

    note, details = escalate_event(decision, case.tier, now)
    transition_in(cur, case.alert_id, "escalate", ACTOR, "system", case.version, note,
                  details, effects=tell)
    return notices[0]
