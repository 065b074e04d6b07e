"""The access matrix: every page, export, Dash callback and API route × every role, and every
case-id resource × account × case inside / outside the area, sent straight to the servers.

Each request's answer becomes "allow", "deny" or a description of anything else; a check
passes when that equals spec.py's expectation. Moves are asked with a stale version, so a
granted one ends in the case flow's conflict answer and changes nothing in the shared world.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests

from tests.access import dash_calls, spec, verdicts
from tests.access.cases import Case
from tests.access.logins import TIMEOUT, Logins

STALE = 1000  # added to a case's version: the move is refused as a conflict, never made


@dataclass(frozen=True)
class Check:
    resource: str      # e.g. "page /triage", "api POST /api/v1/login"
    who: str           # a role, or "account × case" for the area rows
    expected: str
    got: str

    @property
    def passed(self) -> bool:
        return self.got == self.expected


def page_checks(logins: Logins, deps: list[dict]) -> Iterator[Check]:
    for page in spec.PAGES:
        for role in spec.ROLES:
            account = spec.ACCOUNT_OF_ROLE[role]
            anonymous = account is None
            shown = verdicts.page_get(logins.dashboard_get(account, f"/{page}"), anonymous)
            laid = verdicts.layout(logins.dashboard_post(
                account, dash_calls.CALLBACK_PATH, dash_calls.layout_body(deps, page)),
                page, anonymous)
            if anonymous:  # both refuse: the redirect to /login and the 401
                got = laid if shown == laid else f"mixed: {shown} / {laid}"
            else:  # the index is the same for every session; the layout decides
                got = laid if shown == spec.ALLOW else shown
            yield Check(f"page /{page}", role, spec.page_expected(role, page), got)


def export_checks(logins: Logins) -> Iterator[Check]:
    for path, page in spec.EXPORTS.items():
        for role in spec.ROLES:
            account = spec.ACCOUNT_OF_ROLE[role]
            got = verdicts.export(logins.dashboard_get(account, path), account is None)
            yield Check(f"export {path}", role, spec.page_expected(role, page), got)


def callback_checks(logins: Logins, deps: list[dict]) -> Iterator[Check]:
    for callback in dash_calls.server_callbacks(deps):
        page = dash_calls.page_of(callback)
        assert page is not None and (page == "" or page in spec.PAGES), callback["output"]
        for role in spec.ROLES:
            account = spec.ACCOUNT_OF_ROLE[role]
            answer = logins.dashboard_post(account, dash_calls.CALLBACK_PATH,
                                           dash_calls.empty_body(callback))
            yield Check(f"callback {callback['output'][:60]}", role,
                        spec.callback_expected(role, page),
                        verdicts.callback(answer, account is None))


ApiCall = Callable[[Logins, str | None, dict[str, Case]], requests.Response]


def _api(logins: Logins, method: str, path: str, account: str | None, *, fresh: bool = False,
         **kwargs) -> requests.Response:
    headers = logins.api_headers(account, fresh)
    return logins.servers.keep(requests.request(method, f"{logins.servers.api}{path}",
                                                headers=headers, timeout=TIMEOUT, **kwargs))


def _login(logins: Logins, account: str | None, _cases: dict[str, Case]) -> requests.Response:
    # Logging in is open to anyone: the anonymous caller logs in as the operator.
    return _api(logins, "POST", "/api/v1/login", None,
                json={"username": account or "operator", "password": logins.password})


def _move(logins: Logins, account: str | None, case: Case) -> requests.Response:
    return _api(logins, "POST", f"/api/v1/cases/{case.id}/transitions", account,
                json={"action": "confirm", "expected_version": case.version + STALE})


# One request per route of the OpenAPI document; the matrix test fails on a route missing
# here, so a new route cannot ship without its access rows.
API_CALLS: dict[tuple[str, str], ApiCall] = {
    ("GET", "/healthz"): lambda lg, acc, _c: _api(lg, "GET", "/healthz", acc),
    ("GET", "/api/v1/openapi.json"): lambda lg, acc, _c: _api(lg, "GET",
                                                              "/api/v1/openapi.json", acc),
    ("POST", "/api/v1/login"): _login,
    # A token of its own: logging out revokes the one it is sent with.
    ("POST", "/api/v1/logout"): lambda lg, acc, _c: _api(lg, "POST", "/api/v1/logout", acc,
                                                         fresh=True),
    ("GET", "/api/v1/cases"): lambda lg, acc, _c: _api(lg, "GET", "/api/v1/cases", acc),
    ("GET", "/api/v1/cases/{case_id}"): lambda lg, acc, c: _api(
        lg, "GET", f"/api/v1/cases/{own_case(acc, c).id}", acc),
    ("POST", "/api/v1/cases/{case_id}/transitions"): lambda lg, acc, c: _move(
        lg, acc, own_case(acc, c)),
}


# The sharing API's routes: user tokens are not keys, so every role is refused (401); the
# keys' own rows are share_checks below.
for _dataset in spec.SHARE_DATASETS:
    API_CALLS[("GET", f"/share/v1/{_dataset}")] = (
        lambda lg, acc, _c, _path=f"/share/v1/{_dataset}": _api(lg, "GET", _path, acc))


def own_case(account: str | None, cases: dict[str, Case]) -> Case:
    """A case the account may see, for the role checks (area is checked on its own)."""
    return cases["unit"] if account and account.startswith("unit_") else cases["hp"]


def api_routes(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, operations in document["paths"].items()
            for method in operations}


def api_checks(logins: Logins, cases: dict[str, Case]) -> Iterator[Check]:
    for (method, path), call in API_CALLS.items():
        for role in spec.ROLES:
            account = spec.ACCOUNT_OF_ROLE[role]
            answer = call(logins, account, cases)
            got = (verdicts.share(answer) if path.startswith("/share/")
                   else verdicts.api(answer, account is None))
            yield Check(f"api {method} {path}", role, spec.api_expected(role, method, path),
                        got)


def share_checks(logins: Logins, keys: dict[str, str]) -> Iterator[Check]:
    """Every sharing route × a key of each kind in spec.SHARE_KEYS."""
    for name, secret in keys.items():
        for dataset in spec.SHARE_DATASETS:
            answer = logins.servers.keep(requests.get(
                f"{logins.servers.api}/share/v1/{dataset}?area={spec.SHARE_AREA}",
                headers={"Authorization": f"ApiKey {secret}"}, timeout=TIMEOUT))
            yield Check(f"share /share/v1/{dataset}", name, spec.SHARE_KEYS[name][dataset],
                        verdicts.share(answer))


def _area_answer(logins: Logins, deps: list[dict], resource: str, account: str,
                 case: Case) -> str:
    if resource == "dashboard triage detail":
        answer = logins.dashboard_post(account, dash_calls.CALLBACK_PATH,
                                       dash_calls.triage_detail_body(deps, case.id))
        return verdicts.shows_case(answer, case.title, case.title, verdicts.TRIAGE_NOT_FOUND)
    if resource == "dashboard triage move":
        answer = logins.dashboard_post(account, dash_calls.CALLBACK_PATH,
                                       dash_calls.triage_move_body(case.id, case.version + STALE))
        return verdicts.shows_case(answer, case.title, verdicts.TRIAGE_CONFLICT,
                                   verdicts.TRIAGE_MOVE_NOT_FOUND)
    if resource == "dashboard worker move":
        answer = logins.dashboard_post(account, dash_calls.CALLBACK_PATH,
                                       dash_calls.worker_move_body(deps, case.id,
                                                                   case.version + STALE))
        card = f'"worker-task-{case.id}"'  # quoted: worker-task-1 is in worker-task-14
        return verdicts.shows_case(answer, card, verdicts.WORKER_CONFLICT,
                                   verdicts.WORKER_NOT_FOUND)
    if resource == "api GET /api/v1/cases/{case_id}":
        answer = _api(logins, "GET", f"/api/v1/cases/{case.id}", account)
        got = verdicts.api(answer, False)
        return got if got != spec.ALLOW or answer.json()["id"] == case.id else "other: id"
    return verdicts.api(_move(logins, account, case), False)


def area_checks(logins: Logins, deps: list[dict], cases: dict[str, Case]) -> Iterator[Check]:
    for resource, accounts in spec.AREA_RESOURCES.items():
        for account in accounts:
            for which in spec.CASES:
                got = _area_answer(logins, deps, resource, account, cases[which])
                yield Check(f"area {resource}", f"{account} × {which}",
                            spec.AREA[account][which], got)


def dependencies(logins: Logins) -> list[dict]:
    """Dash's callback list, as a logged-in browser fetches it."""
    answer = logins.dashboard_get("admin", "/_dash-dependencies")
    assert answer.status_code == 200
    return answer.json()


def run_all(logins: Logins, cases: dict[str, Case]) -> list[Check]:
    deps = dependencies(logins)
    return [*page_checks(logins, deps), *export_checks(logins),
            *callback_checks(logins, deps), *api_checks(logins, cases),
            *area_checks(logins, deps, cases)]
