"""The words and details of the ticker's `warn` and `escalate` events on a case's timeline.

Neither changes the case's stage: `to_state` is NULL, so `timeline.state_history` (and
with it the SLA clock) does not see them. `details.at` is the tick's time; the event's own
`at` is when it was written.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from alerts.cases.tiers import TIER_NAMES
from alerts.sla.clocks import STAGES
from alerts.sla.escalation.decision import Decision

# An SLA escalation on a timeline: a stage ran past its limit (超期). The ticker's events
# carry the late `stage`; a manual escalation or a missed report-in does not count. The
# daily summary and the assessment both read lateness through this one predicate.
LATE_EVENT = "(e.action = 'escalate' AND e.actor = 'system' AND e.details ? 'stage')"


def _hours(span: timedelta | None) -> float | None:
    return None if span is None else round(span.total_seconds() / 3600, 3)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def warn_event(decision: Decision, now: datetime) -> tuple[str, dict[str, Any]]:
    stage, due = decision.status.stage, decision.markers.due_at
    note = f"{STAGES[stage]}即将超时,期限 {due:%Y-%m-%d %H:%M}" if due else "即将超时"
    return note, {"stage": stage, "limit_h": _hours(decision.status.limit),
                  "elapsed_h": _hours(decision.status.elapsed), "due_at": _iso(due),
                  "at": now.isoformat()}


def escalate_event(decision: Decision, from_tier: str,
                   now: datetime) -> tuple[str, dict[str, Any]]:
    """The note and details of the ticker's escalate move; who was told is added by the
    move's effects (`notified`)."""
    stage, to_tier = decision.status.stage, decision.escalate_to
    note = f"{STAGES[stage]}超时,由{TIER_NAMES[from_tier]}升级至{TIER_NAMES[to_tier]}"
    return note, {"stage": stage, "from_tier": from_tier, "to_tier": to_tier,
                  "limit_h": _hours(decision.status.limit),
                  "elapsed_h": _hours(decision.status.elapsed),
                  "due_at": _iso(decision.markers.due_at), "at": now.isoformat()}
