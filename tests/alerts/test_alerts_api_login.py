"""Logins against the real app and database: tokens, wrong passwords, limits, expiry, logout."""

from __future__ import annotations

import pytest

from alerts.api.app import create_app
from identity.pool import POOL_KEY
from identity.ratelimit import LoginLimiter
from identity.users import add_user
from store import db as store_db

pytestmark = pytest.mark.integration

PASSWORD = "网格-correct horse"


@pytest.fixture(scope="module")
def world(isolated):
    settings = isolated("api_login")
    conn = store_db.connect(settings.database_url)
    add_user(conn, "li.operator", PASSWORD, "operator", "310101", "李四")
    add_user(conn, "gone", PASSWORD, "operator", "310101")
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE users SET active = false WHERE username = 'gone'")
    app = create_app(settings.database_url, limiter=LoginLimiter(max_failures=3))
    yield app.test_client(), conn
    app.extensions[POOL_KEY].close()
    conn.close()


def login(client, username, password=PASSWORD, address="127.0.0.1"):
    return client.post("/api/v1/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_login_gives_a_token_that_opens_the_api(world):
    client, conn = world
    answer = login(client, "li.operator")
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["token_type"] == "Bearer" and body["user"]["role"] == "operator"
    assert "password_hash" not in answer.text and PASSWORD not in answer.text
    assert client.get("/api/v1/cases", headers=bearer(body["token"])).status_code == 200
    with conn.cursor() as cur:  # stored as a digest only
        cur.execute("SELECT count(*) FROM api_tokens WHERE token_hash = %s", (body["token"],))
        assert cur.fetchone()[0] == 0
    conn.rollback()


@pytest.mark.parametrize("username, password", [("li.operator", "wrong"), ("nobody", PASSWORD),
                                                ("gone", PASSWORD)])
def test_wrong_password_unknown_or_inactive_user_look_the_same(world, username, password):
    client, _ = world
    answer = login(client, username, password, address="10.1.0.1")
    assert answer.status_code == 401
    assert answer.json == {"error": "wrong username or password"}


@pytest.mark.parametrize("body", [None, {}, {"username": "li.operator"},
                                  {"username": 1, "password": "x"}])
def test_malformed_login_is_a_400(world, body):
    client, _ = world
    assert client.post("/api/v1/login", json=body).status_code == 400


def test_too_many_failures_lock_that_name_from_that_address(world):
    client, _ = world
    for _ in range(3):
        assert login(client, "li.operator", "guess", address="10.9.9.9").status_code == 401
    locked = login(client, "li.operator", address="10.9.9.9")  # even the right password
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert login(client, "li.operator", address="10.9.9.8").status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc"])
def test_without_a_valid_token_routes_answer_401(world, header):
    client, _ = world
    headers = {"Authorization": header} if header else {}
    for method, path in [("get", "/api/v1/cases"), ("get", "/api/v1/cases/1"),
                         ("post", "/api/v1/cases/1/transitions"), ("post", "/api/v1/logout")]:
        answer = getattr(client, method)(path, headers=headers, json={})
        assert answer.status_code == 401, (method, path)
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_refused(world):
    client, conn = world
    token = login(client, "li.operator").json["token"]
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE api_tokens SET expires_at = now() - interval '1 second' "
                    "WHERE token_hash = encode(sha256(%s::bytea), 'hex')", (token,))
        assert cur.rowcount == 1
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 401


def test_logout_revokes_the_token(world):
    client, _ = world
    token = login(client, "li.operator").json["token"]
    assert client.post("/api/v1/logout", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 401


def test_health_needs_no_login(world):
    client, _ = world
    assert client.get("/healthz").json == {"ok": True}
