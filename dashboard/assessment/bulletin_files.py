"""The monthly bulletin as files: CSV, an Excel workbook and a PDF (printed by the local
Chromium like the daily summary), all three from one list of sections so they never say
different things."""

from __future__ import annotations

import csv
import html as html_escape
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from assessment.bulletin import Bulletin
from assessment.report import Assessment
from dashboard.assessment.view import shown
from dashboard.i18n import translate, when
from dashboard.summary.pdf import print_pdf


@dataclass(frozen=True)
class Section:
    key: str  # a sheet's name
    title: str
    header: list[str]
    rows: list[list[str]]


def _ranking(lang: str, bulletin: Bulletin, grouping: str) -> Section:
    done: Assessment = bulletin.by[grouping]
    indicators = bulletin.indicators.indicators
    header = [translate(lang, "assessment.col.rank"), translate(lang, "assessment.col.name"),
              translate(lang, "assessment.col.score"), translate(lang, "assessment.col.grade"),
              *[i.name(lang) for i in indicators]]
    rows = [[str(r.rank or "–"), done.name(r.key, lang),
             "–" if r.score is None else f"{r.score:.1f}",
             r.grade.name(lang) if r.grade else "–",
             *[shown(i, r.figures[i.code]) for i in indicators]] for r in done.rows]
    return Section(grouping, translate(lang, f"bulletin.section.{grouping}"), header, rows)


def sections(lang: str, bulletin: Bulletin) -> list[Section]:
    trend = Section("trend", translate(lang, "bulletin.section.trend"),
                    [translate(lang, "assessment.by.district"), *bulletin.trend_periods],
                    [[name, *["–" if s is None else f"{s:.1f}" for s in scores]]
                     for name, scores in bulletin.trend])
    top = Section("categories", translate(lang, "bulletin.section.categories"),
                  [translate(lang, "bulletin.col.category"), translate(lang, "bulletin.col.count")],
                  [[name, str(n)] for name, n in bulletin.categories])
    late = Section("late", translate(lang, "bulletin.section.late"),
                   [translate(lang, f"assessment.case.{c}") for c in ("id", "title", "street",
                                                                      "unit")]
                   + [translate(lang, "bulletin.col.late_since")],
                   [[f"#{c.id}", c.title, c.street or "", c.unit or "", when(lang, c.late_since)]
                    for c in bulletin.late])
    formulas = Section("formulas", translate(lang, "bulletin.section.formulas"),
                       [translate(lang, "bulletin.col.indicator"),
                        translate(lang, "bulletin.col.formula")],
                       [[i.name(lang), i.formula(lang)] for i in bulletin.indicators.indicators])
    return [*[_ranking(lang, bulletin, g) for g in ("district", "street", "unit")],
            trend, top, late, formulas]


def title(lang: str, bulletin: Bulletin) -> str:
    return translate(lang, "bulletin.title", period=bulletin.period.label)


def as_csv(lang: str, bulletin: Bulletin) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([title(lang, bulletin)])
    for section in sections(lang, bulletin):
        writer.writerows([[], [section.title], section.header, *section.rows])
    return "\ufeff" + out.getvalue()  # the BOM: spreadsheets then read it as UTF-8


def as_xlsx(lang: str, bulletin: Bulletin) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for section in sections(lang, bulletin):
        sheet = book.create_sheet(section.title[:31])  # Excel's limit on a sheet's name
        sheet.append([section.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(section.header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(section: Section) -> str:
    esc = html_escape.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in section.header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
                   for row in section.rows)
    return (f"<h2>{esc(section.title)}</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


STYLE = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", sans-serif; font-size: 8pt; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4mm; } h2 { font-size: 11pt; margin: 5mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.3pt solid #999; padding: 1mm 1.2mm; text-align: left; }
th { background: #e8eef6; } tr { page-break-inside: avoid; }
"""


def as_html(lang: str, bulletin: Bulletin) -> str:
    parts = "".join(_table(s) for s in sections(lang, bulletin))
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<style>{STYLE}</style></head><body><h1>{html_escape.escape(title(lang, bulletin))}"
            f"</h1>{parts}</body></html>")


def file_name(bulletin: Bulletin, area: str, fmt: str) -> str:
    return f"cityops-bulletin-{bulletin.period.label}-{area}.{fmt}"


def write(lang: str, bulletin: Bulletin, fmt: str, target: Path) -> Path:
    """One file of the bulletin, written whole (a reader never sees half a file)."""
    if fmt == "pdf":
        return print_pdf(as_html(lang, bulletin), target)
    data = as_xlsx(lang, bulletin) if fmt == "xlsx" else as_csv(lang, bulletin).encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target
