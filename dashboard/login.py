"""`/login`, `/logout` and `/lang/<language>`: plain Flask routes around the Dash pages.

The login form is server-rendered HTML (no script needed to log in). The password is
checked by identity/login.py, the same check as the API's; a good one issues a token
(identity/tokens.py) that becomes the session cookie, five wrong ones for a name from one
address lock that pair for a while.
"""

from __future__ import annotations

from datetime import timedelta

import flask
from markupsafe import escape

from dashboard import access
from dashboard.i18n import LANGUAGES, translate
from dashboard.session import LANGUAGE_COOKIE, SESSION_COOKIE, language
from identity.login import LOCKED, Refusal, authenticate
from identity.pool import connection
from identity.tokens import issue, revoke

bp = flask.Blueprint("login", __name__)

SESSION_SECONDS_KEY = "CITYOPS_SESSION_SECONDS"
LIMITER_KEY = "CITYOPS_LOGIN_LIMITER"
SECURE_KEY = "CITYOPS_SECURE_COOKIES"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: `//evil.example` or `https://...` would be an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _page(lang: str, message: str = "", username: str = "", target: str = "/") -> str:
    t = lambda key: escape(translate(lang, key))  # noqa: E731 - a local shorthand
    other = "en" if lang == "zh-CN" else "zh-CN"
    error = f'<p id="login-error" class="login-error">{escape(message)}</p>' if message else ""
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t("login.title")} · CityOps</title>
<link rel="stylesheet" href="/assets/cityops.css"></head>
<body class="login-body"><main class="login-card">
<h1>{t("app.title")}</h1><p class="login-tagline">{t("app.tagline")}</p>
<form method="post" action="/login" id="login-form">
<input type="hidden" name="next" value="{escape(target)}">
<label for="login-username">{t("login.username")}</label>
<input id="login-username" name="username" autocomplete="username"
 value="{escape(username)}" required>
<label for="login-password">{t("login.password")}</label>
<input id="login-password" name="password" type="password" autocomplete="current-password" required>
{error}
<button id="login-submit" type="submit">{t("login.submit")}</button>
</form>
<a id="login-lang" class="lang-switch" href="/lang/{other}?next=/login">{t("lang.switch")}</a>
</main></body></html>"""


def _html(body: str, status: int = 200) -> flask.Response:
    return flask.Response(body, status=status, mimetype="text/html")


@bp.get("/login")
def login_form() -> flask.Response:
    return _html(_page(language(), target=_safe_next(flask.request.args.get("next"))))


@bp.post("/login")
def login() -> flask.Response:
    lang = language()
    username = flask.request.form.get("username", "")
    password = flask.request.form.get("password", "")
    target = _safe_next(flask.request.form.get("next"))
    limiter = flask.current_app.config[LIMITER_KEY]
    address = flask.request.remote_addr or "unknown"
    conn = connection()
    with conn, conn.cursor() as cur:
        outcome = authenticate(cur, limiter, username, password, address)
        if isinstance(outcome, Refusal):
            status = 429 if outcome.reason == LOCKED else 401
            message = translate(lang, "login.locked" if status == 429 else "login.wrong")
            return _html(_page(lang, message, username, target), status)
        seconds = flask.current_app.config[SESSION_SECONDS_KEY]
        issued = issue(cur, outcome.id, timedelta(seconds=seconds))
    if target == "/":
        target = "/" + access.HOME_PAGE[outcome.role]
    response = flask.redirect(target)
    response.set_cookie(SESSION_COOKIE, issued.token, max_age=seconds, httponly=True,
                        samesite="Strict", secure=flask.current_app.config[SECURE_KEY])
    return response


# POST only: a GET would let any page's link or image end a user's session. The guard's
# same-origin check (and the SameSite cookie) keep other sites from posting it.
@bp.post("/logout")
def logout() -> flask.Response:
    token = flask.request.cookies.get(SESSION_COOKIE)
    if token:
        conn = connection()
        with conn, conn.cursor() as cur:
            revoke(cur, token)
    response = flask.redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@bp.get("/logout")
def logout_by_link() -> flask.Response:
    """Said, not done: a link cannot log anyone out (the page's button posts)."""
    return flask.Response("log out with the button on the page (POST /logout)\n", 405,
                          {"Allow": "POST", "Content-Type": "text/plain; charset=utf-8"})


@bp.get("/lang/<chosen>")
def switch_language(chosen: str) -> flask.Response:
    if chosen not in LANGUAGES:
        flask.abort(404)
    response = flask.redirect(_safe_next(flask.request.args.get("next")))
    response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 86400, samesite="Lax")
    return response
