"""Every request to the dashboard passes here first: who is it, and may they do this?

Static files and the login page are open. Everything else needs a live session: a page
is redirected to the login, a Dash request (layout, dependencies, callback) gets 401. A
callback is then checked against `access.PAGE_ROLES` by the page its outputs belong to,
and an export route by the page it serves. State-changing requests from another origin
are refused (the cookie is SameSite=Strict as well; this is the second lock).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import flask

from dashboard import access
from dashboard.session import SESSION_COOKIE
from identity.pool import connection
from identity.viewer import resolve

OPEN_PREFIXES = ("/assets/", "/_dash-component-suites/", "/login", "/lang/", "/healthz",
                 "/metrics", "/_favicon.ico", "/favicon.ico")
DASH_PREFIXES = ("/_dash-", "/_reload-hash")
CALLBACK_PATH = "/_dash-update-component"

# Flask routes that serve a page's data outside Dash callbacks (downloads).
ROUTE_PAGES: dict[str, str] = {"/export/summary": "summary", "/export/admin": "admin",
                               "/export/bulletin": "assessment"}


def _deny(status: int, message: str) -> flask.Response:
    response = flask.jsonify(error=message)
    response.status_code = status
    return response


def _same_origin() -> bool:
    origin = flask.request.headers.get("Origin") or flask.request.headers.get("Referer")
    if not origin:
        return True  # not a browser's cross-site request (those always carry Origin)
    ours = urlsplit(flask.request.host_url)
    theirs = urlsplit(origin)
    return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)


def _callback_output() -> str:
    body = flask.request.get_json(silent=True)
    output = body.get("output") if isinstance(body, dict) else None
    return output if isinstance(output, str) else ""


def check() -> flask.Response | None:
    """The before_request hook: None lets the request through."""
    path = flask.request.path
    if flask.request.method not in ("GET", "HEAD", "OPTIONS") and not _same_origin():
        return _deny(403, "cross-site request refused")
    if path.startswith(OPEN_PREFIXES):
        return None
    with connection().cursor() as cur:
        viewer = resolve(cur, flask.request.cookies.get(SESSION_COOKIE))
    connection().rollback()
    if viewer is None:
        if path.startswith(DASH_PREFIXES) or path.startswith(tuple(ROUTE_PAGES)):
            return _deny(401, "log in first")
        return flask.redirect(f"/login?next={quote(path, safe='/')}")
    flask.g.viewer = viewer
    if path == "/":
        return flask.redirect("/" + access.HOME_PAGE[viewer.role])
    if path == CALLBACK_PATH and not access.may_call(viewer.role, _callback_output()):
        return _deny(403, "this action is not for your role")
    for prefix, page in ROUTE_PAGES.items():
        if path.startswith(prefix) and not access.may_open(viewer.role, page):
            return _deny(403, "this page is not for your role")
    return None


def harden(response: flask.Response) -> flask.Response:
    """Headers on every answer: no framing by other sites, no sniffing, nothing cached that
    holds a user's data."""
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not flask.request.path.startswith(("/assets/", "/_dash-component-suites/")):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
