"""The daily summary's KPI comparisons and its plain-language paragraph (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.summary.kpis import Kpi, build_kpis
from dashboard.summary.paragraph import what_changed
from dashboard.summary.wording import change_text, value_text

DAY = date(2025, 5, 10)


def row(day: date, new: int, closed: int = 0, on_time: int = 0, dispatch: float | None = None,
        close: float | None = None, overdue: int = 0) -> dict:
    return {"day": day, "new_cases": new, "closed_cases": closed, "closed_on_time": on_time,
            "dispatch_seconds": dispatch, "close_seconds": close, "overdue_open": overdue}


def before(days: int) -> date:
    return date.fromordinal(DAY.toordinal() - days)


def week_of_rows() -> list[dict]:
    """A week of 118 new cases a day, then 118 the day before and 132 on DAY."""
    rows = [row(before(n), 118, 100, 95, 600, 3600 * 5, 5) for n in range(7, 1, -1)]
    rows.append(row(before(1), 118, 100, 93, 600, 3600 * 5, 11))
    rows.append(row(DAY, 132, 120, 109, 720, 3600 * 5 + 180, 8))
    return rows


def incidents() -> dict:
    counts = {before(n): {"hotline": 70, "patrol": 20} for n in range(7, 0, -1)}
    counts[DAY] = {"hotline": 80, "patrol": 30, "sensor": 22}
    return counts


def kpis() -> dict[str, Kpi]:
    return {k.key: k for k in build_kpis(week_of_rows(), incidents(), DAY)}


def test_counts_compare_with_the_day_before_and_the_week_before() -> None:
    new = kpis()["new_cases"]
    assert (new.value, new.previous, new.week_mean) == (132, 118, 118)
    assert new.change() == pytest.approx(14 / 118)
    assert new.change_vs_week() == pytest.approx(14 / 118)
    assert new.tone() == "neutral"  # more cases is neither good nor bad news by itself


def test_the_on_time_rate_pools_the_week_and_changes_in_points() -> None:
    rate = kpis()["on_time_rate"]
    assert rate.value == pytest.approx(109 / 120)
    assert rate.previous == pytest.approx(0.93)
    assert rate.week_mean == pytest.approx((95 * 6 + 93) / 700)
    assert rate.change() == pytest.approx(109 / 120 - 0.93)
    assert rate.tone() == "bad"


def test_fewer_overdue_cases_read_as_good_news() -> None:
    overdue = kpis()["overdue_open"]
    assert (overdue.value, overdue.previous) == (8, 11)
    assert overdue.tone() == "good"


def test_incidents_by_source_only_for_sources_seen_that_week() -> None:
    found = kpis()
    assert found["incidents"].value == 132
    assert found["source_sensor"].value == 22 and found["source_sensor"].previous == 0
    assert "source_other" not in found


def test_a_missing_day_counts_as_an_empty_day() -> None:
    found = {k.key: k for k in build_kpis([row(DAY, 5)], {}, DAY)}
    assert found["new_cases"].previous == 0
    assert found["new_cases"].change() is None  # from nothing: no percentage
    assert found["on_time_rate"].value is None
    assert found["dispatch_seconds"].week_mean is None


def test_values_and_changes_are_written_the_readers_way() -> None:
    found = kpis()
    assert value_text("zh-CN", "seconds", 3600 * 5 + 180) == "5小时3分"
    assert value_text("en", "seconds", 720) == "12 min"
    assert value_text("en", "ratio", 0.9083) == "90.8%"
    assert change_text("zh-CN", found["new_cases"]) == "+12%"
    assert change_text("zh-CN", found["on_time_rate"]) == "−2.2 个百分点"
    assert change_text("en", found["on_time_rate"]) == "−2.2 pts"


def test_paragraph_in_chinese_says_what_changed() -> None:
    text = what_changed("zh-CN", "昨日", list(kpis().values()),
                        categories=[{"category": "暴露垃圾", "cases": 35}],
                        districts=[{"code": "310101", "name_zh": "黄浦区", "name_en": "Huangpu",
                                    "new_cases": 80},
                                   {"code": "310106", "name_zh": "静安区", "name_en": "Jing'an",
                                    "new_cases": 52}],
                        hot_cells=[{"code": "x", "name_zh": "外滩社区3号网格",
                                    "name_en": None, "cases": 9}])
    assert text.startswith("昨日新增案件 132 件，较前日上升 12%，高于近7日均值（118 件）。")
    assert "结案 120 件，按时结案率 90.8%，较前日下降 2.2 个百分点。" in text
    assert "平均派遣用时 12分钟，平均结案用时 5小时3分。" in text
    assert "日终超期未结案件 8 件，比前日减少 3 件。" in text
    assert "当日接报事件 132 起，其中12345 热线 80 起、网格巡查 30 起、传感器 22 起。" in text
    assert "案件最多的类别是“暴露垃圾”（35 件）。" in text
    assert "案件最多的区是黄浦区（80 件）。" in text
    assert text.endswith("最热网格为外滩社区3号网格（9 件）。")


def test_paragraph_in_english() -> None:
    text = what_changed("en", "Yesterday", list(kpis().values()))
    assert text.startswith("Yesterday: 132 new cases, up 12% on the previous day, above the "
                           "7-day average of 118.")
    assert "120 cases were closed, 90.8% of them on time (2.2 points worse" in text
    assert "8 open cases were overdue at the end of the day, 3 fewer than the previous day." \
        in text
    assert "132 incidents were reported: 80 from the 12345 hotline, 30 from grid patrols, " \
           "22 from sensors." in text


def test_a_quiet_day_is_said_plainly() -> None:
    text = what_changed("zh-CN", "5月10日", build_kpis([], {}, DAY))
    assert text == "5月10日没有新增案件。日终超期未结案件 0 件，与前日持平。"
