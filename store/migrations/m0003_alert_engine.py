"""The alerts engine's memory: evaluator state and the stream offsets it belongs to.

Both are written in the transaction that opens or resolves the cases they produced, so a
restarted engine resumes exactly there: no hold timer lost, no alert fired twice.
"""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "alerts engine state"

ENGINE_STATE = """
CREATE TABLE alert_engine_state (
    consumer_group text PRIMARY KEY,
    state jsonb NOT NULL,
    offsets jsonb NOT NULL DEFAULT '{}',
    saved_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_rule_idx ON alerts (rule_id);
"""


def apply(cur, features: Features) -> None:
    cur.execute(ENGINE_STATE)
