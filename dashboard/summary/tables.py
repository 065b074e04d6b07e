"""The summary's tiles and tables as plain text cells, written once for the page and the PDF.

Pure: a `DailySummary` and a language in, strings out. The page wraps them in Dash
components, the printable page in (escaped) HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import day, duration, percent, translate, when
from dashboard.summary.data import DailySummary
from dashboard.summary.wording import change_text, value_text


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    vs_previous: str
    vs_week: str
    tone: str  # good / bad / neutral


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int]  # columns aligned right
    empty: str = ""


def tiles(summary: DailySummary, lang: str) -> list[Tile]:
    return [Tile(k.key, translate(lang, f"summary.kpi.{k.key}"),
                 value_text(lang, k.unit, k.value),
                 change_text(lang, k, "previous"), change_text(lang, k, "week"), k.tone())
            for k in summary.kpis]


def day_label(lang: str, chosen, yesterday) -> str:
    """"昨日" / "Yesterday" for yesterday, else the date written out."""
    return translate(lang, "summary.yesterday") if chosen == yesterday else day(lang, chosen)


def _t(lang: str, *keys: str) -> list[str]:
    return [translate(lang, f"summary.col.{key}") for key in keys]


def hot_cells_table(summary: DailySummary, lang: str) -> Table:
    name = "name_zh" if lang == "zh-CN" else "name_en"
    street = "street_zh" if lang == "zh-CN" else "street_en"
    rows = [[str(rank), cell[name] or cell["code"], cell[street] or "", str(cell["cases"]),
             str(cell["serious"])]
            for rank, cell in enumerate(summary.hot_cells, start=1)]
    return Table("hot", translate(lang, "summary.section.hot_cells"),
                 _t(lang, "rank", "grid", "street", "cases", "serious"), rows,
                 frozenset({0, 3, 4}), translate(lang, "summary.empty"))


def sla_table(summary: DailySummary, lang: str) -> Table:
    name = "name_zh" if lang == "zh-CN" else "name_en"
    rows = []
    for row in summary.districts:
        closed = row["closed_cases"]
        rate = row["closed_on_time"] / closed if closed else None
        rows.append([row[name] or row["code"] or translate(lang, "summary.unplaced"),
                     str(row["new_cases"]), str(closed), str(row["closed_on_time"]),
                     percent(lang, rate), str(row["overdue_now"])])
    return Table("sla", translate(lang, "summary.section.sla"),
                 _t(lang, "district", "new", "closed", "on_time", "rate", "overdue_now"),
                 rows, frozenset({1, 2, 3, 4, 5}), translate(lang, "summary.empty"))


def units_table(summary: DailySummary, lang: str) -> Table:
    rows = [[u["name"], str(u["dispatched"]), str(u["closed"]), str(u["open_now"]),
             str(u["overdue_now"])] for u in summary.units]
    return Table("units", translate(lang, "summary.section.units"),
                 _t(lang, "unit", "dispatched", "closed", "open_now", "overdue_now"),
                 rows, frozenset({1, 2, 3, 4}), translate(lang, "summary.no_units"))


def overdue_table(summary: DailySummary, lang: str) -> Table:
    district = "district_zh" if lang == "zh-CN" else "district_en"
    street = "street_zh" if lang == "zh-CN" else "street_en"
    rows = []
    for case in summary.overdue:
        place = " · ".join(p for p in (case[district], case[street]) if p)
        late = (summary.generated_at - case["due_at"]).total_seconds()
        rows.append([f"#{case['id']} {case['title']}", case["category"] or "", place,
                     translate(lang, f"worker.state.{case['state']}"),
                     when(lang, case["due_at"]), duration(lang, late), case["worker"] or ""])
    return Table("overdue", translate(lang, "summary.section.overdue"),
                 _t(lang, "case", "category", "district", "state", "due", "late", "worker"),
                 rows, frozenset({5}), translate(lang, "summary.none_overdue"))
