"""The plain-language paragraph of the daily summary: what changed, written from the numbers.

Every sentence is a catalogue template (summary.text.*) filled with numbers written the
reader's way, so the paragraph reads naturally in Chinese and in English and says nothing
the KPIs do not show. Pure: the same numbers give the same words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dashboard.i18n import percent, translate
from dashboard.summary.kpis import FLAT, SOURCES, Kpi
from dashboard.summary.wording import value_text

# Within this share of the 7-day mean a day is "in line with" the week.
WEEK_LEVEL = 0.05


def _relative(lang: str, kpi: Kpi) -> str:
    change = kpi.change()
    if change is None:
        return translate(lang, "summary.text.change_none")
    if abs(change) < FLAT:
        return translate(lang, "summary.text.change_flat")
    pct = percent(lang, abs(change), 0 if abs(change) >= 0.1 else 1)
    key = "summary.text.change_up" if change > 0 else "summary.text.change_down"
    return translate(lang, key, pct=pct)


def _week(lang: str, kpi: Kpi) -> str:
    change = kpi.change_vs_week()
    avg = value_text(lang, kpi.unit, kpi.week_mean)
    if change is None:
        return translate(lang, "summary.text.week_none")
    if abs(change) < WEEK_LEVEL:
        return translate(lang, "summary.text.week_level", avg=avg)
    key = "summary.text.week_above" if change > 0 else "summary.text.week_below"
    return translate(lang, key, avg=avg)


def _count_change(lang: str, kpi: Kpi) -> str:
    if kpi.value is None or kpi.previous is None:
        return translate(lang, "summary.text.change_none")
    difference = int(round(kpi.value - kpi.previous))
    if difference == 0:
        return translate(lang, "summary.text.change_flat")
    key = "summary.text.count_up" if difference > 0 else "summary.text.count_down"
    return translate(lang, key, n=abs(difference))


def _rate_change(lang: str, kpi: Kpi) -> str:
    change = kpi.change()
    if change is None or abs(change) < FLAT / 10:
        return ""
    key = "summary.text.rate_up" if change > 0 else "summary.text.rate_down"
    return translate(lang, key, points=f"{abs(change) * 100:.1f}")


def _sources(lang: str, kpis: Mapping[str, Kpi]) -> str:
    total = kpis["incidents"]
    if not total.value:
        return ""
    parts = [translate(lang, "summary.text.source_part",
                       source=translate(lang, f"summary.source.{source}"),
                       n=value_text(lang, "count", kpis[f"source_{source}"].value))
             for source in SOURCES if kpis.get(f"source_{source}") and
             kpis[f"source_{source}"].value]
    separator = translate(lang, "summary.text.list_separator")
    return translate(lang, "summary.text.sources", total=value_text(lang, "count", total.value),
                     parts=separator.join(parts))


def _leaders(lang: str, categories: Sequence[Mapping[str, Any]],
             districts: Sequence[Mapping[str, Any]],
             hot_cells: Sequence[Mapping[str, Any]]) -> list[str]:
    name = "name_zh" if lang == "zh-CN" else "name_en"
    said = []
    if categories and categories[0]["cases"]:
        top = categories[0]
        said.append(translate(lang, "summary.text.top_category",
                              name=top["category"] or translate(lang, "summary.uncategorised"),
                              n=top["cases"]))
    busiest = [d for d in districts if d["new_cases"]]
    if len(busiest) > 1:
        said.append(translate(lang, "summary.text.top_district",
                              name=busiest[0][name] or busiest[0]["code"],
                              n=busiest[0]["new_cases"]))
    if hot_cells:
        cell = hot_cells[0]
        said.append(translate(lang, "summary.text.top_cell", name=cell[name] or cell["code"],
                              n=cell["cases"]))
    return said


def what_changed(lang: str, day_label: str, kpis: Sequence[Kpi],
                 categories: Sequence[Mapping[str, Any]] = (),
                 districts: Sequence[Mapping[str, Any]] = (),
                 hot_cells: Sequence[Mapping[str, Any]] = ()) -> str:
    """The paragraph for one day, e.g. "昨日新增案件 132 件，较前日上升 12%，高于近7日均值
    （118 件）。……"."""
    by_key = {kpi.key: kpi for kpi in kpis}
    new, closed, rate = by_key["new_cases"], by_key["closed_cases"], by_key["on_time_rate"]
    sentences = []
    if new.value:
        sentences.append(translate(lang, "summary.text.new", day=day_label,
                                   value=value_text(lang, "count", new.value),
                                   change=_relative(lang, new), week=_week(lang, new)))
    else:
        sentences.append(translate(lang, "summary.text.no_new", day=day_label))
    if closed.value:
        sentences.append(translate(lang, "summary.text.closed",
                                   value=value_text(lang, "count", closed.value),
                                   rate=value_text(lang, "ratio", rate.value),
                                   rate_change=_rate_change(lang, rate)))
    dispatch, close = by_key["dispatch_seconds"], by_key["close_seconds"]
    if dispatch.value is not None and close.value is not None:
        sentences.append(translate(lang, "summary.text.times",
                                   dispatch=value_text(lang, "seconds", dispatch.value),
                                   close=value_text(lang, "seconds", close.value)))
    overdue = by_key["overdue_open"]
    sentences.append(translate(lang, "summary.text.overdue",
                               value=value_text(lang, "count", overdue.value),
                               change=_count_change(lang, overdue)))
    sentences.append(_sources(lang, by_key))
    sentences.extend(_leaders(lang, categories, districts, hot_cells))
    joiner = "" if lang == "zh-CN" else " "
    return joiner.join(s for s in sentences if s)
