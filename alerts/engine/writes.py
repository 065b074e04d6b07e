"""What the alerts engine writes: cases for fire / clear / report signals.

Every function works inside the caller's transaction (a cursor), so the engine commits
the cases of a batch with its changed state and its stream offsets
(alerts/engine/state_store.py).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from alerts.cases.bookkeeping import count_repeat, set_rule
from alerts.cases.errors import CaseError
from alerts.cases.grouping import store as grouping
from alerts.cases.grouping.facts import case_kind, facts_of
from alerts.cases.grouping.policy import Report, nearest
from alerts.cases.grouping.reports import is_report, report_case
from alerts.cases.moves import NewCase, open_case_in, transition_in
from alerts.muting.inhibit import inhibited_by, note_inhibited
from alerts.muting.silences import silenced_by
from alerts.rules.evaluate import Signal

log = logging.getLogger("cityops.alerts")
ACTOR = "system"

OPEN_CASE = """
SELECT id, version FROM alerts
WHERE fingerprint = %s AND state NOT IN ('closed', 'rejected', 'resolved')
FOR UPDATE
"""


def lock_for(cur, signals: list[Signal]) -> None:
    """The merge locks of the places these signals may open or merge a case in."""
    grouping.lock_places(cur, [(s.category, s.areas.district_code) for s in signals
                               if s.rule.opens_case and s.action in ("fire", "report")])


def record_fire(cur, sig: Signal) -> str:
    """A fire or a reported incident: 'silenced', 'inhibited', 'repeated', 'known',
    'merged' or 'opened'.

    Silences and inhibition come first (a muted fire touches no case); then the open case
    that already holds this source counts a repeat (and a 'repeat' event names the source);
    then an open case of the same problem nearby takes it as one more source; only then is
    a case opened.
    """
    if (muted := _muted(cur, sig)) is not None:
        return muted
    found = case_holding(cur, sig.fingerprint)
    if found is not None:
        count_repeat(cur, found[0], sig.at)
        kind, details = source_of(sig)
        grouping.note_repeat(cur, found[0], kind, sig.fingerprint, sig.at, details, ACTOR)
        return "repeated"
    if is_report(sig) and grouping.known_source(cur, sig.fingerprint):
        # The same incident again (e.g. the caller's rating after the case closed) is
        # not a new problem; its case was finished by people, not by this message.
        return "known"
    kind, details = source_of(sig)
    report = Report(sig.at, sig.lon, sig.lat, sig.areas.grid_code)
    target = nearest(report, grouping.candidates(cur, sig.category, report))
    if target is not None:
        grouping.merge(cur, target.alert_id, kind, sig.fingerprint, sig.at, details, ACTOR)
        return "merged"
    case = report_case(sig) if is_report(sig) else new_case(sig)
    alert_id = open_case_in(cur, case, ACTOR)
    spec = [i.to_json() for i in sig.rule.inhibits] or None
    set_rule(cur, alert_id, None if is_report(sig) else sig.rule.id, sig.at, spec)
    grouping.add_source(cur, alert_id, kind, sig.fingerprint, sig.at, details)
    return "opened"


def _muted(cur, sig: Signal) -> str | None:
    silence = silenced_by(cur, facts_of(sig), sig.at)
    if silence is not None:
        log.info("fire silenced", extra={"fingerprint": sig.fingerprint, "silence": silence})
        return "silenced"
    inhibitor = inhibited_by(cur, sig)
    if inhibitor is not None:
        note_inhibited(cur, inhibitor, sig, ACTOR)
        log.info("fire inhibited", extra={"fingerprint": sig.fingerprint,
                                          "inhibited_by": inhibitor})
        return "inhibited"
    return None


def case_holding(cur, key: str) -> tuple[int, int] | None:
    """The open case of a fingerprint: its own, or the one it was merged into."""
    cur.execute(OPEN_CASE, (key,))
    row = cur.fetchone()
    return (row[0], row[1]) if row is not None else grouping.case_of_source(cur, key)


def source_of(sig: Signal) -> tuple[str, dict[str, Any]]:
    """('rule' or 'incident', what case_sources keeps about it)."""
    if is_report(sig):
        return "incident", {**sig.detail, "lon": sig.lon, "lat": sig.lat}
    return "rule", {"rule": sig.rule.id, "device": sig.device_id, "lon": sig.lon,
                    "lat": sig.lat, "detail": _plain(sig.detail)}


def record_clear(cur, sig: Signal) -> str:
    """Auto-resolve the open case of the fingerprint: 'resolved', 'none' or 'kept'."""
    row = case_holding(cur, sig.fingerprint)
    if row is None:
        return "none"
    try:
        transition_in(cur, row[0], "resolve", ACTOR, "system", row[1],
                      note=f"{sig.rule.name_zh}: 条件已恢复 (condition cleared)",
                      details={"rule": sig.rule.id, "at": sig.at})
    except CaseError as exc:
        # A handled case waits for a person to verify it; that is the flow, not a fault.
        log.info("case not auto-resolved", extra={"fingerprint": sig.fingerprint,
                                                  "reason": str(exc)})
        return "kept"
    return "resolved"


def new_case(sig: Signal) -> NewCase:
    rule = sig.rule
    where = sig.device_id or sig.fingerprint.split("|", 1)[1]
    return NewCase(
        fingerprint=sig.fingerprint, kind=case_kind(sig), title=f"{rule.name_zh}: {where}",
        category=sig.category, severity=rule.severity,
        description=f"{rule.name_en} ({rule.id}) at {where}", lon=sig.lon, lat=sig.lat,
        grid_code=sig.areas.grid_code, community_code=sig.areas.community_code,
        street_code=sig.areas.street_code, district_code=sig.areas.district_code,
        auto_resolve=rule.auto_resolve,
        labels={"rule": rule.id, "rule_kind": rule.kind, "name_en": rule.name_en,
                "device": sig.device_id, "detail": _plain(sig.detail)})


def _plain(detail: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(detail, default=str))
