"""What can go wrong in dispatch, in words an operator or an administrator can act on."""

from __future__ import annotations

from alerts.cases.errors import CaseError


class ScheduleError(ValueError):
    """A worker's schedule cannot be read; the message says which part and why."""


class RosterError(ValueError):
    """A roster file cannot be imported; the message names the file, the line or row."""


class NobodyToDispatch(CaseError):
    """No active, on-duty worker in any tier's pool; `tried` says what each tier had."""

    def __init__(self, alert_id: int, tried: list[str]) -> None:
        super().__init__(f"case {alert_id}: nobody to dispatch to: " + "; ".join(tried))
        self.alert_id = alert_id
        self.tried = tried
