"""The states of a case in the digital urban-management case flow, with their Chinese names."""

from __future__ import annotations

# Codes are what the database stores; the Chinese names are what operators see.
STATES: dict[str, str] = {
    "new": "受理",
    "confirmed": "立案",
    "rejected": "不予立案",
    "dispatched": "派遣",
    "in_progress": "处置",
    "handled": "处置完毕",
    "closed": "核查结案",
    "returned": "退回",
    "extended": "延期",
    "parked": "挂账",
    "resolved": "自动恢复",
}

# Finished cases; the open-fingerprint index in m0001 uses the same three.
FINISHED: frozenset[str] = frozenset({"closed", "rejected", "resolved"})
OPEN: frozenset[str] = frozenset(STATES) - FINISHED

# While a case waits on an approved extension or is parked its SLA clock stands still.
PAUSED: frozenset[str] = frozenset({"extended", "parked"})


def label(state: str) -> str:
    """`in_progress (处置)`: how refusals and docs name a state."""
    return f"{state} ({STATES[state]})" if state in STATES else repr(state)
