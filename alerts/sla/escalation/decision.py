"""What the ticker should do with one case now: its due time, a warning, an escalation. Pure.

Each holder of a stage gets the stage's full limit: the first tier from the moment the stage
began, and each tier the case escalates to from the moment it was escalated (measured on the
same stage clock, so pauses never count). A holder is warned once at `warn_fraction` of its
limit and the case escalates once when the limit is passed. The markers written back to the
case make a second look at the same moment a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from alerts.cases.tiers import next_tier
from alerts.sla.clocks import Entry, SlaPolicy, SlaStatus, sla_status
from alerts.sla.escalation.deadline import deadline, stage_started_at


@dataclass(frozen=True)
class Markers:
    """The ticker's bookkeeping on a case (alerts.due_at and the sla_* columns of m0006)."""

    due_at: datetime | None = None
    level: str | None = None
    stage: str | None = None
    stage_started_at: datetime | None = None
    warned_at: datetime | None = None
    escalated_elapsed: timedelta = timedelta(0)  # the stage clock at the last escalation


@dataclass(frozen=True)
class Decision:
    markers: Markers  # what the case should hold after this tick
    status: SlaStatus
    warn: bool = False
    escalate_to: str | None = None  # the tier to escalate to now


def decide(policy: SlaPolicy, category: str | None, tier: str, history: Sequence[Entry],
           stored: Markers, now: datetime) -> Decision:
    status = sla_status(policy, category, history, now)
    if status.stage is None or status.limit is None:
        return Decision(replace(stored, due_at=None, level="finished"), status)
    started = stage_started_at(history, status.stage)
    same_run = (stored.stage, stored.stage_started_at) == (status.stage, started)
    # A new stage, or a new run of one (返工), starts its holder's clock from zero.
    base = stored.escalated_elapsed if same_run else timedelta(0)
    warned_at = stored.warned_at if same_run else None
    fresh = Markers(None, "paused", status.stage, started, warned_at, base)
    if status.paused:
        return Decision(fresh, status)  # no due time, no warning, no escalation while paused
    return _running(policy, category, tier, history, fresh, status, now)


def _running(policy: SlaPolicy, category: str | None, tier: str, history: Sequence[Entry],
             fresh: Markers, status: SlaStatus, now: datetime) -> Decision:
    limit, elapsed, base = status.limit, status.elapsed, fresh.escalated_elapsed
    clock = policy.clock_for(category)
    escalate_to = next_tier(tier) if elapsed > base + limit else None
    if escalate_to is not None:
        # The new holder's clock starts now, on the same stage clock.
        due = deadline(clock, history, status.stage, elapsed + limit)
        markers = replace(fresh, due_at=due, level="ok", warned_at=None,
                          escalated_elapsed=elapsed)
        return Decision(markers, status, escalate_to=escalate_to)
    due = deadline(clock, history, status.stage, base + limit)
    if elapsed > base + limit:  # overdue at the city: nobody higher to ask
        return Decision(replace(fresh, due_at=due, level="overdue"), status)
    warning = elapsed - base >= limit * policy.warn_fraction
    warn = warning and fresh.warned_at is None
    markers = replace(fresh, due_at=due, level="warning" if warning else "ok",
                      warned_at=now if warn else fresh.warned_at)
    return Decision(markers, status, warn=warn)
