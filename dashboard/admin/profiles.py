"""The device profiles tab (物模型): the kinds in force, where each comes from, every upload,
and "check" / "save" for a profile file.

Saving keeps the file as a new version in the store (store/device_profiles.py); ingest,
the alerts engine and the simulator pick it up at their next recheck. A file is saved
only if the whole set still loads with it.
"""

from __future__ import annotations

from pathlib import Path

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from cityops.marked_yaml import FileProblem
from dashboard.admin.authority import acting_admin, recorded_as
from dashboard.admin.upload import UploadError, upload_text
from dashboard.device_profiles import current
from dashboard.i18n import translate
from dashboard.session import language
from devices.profile import Profile, ProfileSet
from devices.profiles import ProfileProblems
from devices.source import file_texts, with_upload
from identity.pool import connection
from store import device_profiles

MAX_CHARS = 100_000
NAME_HINT = "my_kind.yaml"


def section(folder: Path) -> html.Div:
    return panel(language(), current(), device_profiles.history(connection(), 20))


def panel(lang: str, profiles: ProfileSet, uploads: list) -> html.Div:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    return html.Div(className="admin-section admin-profiles", children=[
        html.P(t("admin.profiles.note", version=profiles.version), className="admin-note",
               id="admin-profiles-note"),
        html.Div(className="admin-columns", children=[
            html.Div([kinds_table(lang, profiles), uploads_table(lang, uploads)],
                     className="admin-main"),
            _check_panel(lang),
        ]),
    ])


def _metrics(profile: Profile) -> str:
    return "; ".join(f"{m.name} [{m.unit}] {m.low:g}–{m.high:g} {m.aggregate}"
                     for m in profile.metrics)


def kinds_table(lang: str, profiles: ProfileSet) -> html.Table:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    head = html.Tr([html.Th(t(f"admin.profiles.col.{c}")) for c in
                    ("kind", "name", "interval", "offline_after", "metrics", "origin")])
    rows = [html.Tr([
        html.Td([html.Span(className="admin-swatch", style={"background": p.colour}), p.kind]),
        html.Td(p.name_en if lang == "en" else p.name_zh),
        html.Td(_duration(p.interval_s)), html.Td(_duration(p.offline_after_s)),
        html.Td(_metrics(p), className="admin-profiles-metrics"),
        html.Td(Path(p.origin.rsplit(":", 1)[0]).name)])
        for p in sorted(profiles.profiles.values(), key=lambda p: p.kind)]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="admin-problems",
                      id="admin-profiles-kinds")


def _duration(seconds: float) -> str:
    if seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    return f"{seconds / 60:g} min" if seconds % 60 == 0 else f"{seconds:g} s"


def uploads_table(lang: str, uploads: list) -> html.Div:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    if not uploads:
        return html.P(t("admin.profiles.no_uploads"), className="admin-note")
    head = html.Tr([html.Th(t(f"admin.profiles.col.{c}"))
                    for c in ("version", "file", "by", "at")])
    rows = [html.Tr([html.Td(f"v{u.id}"), html.Td(u.file_name), html.Td(u.uploaded_by),
                     html.Td(u.uploaded_at.strftime("%Y-%m-%d %H:%M"))]) for u in uploads]
    return html.Div([html.H3(t("admin.profiles.uploads")),
                     html.Table([html.Thead(head), html.Tbody(rows)],
                                className="admin-problems", id="admin-profiles-uploads")])


def problems_table(lang: str, problems: list[FileProblem]) -> html.Table:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    head = html.Tr([html.Th(t("admin.rules.col.file")), html.Th(t("admin.rules.col.line")),
                    html.Th(t("admin.rules.col.problem"))])
    body = [html.Tr([html.Td(Path(p.path).name), html.Td(str(p.line) if p.line else "–"),
                     html.Td(p.problem)]) for p in problems]
    return html.Table([html.Thead(head), html.Tbody(body)], className="admin-problems")


def _check_panel(lang: str) -> html.Aside:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    return html.Aside(className="admin-panel", children=[
        html.H3(t("admin.profiles.check_title")),
        html.P(t("admin.profiles.check_help"), className="admin-help"),
        dcc.Upload(id="admin-profiles-upload", accept=".yaml,.yml", multiple=False,
                   className="admin-upload admin-upload-small",
                   children=html.Div([t("admin.rules.upload"), " ",
                                      html.Span(t("admin.upload.pick"), className="admin-link")])),
        dcc.Input(id="admin-profiles-name", placeholder=NAME_HINT, className="admin-input"),
        dcc.Textarea(id="admin-profiles-text", spellCheck=False, className="admin-code"),
        html.Div([html.Button(t("admin.rules.validate"), id="admin-profiles-check", n_clicks=0,
                              className="admin-button"),
                  html.Button(t("admin.profiles.save"), id="admin-profiles-save", n_clicks=0,
                              className="admin-button admin-button-primary")]),
        html.Div(id="admin-profiles-result", className="admin-report"),
    ])


def checked(folder: Path, name: str, text: str) -> tuple[ProfileSet | None, list]:
    """The set `text` would make as file `name`, or the problems of the whole set."""
    conn = connection()
    _, uploads = device_profiles.in_force(conn)
    try:
        return with_upload({**file_texts(folder), **uploads}, name, text), []
    except ProfileProblems as exc:
        return None, exc.problems


def result(lang: str, folder: Path, name: str | None, text: str, save: bool) -> list:
    t = lambda key, **v: translate(lang, key, **v)  # noqa: E731 - a local shorthand
    name = (name or "").strip()
    if not text.strip():
        return [html.P(t("admin.rules.empty"), className="admin-error")]
    if len(text) > MAX_CHARS:
        return [html.P(t("admin.upload.too_big"), className="admin-error")]
    if not device_profiles.good_name(name):
        return [html.P(t("admin.profiles.bad_name"), className="admin-error",
                       id="admin-profiles-bad-name")]
    found, problems = checked(folder, name, text)
    if problems:
        return [html.P(t("admin.rules.invalid", count=len(problems)), className="admin-error",
                       id="admin-profiles-invalid"), problems_table(lang, problems)]
    if not save:
        return [html.P(t("admin.profiles.valid", kinds=len(found.kinds)), className="admin-ok",
                       id="admin-profiles-valid")]
    version = device_profiles.save(connection(), name, text, recorded_as(acting_admin()))
    return [html.P(t("admin.profiles.saved", file=name, version=version), className="admin-ok",
                   id="admin-profiles-saved")]


def register(app: Dash, folder: Path) -> None:
    @app.callback(Output("admin-profiles-text", "value"),
                  Output("admin-profiles-name", "value"),
                  Output("admin-profiles-result", "children", allow_duplicate=True),
                  Input("admin-profiles-upload", "contents"),
                  State("admin-profiles-upload", "filename"), prevent_initial_call=True)
    def upload(contents, filename):
        try:
            return upload_text(contents), filename, []
        except UploadError as exc:
            return no_update, no_update, [html.P(translate(language(), exc.key),
                                                 className="admin-error")]

    @app.callback(Output("admin-profiles-result", "children"),
                  Input("admin-profiles-check", "n_clicks"),
                  Input("admin-profiles-save", "n_clicks"),
                  State("admin-profiles-name", "value"), State("admin-profiles-text", "value"),
                  prevent_initial_call=True)
    def check(check_clicks, save_clicks, name, text):
        acting_admin()  # checking writes nothing, but the tab is the admins'
        save = ctx.triggered_id == "admin-profiles-save"
        return result(language(), folder, name, text or "", save)
