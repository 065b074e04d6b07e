"""Every Dash callback × every role, posted straight to the server (not through the page):
a role the callback's page is not for gets 403 and no data; a role it is for gets through
the guard (the callback then answers with its own checks)."""

import pytest
import requests

from dashboard.access import PAGE_ROLES, callback_page

pytestmark = pytest.mark.integration

ACCOUNTS = {"admin": "admin", "operator": "operator", "leader": "leader",
            "manager_hp": "manager", "worker_hp": "worker"}


def _session(world, username: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{world.url}/login", data={"username": username,
                                                      "password": world.password},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return session


def _body(callback: dict) -> dict:
    """A callback request the way Dash's renderer sends one, every input empty."""
    inputs = [{"id": item["id"], "property": item["property"], "value": None}
              for item in callback.get("inputs", [])]
    state = [{"id": item["id"], "property": item["property"], "value": None}
             for item in callback.get("state", [])]
    return {"output": callback["output"], "outputs": [], "inputs": inputs, "state": state,
            "changedPropIds": []}


@pytest.fixture(scope="module")
def callbacks(dashboard_world) -> list[dict]:
    session = _session(dashboard_world, "admin")
    found = session.get(f"{dashboard_world.url}/_dash-dependencies", timeout=10).json()
    pages = {callback_page(cb["output"]) for cb in found}
    # Every page contributes callbacks, so the matrix below covers each page's rows.
    assert set(PAGE_ROLES) <= pages, f"pages without callbacks: {set(PAGE_ROLES) - pages}"
    return [cb for cb in found if callback_page(cb["output"])]


@pytest.mark.parametrize("account", list(ACCOUNTS))
def test_callbacks_of_pages_not_for_the_role_are_refused(dashboard_world, callbacks,
                                                         account) -> None:
    role = ACCOUNTS[account]
    session = _session(dashboard_world, account)
    for callback in callbacks:
        page = callback_page(callback["output"])
        answer = session.post(f"{dashboard_world.url}/_dash-update-component",
                              json=_body(callback), timeout=30)
        if role in PAGE_ROLES[page]:
            assert answer.status_code not in (401, 403), (callback["output"], answer.text)
        else:
            assert answer.status_code == 403, (callback["output"], answer.status_code)
            assert "response" not in answer.text


def test_unknown_callback_ids_are_refused(dashboard_world) -> None:
    session = _session(dashboard_world, "admin")
    for output in ("secret-table.data", "..wall-map.figure...admin-users.data..", ""):
        answer = session.post(f"{dashboard_world.url}/_dash-update-component",
                              json={"output": output, "inputs": []}, timeout=10)
        assert answer.status_code == 403, output
