"""The SLA ticker's decision, pure: due times, one warning, one tier per overdue holder,
on a working-hours calendar with a weekend and the 2026 National Day holiday."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from alerts.sla.calendar import WorkingCalendar
from alerts.sla.clocks import Entry
from alerts.sla.escalation.deadline import deadline, stage_started_at
from alerts.sla.escalation.decision import Markers, decide
from alerts.sla.escalation.ticker import default_policy

SH = ZoneInfo("Asia/Shanghai")
POLICY = default_policy("Asia/Shanghai")  # default limits: dispatch 1 h, handle 16 h, warn at 80 %


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def confirmed(when: datetime) -> list[Entry]:
    return [Entry(when, "new"), Entry(when, "confirmed")]


def again(decision, history, now, tier="grid"):
    """The next tick: the markers the last one wrote come back from the database."""
    return decide(POLICY, None, tier, history, decision.markers, now)


def test_the_weekend_does_not_count_towards_the_dispatch_limit() -> None:
    case = confirmed(at(2026, 3, 6, 17, 30))  # a Friday; 30 min left that day
    friday = decide(POLICY, None, "grid", case, Markers(), at(2026, 3, 6, 17, 50))
    assert (friday.markers.level, friday.warn, friday.escalate_to) == ("ok", False, None)
    assert friday.markers.due_at == at(2026, 3, 9, 9, 30)  # Monday morning
    assert friday.markers.stage == "dispatch"
    sunday = again(friday, case, at(2026, 3, 8, 23))
    assert sunday.markers == friday.markers and not sunday.warn


def test_warned_once_at_80_percent_then_escalated_one_tier_when_overdue() -> None:
    case = confirmed(at(2026, 3, 6, 17, 30))
    warned = decide(POLICY, None, "grid", case, Markers(), at(2026, 3, 9, 9, 20))  # 50 min
    assert warned.warn and warned.markers.level == "warning"
    assert warned.markers.warned_at == at(2026, 3, 9, 9, 20)
    assert not again(warned, case, at(2026, 3, 9, 9, 25)).warn  # once
    overdue = again(warned, case, at(2026, 3, 9, 9, 31))
    assert overdue.escalate_to == "community" and not overdue.warn
    # The community gets the stage's full hour from now, and a warning of its own later.
    assert overdue.markers.due_at == at(2026, 3, 9, 10, 31)
    assert overdue.markers.level == "ok" and overdue.markers.warned_at is None


def test_a_second_look_at_the_same_moment_changes_nothing() -> None:
    case = confirmed(at(2026, 3, 6, 17, 30))
    first = decide(POLICY, None, "grid", case, Markers(), at(2026, 3, 9, 11))
    assert first.escalate_to == "community"
    second = again(first, case, at(2026, 3, 9, 11), tier="community")
    assert second.markers == first.markers
    assert (second.warn, second.escalate_to) == (False, None)


def test_each_tier_that_lets_the_limit_pass_hands_on_one_tier_up() -> None:
    case = confirmed(at(2026, 3, 9, 9))
    first = decide(POLICY, None, "grid", case, Markers(), at(2026, 3, 9, 10, 30))
    assert first.escalate_to == "community"
    later = again(first, case, at(2026, 3, 10, 9), tier="community")  # a day later
    assert later.escalate_to == "street"  # one tier per tick, however late


def test_national_day_holiday_is_not_counted() -> None:
    case = confirmed(at(2026, 9, 30, 17, 30))  # Wednesday before the holiday
    during = decide(POLICY, None, "grid", case, Markers(), at(2026, 10, 5, 12))
    assert during.markers.level == "ok" and during.escalate_to is None
    assert during.markers.due_at == at(2026, 10, 8, 9, 30)  # first working day after
    assert decide(POLICY, None, "grid", case, Markers(),
                  at(2026, 10, 8, 9, 31)).escalate_to == "community"


def test_the_clock_stands_still_while_extended_or_parked() -> None:
    case = [Entry(at(2026, 3, 9, 9), "new"), Entry(at(2026, 3, 9, 9), "confirmed"),
            Entry(at(2026, 3, 9, 9), "dispatched"), Entry(at(2026, 3, 9, 10), "in_progress"),
            Entry(at(2026, 3, 9, 11), "extended")]
    weeks_later = decide(POLICY, None, "grid", case, Markers(), at(2026, 4, 1, 10))
    assert weeks_later.markers.level == "paused" and weeks_later.markers.due_at is None
    assert (weeks_later.warn, weeks_later.escalate_to) == (False, None)
    parked = case[:-1] + [Entry(at(2026, 3, 9, 11), "parked")]
    assert decide(POLICY, None, "grid", parked, Markers(), at(2026, 4, 1)).escalate_to is None
    # Resumed on 1 April at 09:00: 2 h used, 14 h of the 16 left from then.
    resumed = case + [Entry(at(2026, 4, 1, 9), "in_progress")]
    status = decide(POLICY, None, "grid", resumed, Markers(), at(2026, 4, 1, 10))
    assert status.markers.due_at == at(2026, 4, 2, 16)
    assert stage_started_at(resumed, "handle") == at(2026, 3, 9, 9)


def test_a_new_stage_or_a_reopened_case_starts_its_markers_afresh() -> None:
    case = confirmed(at(2026, 3, 9, 9))
    escalated = decide(POLICY, None, "grid", case, Markers(), at(2026, 3, 9, 11))
    dispatched = case + [Entry(at(2026, 3, 9, 11, 30), "dispatched")]
    handling = again(escalated, dispatched, at(2026, 3, 9, 12), tier="community")
    assert handling.markers.stage == "handle"
    assert handling.markers.escalated_elapsed == timedelta(0) and handling.escalate_to is None


def test_overdue_at_the_city_stays_overdue_with_its_past_due_time() -> None:
    case = confirmed(at(2026, 3, 9, 9))
    status = decide(POLICY, None, "city", case, Markers(), at(2026, 3, 9, 11))
    assert status.escalate_to is None and status.markers.level == "overdue"
    assert status.markers.due_at == at(2026, 3, 9, 10)


def test_emergencies_run_around_the_clock() -> None:
    case = confirmed(at(2026, 10, 1, 2))  # 井盖破损: 15 min to dispatch, day and night
    status = decide(POLICY, "井盖破损", "grid", case, Markers(), at(2026, 10, 1, 2, 20))
    assert status.escalate_to == "community"
    assert status.markers.due_at == at(2026, 10, 1, 2, 35)


def test_deadline_of_a_past_budget_walks_the_stage_run() -> None:
    clock = POLICY.calendar
    case = confirmed(at(2026, 3, 6, 17, 30)) + [Entry(at(2026, 3, 9, 9), "returned")]
    assert deadline(clock, case, "dispatch", timedelta(hours=1)) == at(2026, 3, 9, 9, 30)
    paused = [Entry(at(2026, 3, 9, 9), "dispatched"), Entry(at(2026, 3, 9, 10), "extended")]
    assert deadline(clock, paused, "handle", timedelta(hours=2)) is None


def test_years_the_holiday_package_does_not_know_count_weekdays_with_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    # Today is late 2026: on 1 January the ticker must still run.
    calendar = WorkingCalendar("Asia/Shanghai", uncovered="weekdays")
    with caplog.at_level(logging.WARNING, logger="cityops.alerts.calendar"):
        assert calendar.is_working_day(date(2030, 1, 1))  # a Tuesday; no holiday known
        assert not calendar.is_working_day(date(2030, 1, 5))  # Saturday
        assert calendar.add(at(2030, 1, 4, 17, 30), timedelta(hours=1)) == at(2030, 1, 7, 9, 30)
    assert sum("does not cover" in r.message for r in caplog.records) == 1
    case = confirmed(at(2030, 1, 4, 17, 30))
    status = decide(POLICY, None, "grid", case, Markers(), at(2030, 1, 7, 9, 40))
    assert status.escalate_to == "community"
    with pytest.raises(ValueError, match="uncovered"):
        WorkingCalendar("Asia/Shanghai", uncovered="guess")
