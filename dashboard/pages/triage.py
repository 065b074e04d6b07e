"""Placeholder until the page is built."""

from __future__ import annotations

from dash import Dash, html

from dashboard.context import PageContext
from dashboard.shell import frame

PAGE = "triage"


def layout(**_query: str) -> html.Div:
    return frame(PAGE, html.Div(id="triage-body", children="…"))


def register(app: Dash, context: PageContext) -> None:
    return None
