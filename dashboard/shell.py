"""The frame around every page: the nav bar of the pages this role may open, who is logged
in, the language switch and log out — or, for a role the page is not for, a refusal."""

from __future__ import annotations

from dash import dcc, html

from dashboard import access
from dashboard.i18n import translate
from dashboard.session import language, viewer


def _nav(lang: str, current: str, role: str, path: str) -> html.Nav:
    links = [dcc.Link(translate(lang, f"nav.{page}"), href=f"/{page}", id=f"shell-nav-{page}",
                      className="nav-link active" if page == current else "nav-link")
             for page in access.pages_for(role)]
    other = "en" if lang == "zh-CN" else "zh-CN"
    person = viewer().user
    return html.Nav(className="shell-nav", children=[
        html.Span(translate(lang, "app.title"), className="shell-brand"),
        html.Div(links, className="shell-links"),
        html.Span(className="shell-user", id="shell-user", children=(
            f"{person.display_name or person.username} · {translate(lang, f'role.{role}')}")),
        html.A(translate(lang, "lang.switch"), href=f"/lang/{other}?next={path}",
               id="shell-lang", className="lang-switch"),
        # A form, not a link: leaving is a POST (dashboard/login.py).
        html.Form(html.Button(translate(lang, "nav.logout"), id="shell-logout", type="submit",
                              className="nav-link"),
                  method="POST", action="/logout", className="shell-logout"),
    ])


def denied(lang: str) -> html.Div:
    return html.Div(className="page denied", id="shell-denied", children=[
        html.H2(translate(lang, "access.denied_title")),
        html.P(translate(lang, "access.denied_text")),
        html.A(translate(lang, "access.go_home"), href="/"),
    ])


def frame(page: str, children, *, full_screen: bool = False) -> html.Div:
    """The page's content inside the shell, or the refusal. `full_screen` (the wall) leaves
    out the nav bar: nothing to click on a wall."""
    lang = language()
    role = viewer().role
    if not access.may_open(role, page):
        return denied(lang)
    if full_screen:
        return html.Div(children, className=f"page page-{page} full-screen", lang=lang)
    return html.Div(className=f"page page-{page}", lang=lang, children=[
        _nav(lang, page, role, f"/{page}"),
        html.Main(children, className="shell-main"),
    ])
