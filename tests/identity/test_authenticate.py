"""The one login check, against the real database: account, refusal and its reason."""

from __future__ import annotations

import pytest

from identity.login import LOCKED, WRONG, Refusal, authenticate
from identity.ratelimit import LoginLimiter
from identity.users import User, add_user
from store import db as store_db

pytestmark = pytest.mark.integration

PASSWORD = "网格-correct horse"


@pytest.fixture(scope="module")
def conn(isolated):
    settings = isolated("identity_login")
    conn = store_db.connect(settings.database_url)
    add_user(conn, "zhao", PASSWORD, "operator", "310101")
    add_user(conn, "off", PASSWORD, "operator", "310101")
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE users SET active = false WHERE username = 'off'")
    yield conn
    conn.close()


def attempt(conn, limiter, username, password=PASSWORD, address="10.0.0.1"):
    with conn, conn.cursor() as cur:
        return authenticate(cur, limiter, username, password, address)


def test_a_good_password_returns_the_account(conn):
    found = attempt(conn, LoginLimiter(), "zhao")
    assert isinstance(found, User) and found.username == "zhao"


@pytest.mark.parametrize("username,password", [("zhao", "wrong"), ("nobody", PASSWORD),
                                               ("off", PASSWORD)])
def test_every_bad_login_gets_the_same_reason(conn, username, password):
    assert attempt(conn, LoginLimiter(), username, password) == Refusal(WRONG)


def test_the_lock_comes_before_the_password_and_success_clears_failures(conn):
    limiter = LoginLimiter(max_failures=2)
    attempt(conn, limiter, "zhao", "wrong")
    assert isinstance(attempt(conn, limiter, "zhao"), User)  # clears the one failure
    for _ in range(2):
        attempt(conn, limiter, "zhao", "wrong")
    refused = attempt(conn, limiter, "zhao")  # the right password, but locked
    assert isinstance(refused, Refusal) and refused.reason == LOCKED
    assert refused.retry_after > 0
    assert isinstance(attempt(conn, limiter, "zhao", address="10.0.0.2"), User)
