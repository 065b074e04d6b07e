"""What an answer means for access: "allow", "deny", or anything else spelled out (a 500, a
refusal with the wrong status), which always fails a rule."""

from __future__ import annotations

import json

import requests

from dashboard.i18n import translate
from tests.access.spec import ALLOW, DENY

LANG = "zh-CN"  # the deployment's default language: what the servers answer in


def _fixed_part(key: str, **values: str) -> str:
    """The catalogue text up to its first placeholder: what every variant of it shows."""
    return translate(LANG, key, **{name: "\x00" for name in values}).split("\x00")[0]


TRIAGE_NOT_FOUND = translate(LANG, "triage.detail.not_found")
TRIAGE_MOVE_NOT_FOUND = translate(LANG, "triage.msg.not_found")
TRIAGE_CONFLICT = translate(LANG, "triage.msg.conflict")
WORKER_NOT_FOUND = translate(LANG, "worker.not_found")
WORKER_CONFLICT = _fixed_part("worker.conflict", state="")


def readable(answer: requests.Response) -> str:
    """The answer's JSON with its Chinese as characters (Dash escapes them as \\uXXXX)."""
    try:
        return json.dumps(answer.json(), ensure_ascii=False)
    except ValueError:
        return answer.text


def other(answer: requests.Response) -> str:
    return f"other: {answer.status_code} {answer.text[:120]!r}"


def callback(answer: requests.Response, anonymous: bool) -> str:
    """A Dash callback: it ran (200, or 204 when it had nothing to change) or the guard
    refused it (401 without a session, 403 for a role the page is not for)."""
    if answer.status_code in (200, 204):
        return ALLOW
    if answer.status_code == (401 if anonymous else 403) and "error" in answer.json():
        return DENY
    return other(answer)


def layout(answer: requests.Response, page: str, anonymous: bool) -> str:
    """The router's answer for a page: the page's layout, or the refusal block."""
    if anonymous or answer.status_code != 200:
        return callback(answer, anonymous)
    if "shell-denied" in answer.text:
        return DENY
    if f"page-{page}" in answer.text:
        return ALLOW
    return other(answer)


def page_get(answer: requests.Response, anonymous: bool) -> str:
    """GET /<page>: Dash's index page for a session, the login redirect without one."""
    if anonymous:
        if answer.status_code == 302 and answer.headers["Location"].startswith("/login"):
            return DENY
        return other(answer)
    return ALLOW if answer.status_code == 200 else other(answer)


def export(answer: requests.Response, anonymous: bool) -> str:
    if answer.status_code == 200:
        return ALLOW
    if answer.status_code == (401 if anonymous else 403):
        return DENY
    return other(answer)


def api(answer: requests.Response, anonymous: bool) -> str:
    """An API route: answered (2xx; 409 for our deliberately stale move) or refused (401
    without a token). A 404 is the refusal for a case outside the caller's area."""
    if 200 <= answer.status_code < 300 or answer.status_code == 409:
        return ALLOW
    if anonymous and answer.status_code == 401:
        return DENY
    if not anonymous and answer.status_code == 404:
        return DENY
    return other(answer)


def share(answer: requests.Response) -> str:
    """A sharing route: rows (200) or refused, for want of a key (401) or its scope (403)."""
    if answer.status_code == 200:
        return ALLOW
    if answer.status_code in (401, 403):
        return DENY
    return other(answer)


def shows_case(answer: requests.Response, marker: str, found: str, not_found: str) -> str:
    """A dashboard callback given a case id: it shows the case (the flow's answer `found`)
    or says there is no such case in the area and shows nothing of it (no `marker`: the
    case's title in the triage panel, its card's id in the worker's list — titles repeat)."""
    if answer.status_code != 200:
        return other(answer)
    text = readable(answer)
    if not_found in text and marker not in text:
        return DENY
    if found in text and not_found not in text:
        return ALLOW
    return other(answer)
