"""The logged-in user of the current request, and the language they read.

A session is an API token (identity/tokens.py) in an HttpOnly, SameSite=Strict cookie:
the same table, expiry and revocation serve the dashboard and the API, and the database
holds only the token's hash. `guard.py` resolves it (identity/viewer.py) before any page,
layout or callback runs and leaves the `Viewer` in `flask.g`; pages call `viewer()` and
never read cookies.
"""

from __future__ import annotations

import flask

from dashboard.i18n import LANGUAGES
from identity.viewer import Viewer

SESSION_COOKIE = "cityops_session"
LANGUAGE_COOKIE = "cityops_lang"
DEFAULT_LANGUAGE_KEY = "CITYOPS_DEFAULT_LANGUAGE"


def viewer() -> Viewer:
    """The current request's user; the guard has refused the request if there is none."""
    found = flask.g.get("viewer")
    if found is None:
        raise PermissionError("no logged-in user on this request")
    return found


def language() -> str:
    """The reader's language: their cookie, else the deployment's default."""
    chosen = flask.request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return flask.current_app.config.get(DEFAULT_LANGUAGE_KEY, LANGUAGES[0])
