"""The wall's pure parts: KPI arithmetic, tile texts, the trend and ticker patches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dash import Patch

from dashboard.wall import ticker, trend, vitals
from dashboard.wall.screen import screen_scale
from screens.wall.cases import FlowTimes, OpenCases
from screens.wall.city import DeviceCounts, Trend, share, today_by_source
from screens.wall.city import trend as hourly_trend

SHANGHAI = ZoneInfo("Asia/Shanghai")

# 2025-05-10 09:30 in Shanghai; the city's midnight is 2025-05-09 16:00 UTC.
NOW = datetime(2025, 5, 10, 1, 30, tzinfo=UTC)


def operations(patch: Patch) -> list[dict]:
    return patch.to_plotly_json()["operations"]


def hour(h: int) -> datetime:
    return datetime(2025, 5, 10, 1, tzinfo=UTC) - timedelta(hours=h)


def test_shares_and_rates_have_no_value_without_a_denominator() -> None:
    assert share(3, 4) == 0.75 and share(0, 0) is None
    assert DeviceCounts(0, 0).share is None
    assert FlowTimes(0, None, 0, None, 0).on_time_rate is None
    assert FlowTimes(5, 60.0, 4, 3600.0, 3).on_time_rate == 0.75
    assert OpenCases({"critical": 2, "major": 1, "minor": 0, "info": 4}, 1).total == 7


def test_todays_incidents_start_at_the_citys_midnight() -> None:
    hourly = {(hour(0), "hotline"): 5, (hour(9), "patrol"): 2,   # 16:00 UTC: midnight
              (hour(10), "hotline"): 7}                        # 23:00 the day before
    assert today_by_source(hourly, NOW, SHANGHAI) == {"hotline": 5, "patrol": 2, "sensor": 0,
                                            "other": 0}


def test_the_trend_lines_up_each_hour_with_the_same_hour_a_day_earlier() -> None:
    hourly = {(hour(0), "hotline"): 5, (hour(0), "sensor"): 1, (hour(24), "patrol"): 3,
              (hour(23), "other"): 2, (hour(47), "other"): 9}
    found = hourly_trend(hourly, NOW)
    assert len(found.hours) == 24 and found.hours[-1] == hour(0)
    assert found.today[-1] == 6 and found.yesterday[-1] == 3
    assert found.today[0] == 2 and found.yesterday[0] == 9


def numbers(online: int = 90, critical: int = 2, hotline: int = 10) -> vitals.Vitals:
    return vitals.Vitals(DeviceCounts(online, 100),
                         OpenCases({"critical": critical, "major": 3, "minor": 4, "info": 1}, 2),
                         FlowTimes(10, 600.0, 8, 7200.0, 6),
                         {"hotline": hotline, "patrol": 1, "sensor": 0, "other": 0})


def test_tile_texts_in_both_languages() -> None:
    zh = vitals.texts("zh-CN", numbers())
    assert zh["value-devices_online"] == "90.0%"
    assert zh["note-devices_online"] == "90 / 100 台在线"
    assert zh["value-open_cases"] == "10" and zh["value-sev-critical"] == "2"
    assert zh["value-dispatch_time"] == "10分钟" and zh["value-close_time"] == "2小时0分"
    assert zh["value-on_time"] == "75.0%" and zh["value-incidents_today"] == "11"
    en = vitals.texts("en", numbers())
    assert en["value-close_time"] == "2 h 0 min" and en["note-on_time"].startswith("8 closed")
    assert list(zh) == list(vitals.TEXT_IDS)


def test_a_refresh_sends_only_the_texts_that_changed() -> None:
    before = vitals.texts("zh-CN", numbers())
    after = vitals.texts("zh-CN", numbers(online=91))
    assert vitals.changed_texts(before, after) == {"value-devices_online": "91.0%",
                                                   "note-devices_online": "91 / 100 台在线"}
    assert vitals.changed_texts(after, after) == {}


def series(last: int, first: datetime | None = None) -> Trend:
    first = first or hour(23)
    hours = tuple(first + timedelta(hours=k) for k in range(24))
    return Trend(hours, tuple([1] * 23 + [last]), tuple([2] * 24))


def test_the_trend_patches_the_current_hour_and_redraws_on_a_new_hour() -> None:
    old = trend.memory(series(4))
    patch, whole = trend.refresh(series(5), old, "zh-CN", 1.0)
    assert whole is None
    assert [op["location"] for op in operations(patch)] == [["data", 1, "y", 23]]
    assert trend.refresh(series(4), old, "zh-CN", 1.0) == (None, None)
    figure, memory = trend.refresh(series(0, hour(22)), old, "zh-CN", 1.0)
    assert isinstance(figure, dict) and memory["first"] == hour(22).isoformat()
    assert trend.hour_labels(series(1))[-1] == "09:00"


def case(case_id: int) -> dict:
    return {"id": case_id, "title": f"案件{case_id}", "severity": "major",
            "opened_at": NOW, "place_zh": "外滩街道", "place_en": "Waitan"}


def test_the_ticker_pushes_new_cases_in_at_the_top() -> None:
    shown = [5, 4, 3, 2]
    patch = ticker.refresh("zh-CN", [case(7), case(6), case(5), case(4)], shown)
    kinds = [(op["operation"], op["location"]) for op in operations(patch)]
    assert kinds == [("Prepend", []), ("Prepend", []), ("Delete", [5]), ("Delete", [4])]
    first = operations(patch)[1]["params"]["value"]
    assert "案件7" in str(first)  # the newest ends on top
    assert ticker.refresh("zh-CN", [case(5), case(4), case(3), case(2)], shown) is None
    reordered = ticker.refresh("zh-CN", [case(2), case(5)], shown)
    assert isinstance(reordered, list) and len(reordered) == 2


def test_the_scale_follows_the_screen_width() -> None:
    assert screen_scale(1920) == 1.0 and screen_scale(3840) == 2.0
    assert screen_scale(1366) == 1.0 and screen_scale(None) == 1.0
    assert screen_scale(20000) == 3.0
