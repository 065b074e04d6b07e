"""SLA clocks per stage: limits, pauses, reopening, warnings, emergencies and escalation."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from alerts.cases.tiers import TIERS, next_tier
from alerts.sla.calendar import WorkingCalendar
from alerts.sla.clocks import Entry, SlaPolicy, current_stage, sla_status

SH = ZoneInfo("Asia/Shanghai")
POLICY = SlaPolicy(WorkingCalendar("Asia/Shanghai"))


def at(d: int, hh: int, mm: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, d, hh, mm, tzinfo=SH)


def history(*steps: tuple[datetime, str]) -> list[Entry]:
    return [Entry(when, state) for when, state in steps]


def test_handling_clock_runs_in_working_hours_and_warns_at_80_percent() -> None:
    # Default limits: 16 working hours to handle. Dispatched Wednesday 09:00.
    case = history((at(4, 8), "new"), (at(4, 8, 30), "confirmed"), (at(4, 9), "dispatched"))
    status = sla_status(POLICY, "unknown category", case, at(4, 10))
    assert status.stage == "handle" and status.level == "ok"
    assert status.elapsed == timedelta(hours=1)
    assert status.due_at == at(5, 18)
    assert status.warn_at == at(5, 14, 48)  # 12.8 h of the 16


def test_warning_then_overdue_over_a_weekend() -> None:
    case = history((at(5, 9), "new"), (at(5, 9), "confirmed"), (at(5, 9), "dispatched"))
    friday = sla_status(POLICY, None, case, at(6, 16))   # 8 h Thursday + 6 h Friday
    assert friday.level == "warning" and friday.warn_at is None
    assert friday.due_at == at(6, 18)
    monday = sla_status(POLICY, None, case, at(9, 10))   # Saturday and Sunday do not count
    assert monday.level == "overdue"
    assert monday.remaining == -timedelta(hours=1) and monday.due_at is None


def test_clock_stands_still_while_extended_or_parked() -> None:
    case = history((at(4, 9), "new"), (at(4, 9), "confirmed"), (at(4, 9), "dispatched"),
                   (at(4, 10), "in_progress"), (at(4, 11), "extended"),
                   (at(10, 11), "in_progress"), (at(10, 14), "parked"))
    paused = sla_status(POLICY, None, case, at(20, 9))
    assert paused.paused and paused.stage == "handle"
    assert paused.elapsed == timedelta(hours=4)  # 09-11 on the 4th, 11-12 and 13-14 on 10th
    assert paused.due_at is None and paused.warn_at is None
    resumed = case + [Entry(at(23, 9), "dispatched")]
    assert sla_status(POLICY, None, resumed, at(23, 10)).elapsed == timedelta(hours=5)


def test_reopened_case_gets_a_fresh_handling_clock() -> None:
    case = history((at(4, 9), "new"), (at(4, 9), "confirmed"), (at(4, 9), "dispatched"),
                   (at(5, 9), "handled"), (at(5, 10), "dispatched"))
    status = sla_status(POLICY, None, case, at(5, 11))
    assert status.stage == "handle" and status.elapsed == timedelta(hours=1)


def test_each_stage_has_its_own_limit() -> None:
    case = history((at(4, 9), "new"))
    assert sla_status(POLICY, "暴露垃圾", case, at(4, 9, 10)).limit == timedelta(minutes=30)
    case.append(Entry(at(4, 9, 10), "confirmed"))
    status = sla_status(POLICY, "暴露垃圾", case, at(4, 9, 20))
    assert status.stage == "dispatch" and status.elapsed == timedelta(minutes=10)
    assert status.level == "ok" and status.due_at == at(4, 9, 40)


def test_emergencies_run_around_the_clock_through_a_holiday() -> None:
    case = history((at(1, 22, month=10), "new"), (at(1, 22, month=10), "confirmed"),
                   (at(1, 22, month=10), "dispatched"))
    status = sla_status(POLICY, "路面积水", case, at(1, 23, month=10))
    assert status.elapsed == timedelta(hours=1)
    assert status.due_at == at(2, 0, month=10)
    office = sla_status(POLICY, "暴露垃圾", case, at(1, 23, month=10))
    assert office.elapsed == timedelta(0)  # a holiday night is no working time


def test_finished_cases_have_no_clock() -> None:
    case = history((at(4, 9), "new"), (at(4, 10), "rejected"))
    assert sla_status(POLICY, None, case, at(9, 9)).level == "finished"
    with pytest.raises(ValueError):
        current_stage([Entry(at(4, 9), "parked")])


def test_escalation_climbs_one_tier_at_a_time() -> None:
    assert [next_tier(t) for t in TIERS] == ["community", "street", "district", "city", None]
    with pytest.raises(ValueError, match="grid → community"):
        next_tier("province")
