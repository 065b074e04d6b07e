"""Failed logins shared by every dashboard worker process (identity/login_failures.py)."""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "login failures: one lock across processes"

LOGIN_FAILURES = """
CREATE TABLE login_failures (
    username text NOT NULL,        -- case-folded, so WANG and wang share one lock
    address text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_pair_idx ON login_failures (username, address, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);
"""


def apply(cur, features: Features) -> None:
    cur.execute(LOGIN_FAILURES)
