"""The day's vital signs compared with the day before and with the week before it.

Pure: it takes the daily rows of `screens.summary.cases.kpi_series` and the incident counts of
`screens.summary.areas.incidents_by_source` and returns `Kpi`s, so the page, the PDF and the
paragraph all compare the same numbers the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

# Sources in the order people read them; the incidents table allows exactly these.
SOURCES: tuple[str, ...] = ("hotline", "patrol", "sensor", "other")

# Below this relative change a number is "level with" its reference.
FLAT = 0.005


@dataclass(frozen=True)
class Kpi:
    key: str                  # catalogue key suffix: summary.kpi.<key>
    value: float | None
    previous: float | None
    week_mean: float | None
    unit: str                 # "count", "ratio" or "seconds": how it is written
    better: str = "none"      # "up", "down" or "none": which way is good news

    def change(self) -> float | None:
        """Relative change from the day before (+0.12 = 12 % more); for a ratio, the
        difference in points (0.91 vs 0.93 -> -0.02)."""
        return _change(self.value, self.previous, self.unit)

    def change_vs_week(self) -> float | None:
        return _change(self.value, self.week_mean, self.unit)

    def tone(self) -> str:
        """"good", "bad" or "neutral": how the change from the day before reads."""
        change = self.change()
        if change is None or abs(change) < FLAT or self.better == "none":
            return "neutral"
        return "good" if (change > 0) == (self.better == "up") else "bad"


def _change(value: float | None, reference: float | None, unit: str) -> float | None:
    if value is None or reference is None:
        return None
    if unit == "ratio":
        return value - reference
    if reference == 0:
        return None if value else 0.0
    return (value - reference) / reference


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _on_time(rows: Sequence[Mapping[str, Any]]) -> float | None:
    """Closed on time / closed over the rows together (a week pools its cases)."""
    closed = sum(row["closed_cases"] for row in rows)
    return sum(row["closed_on_time"] for row in rows) / closed if closed else None


def build_kpis(series: Sequence[Mapping[str, Any]],
               incidents: Mapping[date, Mapping[str, int]], day: date) -> list[Kpi]:
    """The KPIs of `day` from daily rows covering the 7 days before it and the day itself.
    A missing day counts as an empty one."""
    by_day = {row["day"]: row for row in series}
    empty = {"new_cases": 0, "closed_cases": 0, "closed_on_time": 0, "dispatch_seconds": None,
             "close_seconds": None, "overdue_open": 0}
    days = [date.fromordinal(day.toordinal() - back) for back in range(7, -1, -1)]
    rows = [by_day.get(d, empty) for d in days]
    today, previous, week = rows[-1], rows[-2], rows[:-1]

    def kpi(key: str, unit: str, better: str) -> Kpi:
        return Kpi(key, today[key], previous[key], _mean([r[key] for r in week]), unit, better)

    kpis = [
        kpi("new_cases", "count", "none"),
        kpi("closed_cases", "count", "up"),
        Kpi("on_time_rate", _on_time([today]), _on_time([previous]), _on_time(week),
            "ratio", "up"),
        kpi("dispatch_seconds", "seconds", "down"),
        kpi("close_seconds", "seconds", "down"),
        kpi("overdue_open", "count", "down"),
    ]
    counts = [incidents.get(d, {}) for d in days]
    total = [sum(c.values()) for c in counts]
    kpis.append(Kpi("incidents", total[-1], total[-2], _mean(total[:-1]), "count"))
    for source in SOURCES:
        numbers = [c.get(source, 0) for c in counts]
        if any(numbers):
            kpis.append(Kpi(f"source_{source}", numbers[-1], numbers[-2], _mean(numbers[:-1]),
                            "count"))
    return kpis
