"""Bearer tokens of the HTTP API (alerts/api): one row per login, stored as a SHA-256."""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "api: bearer tokens"

API_TOKENS = """
CREATE TABLE api_tokens (
    id bigserial PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    user_id bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
-- Expired tokens are deleted by age; the index keeps that cheap.
CREATE INDEX api_tokens_expires_idx ON api_tokens (expires_at);
"""


def apply(cur, features: Features) -> None:
    cur.execute(API_TOKENS)
