"""Merging, pure: which open case a report joins (distance, time window, problem)."""

from __future__ import annotations

from alerts.cases.grouping.categories import incident_category, problem, same_problem
from alerts.cases.grouping.facts import facts_of
from alerts.cases.grouping.policy import Candidate, MergePolicy, Report, distance_m, nearest
from alerts.cases.grouping.reports import report_signal
from alerts.rules.evaluate.events import Areas, IncidentEvent

LON, LAT = 121.4737, 31.2304       # 人民广场
METRE_LON = 1 / (111_320 * 0.8556)  # one metre east at 31.23° N, in degrees


def case(alert_id: int, east_m: float = 0.0, last_seen: float = 0.0,
         grid: str | None = "g1") -> Candidate:
    return Candidate(alert_id, 1, last_seen, LON + east_m * METRE_LON, LAT, grid)


def test_distance_is_metres_on_the_ground() -> None:
    assert abs(distance_m(LON, LAT, LON + 100 * METRE_LON, LAT) - 100) < 1


def test_a_report_across_the_road_merges_a_kilometre_away_does_not() -> None:
    report = Report(60.0, LON, LAT, "g1")
    assert nearest(report, [case(1, east_m=40)]).alert_id == 1
    assert nearest(report, [case(1, east_m=1000)]) is None


def test_the_nearest_case_wins_then_the_most_recent() -> None:
    report = Report(600.0, LON, LAT, "g1")
    assert nearest(report, [case(1, 120), case(2, 30), case(3, 90)]).alert_id == 2
    assert nearest(report, [case(1, 30, last_seen=10), case(2, 30, last_seen=500)]).alert_id == 2


def test_outside_the_time_window_is_a_new_problem() -> None:
    policy = MergePolicy(distance_m=150, window_s=7200)
    assert nearest(Report(7300.0, LON, LAT, "g1"), [case(1)], policy) is None
    assert nearest(Report(7100.0, LON, LAT, "g1"), [case(1)], policy).alert_id == 1


def test_without_a_point_the_same_grid_cell_is_the_place() -> None:
    assert nearest(Report(0.0, None, None, "g1"), [case(1, 5000, grid="g1")]).alert_id == 1
    assert nearest(Report(0.0, None, None, "g2"), [case(1, grid="g1")]) is None
    assert nearest(Report(0.0, None, None, None), [case(1, grid=None)]) is None


def test_sensor_rule_categories_meet_incident_subcategories() -> None:
    assert incident_category("公用设施", "井盖破损") == "井盖破损"
    assert incident_category("其他", None) == "其他"
    assert problem("下立交积水") == problem("路面积水") == "路面积水"
    assert set(same_problem("路面积水")) >= {"路面积水", "下立交积水"}
    assert same_problem("设备离线") == ["设备离线"]
    assert same_problem(None) == []


def test_an_incident_is_a_report_signal_keyed_by_its_source() -> None:
    ev = IncidentEvent(100.0, "hotline", "12345-1", "公用设施", "井盖破损",
                       Areas("g1", "c1", "s1", "310101"), LON, LAT)
    sig = report_signal(ev)
    assert (sig.action, sig.fingerprint, sig.category) == ("report", "hotline:12345-1",
                                                           "井盖破损")
    facts = facts_of(sig)
    assert (facts.kind, facts.source, facts.rule_id) == ("hotline", "hotline", None)
    assert facts.areas == ("g1", "c1", "s1", "310101")
