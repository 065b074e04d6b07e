"""Drawing an assessment: the ranking table with every figure a button that drills down to
its cases, each indicator's formula under its name, the composite with its grade colour."""

from __future__ import annotations

from dash import html

from assessment.indicators import Indicator, IndicatorSet
from assessment.report import Assessment
from assessment.scores import Figure, Row
from dashboard.i18n import number, translate, when

FIGURE = "assessment-figure"


def shown(indicator: Indicator, figure: Figure) -> str:
    if figure.value is None:
        return "–"
    if indicator.kind == "rate":
        return f"{figure.value * 100:.1f}%"
    return f"{int(figure.value)}"


def _head(lang: str, indicators: IndicatorSet) -> html.Thead:
    cells = [html.Th(translate(lang, "assessment.col.rank")),
             html.Th(translate(lang, "assessment.col.name")),
             html.Th([translate(lang, "assessment.col.score"),
                      html.Div(translate(lang, "assessment.score_formula"),
                               className="assessment-formula")])]
    cells += [html.Th([i.name(lang), html.Div(i.formula(lang), className="assessment-formula")],
                      title=i.formula(lang), className=f"assessment-col-{i.kind}")
              for i in indicators.indicators]
    return html.Thead(html.Tr(cells))


def _cell(lang: str, row: Row, indicator: Indicator) -> html.Td:
    figure = row.figures[indicator.code]
    if figure.value is None or not (figure.cases or figure.of):
        return html.Td(shown(indicator, figure), className="assessment-empty")
    return html.Td(html.Button(
        shown(indicator, figure), n_clicks=0, className="assessment-figure",
        id={"type": FIGURE, "key": row.key, "code": indicator.code},
        title=translate(lang, "assessment.drill_hint")))


def _score(lang: str, row: Row) -> html.Td:
    if row.score is None:
        return html.Td("–")
    return html.Td(html.Span([f"{row.score:.1f} ", html.Span(
        row.grade.name(lang), className="assessment-grade",
        style={"background": row.grade.colour})]))


def table(lang: str, done: Assessment, indicators: IndicatorSet) -> html.Div:
    if not done.rows:
        return html.P(translate(lang, "assessment.empty"), className="assessment-empty-note",
                      id="assessment-none")
    body = [html.Tr([html.Td(str(row.rank or "–")), html.Td(done.name(row.key, lang)),
                     _score(lang, row), *[_cell(lang, row, i) for i in indicators.indicators]],
                    className="assessment-row")
            for row in done.rows]
    return html.Div(html.Table([_head(lang, indicators), html.Tbody(body)],
                               className="assessment-table", id="assessment-ranking"),
                    className="assessment-scroll")


def drill(lang: str, title: str, cases: list[dict], counted: set[int]) -> html.Div:
    """The cases behind a figure; for a share, those counted are marked among all."""
    head = html.Tr([html.Th(translate(lang, f"assessment.case.{c}"))
                    for c in ("id", "title", "category", "state", "street", "unit", "opened",
                              "counted")])
    rows = [html.Tr([html.Td(f"#{c['id']}"), html.Td(c["title"]), html.Td(c["category"] or ""),
                     html.Td(translate(lang, f"triage.state.{c['state']}")),
                     html.Td(c["street"] or ""), html.Td(c["unit"] or ""),
                     html.Td(when(lang, c["opened_at"])),
                     html.Td("✔" if c["id"] in counted else "")]) for c in cases]
    return html.Div(className="assessment-drill", id="assessment-drill-list", children=[
        html.H3(translate(lang, "assessment.drill_title", what=title,
                          n=number(lang, len(cases)))),
        html.Table([html.Thead(head), html.Tbody(rows)], className="assessment-cases")])
