"""One day's summary for one viewer's area: the queries of screens/summary/cases.py and
screens/summary/areas.py gathered into a `DailySummary`, which the page and the PDF both draw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dashboard.i18n import city_zone
from dashboard.summary.kpis import Kpi, build_kpis
from identity.scope import Scope
from screens.summary import areas as incident_days
from screens.summary import cases as case_days


@dataclass(frozen=True)
class DailySummary:
    day: date
    area_code: str
    area_zh: str
    area_en: str
    kpis: list[Kpi]
    categories: list[dict[str, Any]]
    districts: list[dict[str, Any]]
    hot_cells: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
    generated_at: datetime
    units: list[dict[str, Any]] = ()  # per unit holding cases (issue #16)

    def kpi(self, key: str) -> Kpi | None:
        return next((k for k in self.kpis if k.key == key), None)

    def area_name(self, lang: str) -> str:
        return self.area_zh if lang == "zh-CN" else self.area_en


def yesterday(now: datetime) -> date:
    """The day before `now` on the city's calendar."""
    return now.astimezone(city_zone()).date() - timedelta(days=1)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Local midnight to local midnight, as aware instants."""
    start = datetime.combine(day, time(0), city_zone())
    return start, datetime.combine(day + timedelta(days=1), time(0), city_zone())


def gather(cur, scope: Scope, day: date, now: datetime) -> DailySummary:
    """Everything the summary of `day` shows, inside `scope`."""
    first = day - timedelta(days=7)
    series = case_days.kpi_series(cur, scope, first, day, str(city_zone()))
    incidents = incident_days.incidents_by_source(cur, scope.level, scope.code, first, day,
                                                  str(city_zone()))
    start, end = day_bounds(day)
    area_zh, area_en = case_days.area_names(cur, scope.code)
    return DailySummary(
        day=day, area_code=scope.code, area_zh=area_zh, area_en=area_en,
        kpis=build_kpis(series, incidents, day),
        categories=case_days.by_category(cur, scope, start, end),
        districts=case_days.by_district(cur, scope, start, end, now),
        hot_cells=case_days.hot_cells(cur, scope, start, end),
        overdue=case_days.overdue_now(cur, scope, now),
        generated_at=now,
        units=case_days.by_unit(cur, scope, start, end, now),
    )
