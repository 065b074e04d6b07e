"""SLA clocks: how long each stage of a case may take, and where a case stands now.

Limits are data per category and stage. A stage's clock starts when the case enters the
stage and stands still while the case is extended (延期) or parked (挂账); a reopened
case (返工) starts a fresh handling clock. Everything here is a pure function of the
case's state history, so the engine, the API and the tests compute the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alerts.cases.states import FINISHED, PAUSED
from alerts.sla.calendar import AroundTheClock, Clock, WorkingCalendar

STAGES: dict[str, str] = {
    "accept": "受理",   # new: decide to open a case (立案) or not
    "dispatch": "派遣",  # confirmed or returned: send it to a handling unit
    "handle": "处置",    # dispatched or in progress: fix the problem
    "verify": "核查",    # handled: check the fix on site
}

STAGE_OF: dict[str, str] = {
    "new": "accept",
    "confirmed": "dispatch",
    "returned": "dispatch",
    "dispatched": "handle",
    "in_progress": "handle",
    "handled": "verify",
}


@dataclass(frozen=True)
class Limits:
    """Time allowed per stage; `around_the_clock` for emergencies, else working hours."""

    hours: Mapping[str, float]
    around_the_clock: bool = False

    def limit(self, stage: str) -> timedelta:
        return timedelta(hours=self.hours[stage])


def _limits(accept: float, dispatch: float, handle: float, verify: float,
            around_the_clock: bool = False) -> Limits:
    return Limits({"accept": accept, "dispatch": dispatch, "handle": handle,
                   "verify": verify}, around_the_clock)


# Categories are the 小类 of the urban-management standard, as sim/incidents.py uses them.
# Emergencies that endanger people run day and night.
DEFAULT_LIMITS = _limits(accept=1, dispatch=1, handle=16, verify=4)
CATEGORY_LIMITS: dict[str, Limits] = {
    "暴露垃圾": _limits(0.5, 0.5, 4, 2),
    "占道经营": _limits(0.5, 0.5, 4, 2),
    "非法小广告": _limits(1, 1, 8, 4),
    "施工扰民": _limits(0.5, 0.5, 4, 2),
    "路灯不亮": _limits(1, 1, 24, 4),
    "道路破损": _limits(1, 1, 40, 8),
    "路面积水": _limits(0.25, 0.25, 2, 1, around_the_clock=True),
    "路面塌陷": _limits(0.25, 0.25, 2, 1, around_the_clock=True),
    "井盖破损": _limits(0.25, 0.25, 2, 1, around_the_clock=True),
    "交通信号灯故障": _limits(0.25, 0.25, 2, 1, around_the_clock=True),
}


@dataclass(frozen=True)
class Entry:
    """The case entered `state` at `at` (from the to_state of its events)."""

    at: datetime
    state: str


@dataclass(frozen=True)
class SlaStatus:
    stage: str | None
    limit: timedelta | None = None
    elapsed: timedelta = timedelta(0)
    paused: bool = False
    due_at: datetime | None = None
    warn_at: datetime | None = None
    level: str = "ok"  # ok | warning | overdue; "finished" once the case is done

    @property
    def remaining(self) -> timedelta | None:
        return None if self.limit is None else self.limit - self.elapsed


@dataclass(frozen=True)
class SlaPolicy:
    calendar: WorkingCalendar
    limits: Mapping[str, Limits] = field(default_factory=lambda: dict(CATEGORY_LIMITS))
    default: Limits = DEFAULT_LIMITS
    warn_fraction: float = 0.8

    def limits_for(self, category: str | None) -> Limits:
        return self.limits.get(category or "", self.default)

    def clock_for(self, category: str | None) -> Clock:
        return AroundTheClock() if self.limits_for(category).around_the_clock else self.calendar


def current_stage(history: Sequence[Entry]) -> str | None:
    """The stage the case is in; a paused case stays in the stage it paused from."""
    for entry in reversed(history):
        if entry.state not in PAUSED:
            return STAGE_OF.get(entry.state)
    raise ValueError("a case history must start with an unpaused state such as new")


def stage_elapsed(clock: Clock, history: Sequence[Entry], stage: str,
                  now: datetime) -> timedelta:
    """Clock time spent in `stage` since the case last came into it, pauses excluded."""
    ends = [entry.at for entry in history[1:]] + [now]
    total = timedelta(0)
    for entry, end in reversed(list(zip(history, ends, strict=True))):
        if entry.state in PAUSED:
            continue
        if STAGE_OF.get(entry.state) != stage:
            break
        total += clock.working_time(entry.at, end)
    return total


def sla_status(policy: SlaPolicy, category: str | None, history: Sequence[Entry],
               now: datetime) -> SlaStatus:
    """Where the case stands against its current stage's limit at `now`."""
    if not history:
        raise ValueError("a case history needs at least its opening entry")
    if history[-1].state in FINISHED:
        return SlaStatus(stage=None, level="finished")
    stage = current_stage(history)
    clock = policy.clock_for(category)
    limit = policy.limits_for(category).limit(stage)
    warn = limit * policy.warn_fraction
    elapsed = stage_elapsed(clock, history, stage, now)
    paused = history[-1].state in PAUSED
    level = "overdue" if elapsed > limit else "warning" if elapsed >= warn else "ok"
    # A stopped clock has no due time: it depends on when the pause ends.
    due_at = clock.add(now, limit - elapsed) if not paused and elapsed <= limit else None
    warn_at = clock.add(now, warn - elapsed) if not paused and elapsed < warn else None
    return SlaStatus(stage, limit, elapsed, paused, due_at, warn_at, level)
