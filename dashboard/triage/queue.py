"""The case queue: the viewer's cases as grid rows, newest first, and the grid's columns.

Reading goes through alerts.api.casequeries.list_cases with the viewer's scope, the same
query the case API answers with; several states at once are several pages of it merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from alerts.api.casequeries import level_lookup, list_cases
from alerts.api.filters import CaseFilter
from alerts.cases.severity import MOST_SEVERE_FIRST, SEVERITIES
from alerts.cases.states import OPEN, STATES
from dashboard.i18n import city_zone, translate
from screens.triage.choices import area_names

# The flow's order, so lists read like the case flow rather than alphabetically.
STATE_ORDER: tuple[str, ...] = tuple(STATES)
OPEN_STATES: tuple[str, ...] = tuple(s for s in STATE_ORDER if s in OPEN)
SEVERITY_ORDER: tuple[str, ...] = MOST_SEVERE_FIRST
MOST_ROWS = 500  # the newest cases shown; the count says how many match in all


@dataclass(frozen=True)
class QueueFilter:
    """What the filter bar asks for: states (none = all), the rest as in the case API."""

    states: tuple[str, ...] = OPEN_STATES
    severity: str | None = None
    category: str | None = None
    area: str | None = None
    overdue: bool | None = None


def queue_filter(states: Sequence[str] | None, severity: str | None, category: str | None,
                 area: str | None, overdue: Sequence[str] | None) -> QueueFilter:
    """The filter bar's values, checked: unknown values are dropped, never passed on."""
    chosen = tuple(s for s in STATE_ORDER if s in set(states or ()))
    return QueueFilter(states=chosen, severity=severity if severity in SEVERITIES else None,
                       category=category or None, area=area or None,
                       overdue=True if overdue and "overdue" in overdue else None)


def read_queue(cur, scope, wanted: QueueFilter,
               limit: int = MOST_ROWS) -> tuple[list[dict[str, Any]], int]:
    """The newest `limit` cases matching the filter in the viewer's scope, and how many
    match in all."""
    base = CaseFilter(severity=wanted.severity, category=wanted.category, area=wanted.area,
                      overdue=wanted.overdue, per_page=limit)
    level_of = level_lookup(cur)
    rows: list[dict[str, Any]] = []
    total = 0
    for state in wanted.states or (None,):
        found, count = list_cases(cur, scope, replace(base, state=state), level_of)
        rows.extend(found)
        total += count
    rows.sort(key=lambda row: (row["opened_at"], row["id"]), reverse=True)
    return rows[:limit], total


def _clock(instant: datetime | None) -> str:
    # Month-day first: it sorts as text in the grid and reads the same in both languages.
    return "" if instant is None else instant.astimezone(city_zone()).strftime("%m-%d %H:%M")


def area_of(case: dict[str, Any], names: dict[str, tuple[str, str]], lang: str) -> str:
    """The street (else district) the case lies in, by name when the areas table knows it."""
    code = case.get("street_code") or case.get("district_code") or case.get("grid_code")
    if not code:
        return translate(lang, "triage.area.unknown")
    zh, en = names.get(code, (code, code))
    return zh if lang == "zh-CN" else en


def row(case: dict[str, Any], lang: str, names: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """One grid row: codes for filtering and styling, words for reading."""
    return {
        "id": case["id"],
        "title": case["title"],
        "state": case["state"],
        "state_label": translate(lang, f"triage.state.{case['state']}"),
        "severity": case["severity"],
        "severity_label": translate(lang, f"triage.severity.{case['severity']}"),
        "category": case.get("category") or "",
        "area": area_of(case, names, lang),
        "tier_label": translate(lang, f"triage.tier.{case['tier']}"),
        "opened": _clock(case["opened_at"]),
        "due": _clock(case.get("due_at")),
        "overdue": bool(case.get("overdue")),
        "assignee": case.get("assignee_worker_id") or "",
        "version": case["version"],
    }


def rows(cur, cases: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    names = area_names(cur, [c.get("street_code") or c.get("district_code") for c in cases])
    return [row(case, lang, names) for case in cases]


def columns(lang: str) -> list[dict[str, Any]]:
    t = lambda key: translate(lang, f"triage.col.{key}")  # noqa: E731 - a local shorthand
    severity_rules = {f"triage-sev triage-sev-{s}": f"params.data.severity == '{s}'"
                      for s in SEVERITIES}
    return [
        {"field": "id", "headerName": t("id"), "width": 84},
        {"field": "severity_label", "headerName": t("severity"), "width": 96,
         "cellClassRules": severity_rules},
        {"field": "title", "headerName": t("title"), "flex": 2, "minWidth": 220,
         "tooltipField": "title"},
        {"field": "state_label", "headerName": t("state"), "width": 110,
         "cellClass": "triage-state-cell"},
        {"field": "category", "headerName": t("category"), "width": 120},
        {"field": "area", "headerName": t("area"), "flex": 1, "minWidth": 120},
        {"field": "tier_label", "headerName": t("tier"), "width": 84},
        {"field": "opened", "headerName": t("opened"), "width": 120, "sort": "desc"},
        {"field": "due", "headerName": t("due"), "width": 120,
         "cellClassRules": {"triage-due-late": "params.data.overdue"}},
    ]


def grid_text(lang: str) -> dict[str, str]:
    """AG Grid's own words (empty grid, paging) from the catalogue."""
    keys = ("noRowsToShow", "loadingOoo", "page", "of", "to", "more", "firstPage",
            "previousPage", "nextPage", "lastPage", "pageSizeSelectorLabel")
    return {key: translate(lang, f"triage.grid.{key}") for key in keys}
