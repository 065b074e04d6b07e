"""Every rule kind fires once when its condition starts, never per sample, and clears."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from alerts.rules import load_folder
from alerts.rules.evaluate import Areas, Evaluator, IncidentEvent, ReadingEvent

T0 = 1_790_000_000.0
GRID = Areas("g1", "c1", "s1", "d1")
OTHER_GRID = Areas("g2", "c1", "s1", "d1")

RULES = """\
rules:
  - id: low-pressure
    kind: threshold
    name: {zh: 压力过低, en: Pressure low}
    category: 供水管网异常
    severity: major
    match: {device_kind: water_main, metric: pressure_kpa}
    params: {op: "<=", value: 150, for: 2m, clear: 200}
    auto_resolve: true
  - id: river-rise
    kind: rate
    name: {zh: 水位快涨, en: River rising}
    category: 河道水位超警戒
    severity: major
    match: {device_kind: gauge, device_type: river_gauge, metric: level_m}
    params: {rise: 1.0, within: 30m}
    auto_resolve: true
  - id: offline
    kind: absence
    name: {zh: 离线, en: Offline}
    category: 设备离线
    severity: minor
    match: {device_kind: water_main}
    params: {after: 10m}
    auto_resolve: true
  - id: cluster
    kind: count
    name: {zh: 投诉聚集, en: Complaint cluster}
    category: 投诉聚集
    severity: major
    match: {source: hotline}
    params: {count: 3, within: 1h, per: grid, by: subcategory}
  - id: cover-reported
    kind: count
    name: {zh: 井盖上报, en: Cover reported}
    category: 井盖破损
    severity: major
    match: {subcategory: 井盖破损}
    params: {count: 1, within: 40m}
    opens_case: false
  - id: cover-tilted
    kind: threshold
    name: {zh: 井盖倾斜, en: Cover tilted}
    category: 井盖破损
    severity: major
    match: {device_kind: manhole, metric: tilt_deg}
    params: {op: ">=", value: 10}
  - id: cover-confirmed
    kind: composite
    name: {zh: 井盖确认, en: Cover confirmed}
    category: 井盖破损
    severity: critical
    params: {all: [cover-tilted, cover-reported], within: 40m}
  - id: bund
    kind: geofence
    name: {zh: 外滩违建, en: Bund building}
    category: 违章搭建
    severity: major
    match: {subcategory: 违章搭建}
    params:
      quiet: 1h
      zones:
        - {name: bund, points: [[121.48, 31.23], [121.50, 31.23], [121.50, 31.25],
                                [121.48, 31.25]]}
"""


@pytest.fixture
def ev(tmp_path: Path) -> Evaluator:
    (tmp_path / "r.yaml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    return Evaluator(load_folder(tmp_path))


def pressure(t: float, value: float, device: str = "wm-1") -> ReadingEvent:
    return ReadingEvent(T0 + t, device, "pressure_kpa", value, "water_main", GRID)


def call(t: float, sub: str = "暴露垃圾", areas: Areas = GRID, source: str = "hotline",
         lon: float = 121.40, lat: float = 31.20) -> IncidentEvent:
    return IncidentEvent(T0 + t, source, f"{source}-{t}", "市容环境", sub, areas, lon, lat)


def actions(signals) -> list[tuple[str, str]]:
    return [(s.action, s.fingerprint) for s in signals]


def feed(ev: Evaluator, events) -> list:
    found = []
    for e in events:
        found += ev.reading(e) if isinstance(e, ReadingEvent) else ev.incident(e)
    return found


def test_threshold_fires_once_after_the_hold_and_clears_past_the_clear_level(ev) -> None:
    assert feed(ev, [pressure(t, 300) for t in range(0, 60, 10)]) == []
    assert feed(ev, [pressure(60 + t, 120) for t in range(0, 120, 10)]) == []  # 110 s held
    fired = feed(ev, [pressure(180, 120)])  # 120 s: the hold is complete
    assert actions(fired) == [("fire", "low-pressure|wm-1")]
    assert fired[0].at == T0 + 180 and fired[0].areas == GRID
    assert feed(ev, [pressure(190 + t, 130) for t in range(0, 300, 10)]) == []
    assert feed(ev, [pressure(500, 180)]) == []  # above the trigger, below the clear level
    assert actions(feed(ev, [pressure(510, 250)])) == [("clear", "low-pressure|wm-1")]


def test_a_broken_hold_starts_the_timer_again(ev) -> None:
    events = [pressure(0, 120), pressure(100, 120), pressure(110, 300), pressure(120, 120),
              pressure(230, 120)]
    assert feed(ev, events) == []
    assert actions(feed(ev, [pressure(240, 120)])) == [("fire", "low-pressure|wm-1")]


def test_devices_have_their_own_timers(ev) -> None:
    feed(ev, [pressure(0, 120, "wm-1"), pressure(60, 120, "wm-2")])
    assert actions(feed(ev, [pressure(120, 120, "wm-1"), pressure(120, 120, "wm-2")])) == \
        [("fire", "low-pressure|wm-1")]


def river(t: float, value: float, kind_type: str = "river_gauge") -> ReadingEvent:
    return ReadingEvent(T0 + t, "rg-1", "level_m", value, "gauge", GRID, kind_type)


def test_rate_fires_when_the_rise_within_the_window_reaches_the_trigger(ev) -> None:
    climb = [river(60 * m, 3.0 + 0.05 * m) for m in range(20)]  # +0.95 m in 19 min
    assert feed(ev, climb) == []
    fired = feed(ev, [river(60 * 20, 4.0)])
    assert actions(fired) == [("fire", "river-rise|rg-1")]
    assert fired[0].detail["change"] == pytest.approx(1.0)
    plateau = [river(60 * m, 4.0) for m in range(21, 41)]
    assert feed(ev, plateau) == []  # the window still holds a rise of half the trigger
    assert actions(feed(ev, [river(60 * 41, 4.0)])) == [("clear", "river-rise|rg-1")]


def test_rate_ignores_a_slow_rise_and_other_device_types(ev) -> None:
    slow = [river(600 * m, 3.0 + 0.1 * m) for m in range(20)]  # 2 m over 3 hours
    assert feed(ev, slow) == []
    fast_underpass = [river(60 * m, 0.1 * m, "underpass_gauge") for m in range(20)]
    assert feed(ev, fast_underpass) == []


def test_absence_fires_on_the_tick_after_the_silence_and_clears_on_the_next_reading(ev) -> None:
    feed(ev, [pressure(0, 300)])
    assert ev.tick(T0 + 599) == []
    fired = ev.tick(T0 + 600)
    assert actions(fired) == [("fire", "offline|wm-1")] and fired[0].areas == GRID
    assert ev.tick(T0 + 900) == []
    assert actions(feed(ev, [pressure(901, 300)])) == [("clear", "offline|wm-1")]
    assert ev.tick(T0 + 1000) == []


def test_count_fires_at_the_third_call_of_one_category_in_one_grid(ev) -> None:
    noise = [call(0), call(60, "占道经营"), call(120, areas=OTHER_GRID)]
    assert feed(ev, noise) == []
    assert feed(ev, [call(600)]) == []
    fired = feed(ev, [call(1200)])
    assert actions(fired) == [("fire", "cluster|g1|暴露垃圾")]
    assert fired[0].category == "暴露垃圾"
    assert feed(ev, [call(1300), call(1400)]) == []  # the same cluster growing
    assert ev.tick(T0 + 1200 + 3599) == []  # 1200, 1300, 1400 still in the window
    assert actions(ev.tick(T0 + 1200 + 3600)) == [("clear", "cluster|g1|暴露垃圾")]


def test_the_same_call_sent_again_counts_once(ev) -> None:
    # A closed 12345 call comes back with the caller's rating: same source id, same
    # reported_at. It is not a second call, so two calls and a rating are no cluster.
    assert feed(ev, [call(0), call(600), call(0)]) == []
    fired = feed(ev, [call(1200)])
    assert actions(fired) == [("fire", "cluster|g1|暴露垃圾")]
    assert fired[0].detail == {"count": 3, "source_id": "hotline-1200"}


def test_a_late_call_from_before_the_window_does_not_complete_a_cluster(ev) -> None:
    assert feed(ev, [call(4000), call(4100)]) == []
    assert feed(ev, [call(100)]) == []  # 4100 - 100 > 1 h: not in the same window


def test_calls_arriving_out_of_order_fire_at_the_third_call_in_time(ev) -> None:
    # Incidents come from several partitions: the call that completes the count on arrival
    # (1200) may be older than one already seen (1300). The cluster exists from 1300.
    assert feed(ev, [call(0), call(1300)]) == []
    fired = feed(ev, [call(1200)])
    assert actions(fired) == [("fire", "cluster|g1|暴露垃圾")]
    assert fired[0].at == T0 + 1300
    assert fired[0].detail == {"count": 3, "source_id": "hotline-1200"}  # the trigger


def test_a_cluster_that_ended_between_ticks_fires_again_at_the_next_call(ev) -> None:
    # 0, 600, 1200 fire; at 3600 the first leaves the window (2 left): that episode is
    # over, though no tick ran. 3700 makes three again: a new episode.
    assert actions(feed(ev, [call(0), call(600), call(1200)])) == [
        ("fire", "cluster|g1|暴露垃圾")]
    fired = feed(ev, [call(3700)])
    assert actions(fired) == [("fire", "cluster|g1|暴露垃圾")]
    assert fired[0].at == T0 + 3700


def test_a_call_after_the_window_emptied_clears_without_a_tick(ev) -> None:
    assert len(feed(ev, [call(0), call(600), call(1200)])) == 1
    cleared = feed(ev, [call(9000)])
    assert actions(cleared) == [("clear", "cluster|g1|暴露垃圾")]
    assert cleared[0].at == T0 + 3600  # when the first of the three left the window
    assert ev.tick(T0 + 9001) == []    # nothing left to clear


def test_calls_spread_over_more_than_the_window_do_not_fire(ev) -> None:
    assert feed(ev, [call(0), call(2000), call(4000), call(6000)]) == []


def test_composite_fires_when_sensor_and_report_agree_in_one_grid(ev) -> None:
    tilt = ReadingEvent(T0, "mh-1", "tilt_deg", 25.0, "manhole", GRID)
    first = feed(ev, [tilt])
    assert actions(first) == [("fire", "cover-tilted|mh-1")]
    elsewhere = feed(ev, [call(300, "井盖破损", OTHER_GRID, "patrol")])
    assert actions(elsewhere) == [("fire", "cover-reported|g2")]
    both = feed(ev, [call(600, "井盖破损", GRID, "hotline")])
    assert actions(both) == [("fire", "cover-reported|g1"), ("fire", "cover-confirmed|g1")]
    assert not both[0].rule.opens_case
    assert feed(ev, [call(700, "井盖破损", GRID, "patrol")]) == []
    cleared = actions(ev.tick(T0 + 700 + 2400))
    assert ("clear", "cover-confirmed|g1") in cleared


def test_composite_needs_its_parts_within_the_window(ev) -> None:
    feed(ev, [ReadingEvent(T0, "mh-1", "tilt_deg", 25.0, "manhole", GRID)])
    late = feed(ev, [call(3000, "井盖破损", GRID, "hotline")])
    assert actions(late) == [("fire", "cover-reported|g1")]


def test_geofence_fires_for_the_first_report_inside_and_clears_when_quiet(ev) -> None:
    assert feed(ev, [call(0, "违章搭建", source="patrol", lon=121.40, lat=31.20)]) == []  # outside
    fired = feed(ev, [call(10, "违章搭建", source="patrol", lon=121.49, lat=31.24)])
    assert actions(fired) == [("fire", "bund|bund|g1")]
    assert feed(ev, [call(600, "违章搭建", source="patrol", lon=121.49, lat=31.245)]) == []
    assert ev.tick(T0 + 600 + 3599) == []
    assert actions(ev.tick(T0 + 600 + 3600)) == [("clear", "bund|bund|g1")]


def test_snapshot_is_json_and_restore_continues_the_hold(ev, tmp_path: Path) -> None:
    feed(ev, [pressure(0, 120), pressure(60, 120), call(0), call(60)])
    saved = json.loads(json.dumps(ev.snapshot()))
    again = Evaluator(load_folder(tmp_path))
    again.restore(saved)
    assert actions(feed(again, [pressure(120, 120)])) == [("fire", "low-pressure|wm-1")]
    assert actions(feed(again, [call(120)])) == [("fire", "cluster|g1|暴露垃圾")]
    assert actions(again.tick(T0 + 120 + 599)) == []
    assert actions(again.tick(T0 + 120 + 600)) == [("fire", "offline|wm-1")]


def test_a_restored_alert_does_not_fire_again(ev, tmp_path: Path) -> None:
    fired = feed(ev, [pressure(0, 120), pressure(120, 120)])
    assert len(fired) == 1
    again = Evaluator(load_folder(tmp_path))
    again.restore(json.loads(json.dumps(ev.snapshot())))
    assert feed(again, [pressure(130 + t, 120) for t in range(0, 600, 10)]) == []
    assert actions(feed(again, [pressure(800, 300)])) == [("clear", "low-pressure|wm-1")]
