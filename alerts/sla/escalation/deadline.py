"""When a stage's clock reaches a given amount of time: the due moment of a case, even a past
one. Pure, like alerts/sla/clocks.py, whose rules (pauses, fresh runs) it follows exactly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from alerts.cases.states import PAUSED
from alerts.sla.calendar import Clock
from alerts.sla.clocks import STAGE_OF, Entry

Segment = tuple[datetime, datetime | None]  # the clock runs from start to end (None: now on)


def stage_run(history: Sequence[Entry], stage: str) -> list[Segment]:
    """The running stretches of the current run of `stage`, oldest first, pauses left out."""
    ends: list[datetime | None] = [entry.at for entry in history[1:]] + [None]
    run: list[Segment] = []
    for entry, end in reversed(list(zip(history, ends, strict=True))):
        if entry.state in PAUSED:
            continue
        if STAGE_OF.get(entry.state) != stage:
            break
        run.append((entry.at, end))
    run.reverse()
    return run


def stage_started_at(history: Sequence[Entry], stage: str) -> datetime | None:
    """When the current run of `stage` began: it names the run the ticker's markers belong to."""
    run = stage_run(history, stage)
    return run[0][0] if run else None


def deadline(clock: Clock, history: Sequence[Entry], stage: str,
             budget: timedelta) -> datetime | None:
    """The moment the stage's clock reaches `budget`; None if it is paused short of it."""
    used = timedelta(0)
    for start, end in stage_run(history, stage):
        if end is None:
            return clock.add(start, budget - used)
        span = clock.working_time(start, end)
        if used + span >= budget:
            return clock.add(start, budget - used)
        used += span
    return None
