"""The daily summary as one self-contained HTML page for printing (A4, light, Chinese fonts).

Every piece of text from the database or the catalogue is escaped here; the charts come in
as SVG made by kaleido from our own figures. Nothing on the page asks the network for
anything, so it prints the same on an intranet.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from dashboard.i18n import translate, when
from dashboard.summary.data import DailySummary
from dashboard.summary.tables import (
    Table,
    Tile,
    hot_cells_table,
    overdue_table,
    sla_table,
    units_table,
)
from dashboard.summary.tables import tiles as summary_tiles

STYLE = """
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", sans-serif;
       color: #1d2733; font-size: 10.5pt; line-height: 1.5; margin: 0; }
header { border-bottom: 2px solid #1f6fb2; padding-bottom: 6px; margin-bottom: 10px; }
h1 { font-size: 20pt; margin: 0; color: #12406b; letter-spacing: 0.04em; }
.meta { color: #56657a; font-size: 9.5pt; margin-top: 2px; }
h2 { font-size: 12.5pt; color: #12406b; margin: 14px 0 6px; border-left: 4px solid #1f6fb2;
     padding-left: 6px; break-after: avoid; }
.paragraph { background: #f2f6fb; border: 1px solid #d5e0ee; border-radius: 4px;
             padding: 8px 10px; }
table { width: 100%; border-collapse: collapse; break-inside: auto; }
th, td { border-bottom: 1px solid #d9e0e8; padding: 3px 6px; text-align: left;
         vertical-align: top; }
th { background: #e8eef6; font-weight: 600; }
tr { break-inside: avoid; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.kpis td.value { font-weight: 700; font-size: 11.5pt; }
.good { color: #1d7a45; } .bad { color: #b3261e; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.chart svg { width: 100%; height: auto; }
.empty { color: #56657a; }
section { break-inside: avoid-page; }
"""


def _table(table: Table) -> Markup:
    if not table.rows:
        return Markup('<p class="empty">{}</p>').format(table.empty)
    head = Markup("").join(
        Markup('<th class="{}">{}</th>').format("n" if i in table.numeric else "", text)
        for i, text in enumerate(table.headers))
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(
            Markup('<td class="{}">{}</td>').format("n" if i in table.numeric else "", cell)
            for i, cell in enumerate(row)))
        for row in table.rows)
    return Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(
        head, body)


def _kpis(lang: str, tiles: Sequence[Tile]) -> Markup:
    headers = Markup("<tr><th></th><th></th><th class='n'>{}</th><th class='n'>{}</th>"
                     "</tr>").format(translate(lang, "summary.vs_previous"),
                                     translate(lang, "summary.vs_week"))
    rows = Markup("").join(
        Markup("<tr><td>{}</td><td class='n value'>{}</td><td class='n {}'>{}</td>"
               "<td class='n'>{}</td></tr>").format(
            tile.label, tile.value, tile.tone, tile.vs_previous, tile.vs_week)
        for tile in tiles)
    return Markup("<table class='kpis'><thead>{}</thead><tbody>{}</tbody></table>").format(
        headers, rows)


def _section(title: str, content: Markup) -> Markup:
    return Markup("<section><h2>{}</h2>{}</section>").format(title, content)


def render(summary: DailySummary, lang: str, day_text: str, paragraph: str,
           charts: Sequence[tuple[str, str]]) -> str:
    """The whole page. `charts` are (title, SVG text) pairs, our own kaleido output."""
    title = translate(lang, "summary.title")
    meta = " · ".join([day_text, translate(lang, "summary.area", area=summary.area_name(lang)),
                       translate(lang, "summary.generated",
                                 when=when(lang, summary.generated_at))])
    chart_html = Markup("").join(
        Markup('<div class="chart"><h2>{}</h2>{}</div>').format(name, Markup(svg))
        for name, svg in charts)
    body = Markup("").join([
        _section(translate(lang, "summary.section.paragraph"),
                 Markup('<p class="paragraph" id="summary-paragraph">{}</p>').format(paragraph)),
        _section(translate(lang, "summary.section.kpis"),
                 _kpis(lang, summary_tiles(summary, lang))),
        Markup('<div class="charts">{}</div>').format(chart_html),
        *(_section(t.title, _table(t)) for t in (hot_cells_table(summary, lang),
                                                 sla_table(summary, lang),
                                                 units_table(summary, lang),
                                                 overdue_table(summary, lang))),
    ])
    page = Markup("<!doctype html><html lang='{}'><head><meta charset='utf-8'><title>{}</title>"
                  "<style>{}</style></head><body><header><h1>{}</h1><div class='meta'>{}</div>"
                  "</header>{}</body></html>")
    return str(page.format(lang, f"{title} · {day_text}", Markup(STYLE), title, meta, body))
