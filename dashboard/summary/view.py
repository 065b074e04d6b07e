"""The summary page's body as Dash components, drawn from a `DailySummary`."""

from __future__ import annotations

from dash import dcc, html

from dashboard.i18n import translate
from dashboard.summary import charts
from dashboard.summary.data import DailySummary
from dashboard.summary.paragraph import what_changed
from dashboard.summary.tables import (
    Table,
    Tile,
    hot_cells_table,
    overdue_table,
    sla_table,
    tiles,
    units_table,
)

GRAPH_CONFIG = {"displayModeBar": False}


def _tile(lang: str, tile: Tile) -> html.Div:
    return html.Div(className=f"summary-tile tone-{tile.tone}", id=f"summary-kpi-{tile.key}",
                    children=[
        html.Div(tile.label, className="summary-tile-label"),
        html.Div(tile.value, className="summary-tile-value"),
        html.Div(className="summary-tile-changes", children=[
            html.Span([translate(lang, "summary.vs_previous"), " ",
                       html.B(tile.vs_previous)], className="summary-change-previous"),
            html.Span([translate(lang, "summary.vs_week"), " ", html.B(tile.vs_week)]),
        ]),
    ])


def _reported(tile: Tile) -> bool:
    return tile.key == "incidents" or tile.key.startswith("source_")


def _table(table: Table) -> html.Div:
    if not table.rows:
        content = html.P(table.empty, className="summary-empty")
    else:
        def cell(tag, i: int, text: str):
            return tag(text, className="num" if i in table.numeric else None)
        content = html.Table(className="summary-table", children=[
            html.Thead(html.Tr([cell(html.Th, i, h) for i, h in enumerate(table.headers)])),
            html.Tbody([html.Tr([cell(html.Td, i, c) for i, c in enumerate(row)])
                        for row in table.rows]),
        ])
    return html.Section(className="summary-card", id=f"summary-{table.key}",
                        children=[html.H2(table.title), content])


def _chart(key: str, title: str, figure) -> html.Section:
    return html.Section(className="summary-card", children=[
        html.H2(title),
        dcc.Graph(id=f"summary-chart-{key}", figure=figure, config=GRAPH_CONFIG),
    ])


def body(summary: DailySummary, lang: str, day_text: str) -> list:
    """Paragraph, KPI tiles, charts and tables of one day."""
    shown = tiles(summary, lang)
    paragraph = what_changed(lang, day_text, summary.kpis, summary.categories,
                             summary.districts, summary.hot_cells)
    return [
        html.Section(className="summary-card summary-paragraph", children=[
            html.H2(translate(lang, "summary.section.paragraph")),
            html.P(paragraph, id="summary-paragraph"),
        ]),
        # Cases first, then what was reported and by whom: two rows of tiles.
        html.Div([_tile(lang, t) for t in shown if not _reported(t)], className="summary-tiles"),
        html.Div([_tile(lang, t) for t in shown if _reported(t)], className="summary-tiles"),
        html.Div(className="summary-row", children=[
            _chart("categories", translate(lang, "summary.section.categories"),
                   charts.categories_figure(summary, lang)),
            _chart("districts", translate(lang, "summary.section.districts"),
                   charts.districts_figure(summary, lang)),
        ]),
        html.Div(className="summary-row", children=[
            _table(hot_cells_table(summary, lang)), _table(sla_table(summary, lang))]),
        _table(units_table(summary, lang)),
        _table(overdue_table(summary, lang)),
    ]
