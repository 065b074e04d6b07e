"""The SLA ticker's bookkeeping on each case: which stage clock it watches, warned, escalated."""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "SLA ticker: stage markers, warning and escalation bookkeeping on alerts"

# alerts.due_at exists since m0001; the ticker now keeps it current. The sla_* columns
# name one run of one stage (a reopened case starts a new run) so that a warning and an
# escalation are recorded once per run and per tier, however often the ticker runs.
ESCALATION = """
ALTER TABLE alerts
    ADD COLUMN sla_level text
        CHECK (sla_level IN ('ok', 'warning', 'overdue', 'paused', 'finished')),
    ADD COLUMN sla_stage text CHECK (sla_stage IN ('accept', 'dispatch', 'handle', 'verify')),
    ADD COLUMN sla_stage_started_at timestamptz,
    ADD COLUMN sla_warned_at timestamptz,
    ADD COLUMN sla_escalated_elapsed interval NOT NULL DEFAULT '0';

-- The wall screen and the ticker ask "what is due next" of open cases only.
CREATE INDEX alerts_open_due_idx ON alerts (due_at)
    WHERE state NOT IN ('closed', 'rejected', 'resolved');
"""


def apply(cur, features: Features) -> None:
    cur.execute(ESCALATION)
