"""The admin callbacks through the real app (guard, session, callback) on a real database:
admins change things, everyone else gets 403, and a deactivated user's session ends."""

import base64
import json
import logging
import re

import pytest

from cityops.settings import Settings
from dashboard.app import create_app
from dashboard.context import PageContext
from identity.users import add_user
from store import db as store_db

pytestmark = pytest.mark.integration

PASSWORD = "a-long-enough-password"
CALLBACK = "/_dash-update-component"


@pytest.fixture(scope="module")
def site(isolated, small_city_areas):
    from geo import store as geo_store
    run: Settings = isolated("admincb")
    conn = store_db.connect(run.database_url)
    geo_store.write_areas(conn, small_city_areas)
    conn.commit()
    for name, role, area in (("cb.admin", "admin", "310000"), ("cb.operator", "operator",
                                                                "310000"),
                             ("cb.victim", "manager", "310101")):
        add_user(conn, name, PASSWORD, role, area)
    conn.close()
    app = create_app(PageContext(run))
    app.server.config["TEST_DASH_APP"] = app
    yield app.server, run


def _client(server, username: str):
    client = server.test_client()
    answer = client.post("/login", data={"username": username, "password": PASSWORD,
                                         "next": "/admin"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return client


def _call(client, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, object]],
          state: list[tuple[str, str, object]] = ()):
    """POST a callback as the browser would (Dash's multi-output form)."""
    output = (f"{outputs[0][0]}.{outputs[0][1]}" if len(outputs) == 1 else
              ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..")
    # Outputs shared by several callbacks carry a suffix (prop@hash) in the app's own key.
    app = client.application.config["TEST_DASH_APP"]
    output = next((key for key in app.callback_map
                   if re.sub(r"@[0-9a-f]+", "", key) == output), output)
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    declared = [tuple(part.rsplit(".", 1)) for part in parts]
    body = {"output": output,
            "outputs": [{"id": i, "property": p} for i, p in declared]
            if len(declared) > 1 else {"id": declared[0][0], "property": declared[0][1]},
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [f"{i}.{p}" for i, p, _ in inputs]}
    return client.post(CALLBACK, json=body)


ADD_OUTPUTS = [("admin-users-add-result", "children"), ("admin-users-grid", "rowData"),
               ("admin-users-password", "value"), ("admin-users-again", "value")]


def _add_user(client, username: str, password: str = PASSWORD, area: str = "310101"):
    return _call(client, ADD_OUTPUTS, [("admin-users-add", "n_clicks", 1)], [
        ("admin-users-username", "value", username), ("admin-users-display", "value", "新人"),
        ("admin-users-role", "value", "operator"), ("admin-users-area", "value", area),
        ("admin-users-password", "value", password), ("admin-users-again", "value", password),
        ("admin-users-unit", "value", None)])


def test_an_operator_posting_an_admin_callback_gets_403(site) -> None:
    server, _ = site
    operator = _client(server, "cb.operator")
    refused = _add_user(operator, "cb.sneaky")
    assert refused.status_code == 403
    upload = _call(operator, [("admin-devices-report", "children"),
                              ("admin-devices-version", "data")],
                   [("admin-devices-upload", "contents", "data:text/csv;base64,")])
    assert upload.status_code == 403
    assert operator.get("/export/admin/devices-template.csv").status_code == 403


def test_the_admin_page_refuses_an_operator_in_its_layout(site) -> None:
    server, _ = site
    operator = _client(server, "cb.operator")
    # The page's content comes through Dash's router callback, which every role may call.
    page = _call(operator, [("_pages_content", "children"), ("_pages_store", "data")],
                 [("_pages_location", "pathname", "/admin"),
                  ("_pages_location", "search", "")])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "shell-denied" in text and "admin-devices-grid" not in text


def test_an_admin_adds_a_user_and_a_short_password_is_refused(site, caplog) -> None:
    server, _ = site
    admin = _client(server, "cb.admin")
    short = _add_user(admin, "cb.short", password="short")
    assert short.status_code == 200
    assert "密码至少需要 10 个字符" in short.get_data(as_text=True)
    with caplog.at_level(logging.INFO, logger="cityops.audit"):
        added = _add_user(admin, "cb.new")
    assert added.status_code == 200
    body = json.loads(added.get_data(as_text=True))["response"]
    assert "已添加用户 cb.new" in json.dumps(body, ensure_ascii=False)
    rows = body["admin-users-grid"]["rowData"]
    assert "cb.new" in {r["username"] for r in rows}
    assert not any("hash" in key or "password" in key for r in rows for key in r)
    assert any(r.action == "user.add" and r.target == "cb.new" and r.actor == "cb.admin"
               for r in caplog.records)
    assert _client(server, "cb.new")  # the new account logs in
    again = _add_user(admin, "cb.new")
    assert "用户名已存在" in again.get_data(as_text=True)


def test_deactivating_a_user_ends_their_session_at_once(site, caplog) -> None:
    server, run = site
    victim = _client(server, "cb.victim")
    assert victim.get("/_dash-layout").status_code == 200
    admin = _client(server, "cb.admin")
    listed = _call(admin, [("admin-tab-body", "children")],
                   [("admin-tabs", "value", "users")])
    assert listed.status_code == 200 and "cb.victim" in listed.get_data(as_text=True)
    chosen = {"id": _user_id(run, "cb.victim"), "username": "cb.victim"}
    with caplog.at_level(logging.INFO, logger="cityops.audit"):
        done = _call(admin, [("admin-users-message", "children"),
                             ("admin-users-grid", "rowData")],
                     [("admin-users-deactivate", "submit_n_clicks", 1)],
                     [("admin-users-grid", "selectedRows", [chosen])])
    assert done.status_code == 200
    assert "已停用 cb.victim" in done.get_data(as_text=True)
    assert victim.get("/_dash-layout").status_code == 401
    assert any(r.action == "user.deactivate" and r.tokens_revoked >= 1 for r in caplog.records)
    # an admin cannot lock themselves out
    me = {"id": _user_id(run, "cb.admin"), "username": "cb.admin"}
    refused = _call(admin, [("admin-users-message", "children"), ("admin-users-grid", "rowData")],
                    [("admin-users-deactivate", "submit_n_clicks", 2)],
                    [("admin-users-grid", "selectedRows", [me])])
    assert "不能停用自己的账号" in refused.get_data(as_text=True)


def test_device_import_through_the_callback_reports_lines(site) -> None:
    server, _ = site
    admin = _client(server, "cb.admin")
    text = ("device_id,kind,name,lon,lat\n"
            "cb-lamp,streetlight,灯,121.4846,31.2330\nbad,nope,,,\n")
    contents = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
    done = _call(admin, [("admin-devices-report", "children"), ("admin-devices-version", "data")],
                 [("admin-devices-upload", "contents", contents)],
                 [("admin-devices-upload", "filename", "d.csv"),
                  ("admin-devices-version", "data", 0)])
    assert done.status_code == 200
    body = done.get_data(as_text=True)
    assert "新增 1 台" in body and "拒绝 1 行" in body and "第 3 行" in body
    template = admin.get("/export/admin/devices-template.csv")
    assert template.status_code == 200 and b"device_id,kind" in template.data


def _user_id(run: Settings, username: str) -> int:
    from identity.users import list_users
    conn = store_db.connect(run.database_url)
    try:
        return next(u.id for u in list_users(conn) if u.username == username)
    finally:
        conn.close()
