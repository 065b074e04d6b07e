"""What can go wrong when someone acts on a case, in words the caller can show a person."""

from __future__ import annotations

from alerts.cases.states import label


class CaseError(Exception):
    """Base of every case-flow error."""


class CaseNotFound(CaseError, LookupError):
    def __init__(self, alert_id: int) -> None:
        super().__init__(f"no case with id {alert_id}")
        self.alert_id = alert_id


class Conflict(CaseError):
    """Someone else changed the case since the caller read it; reload and decide again."""

    def __init__(self, alert_id: int, expected_version: int, state: str, version: int) -> None:
        super().__init__(f"case {alert_id} was changed by someone else: you acted on version "
                         f"{expected_version}, it is now version {version}, {label(state)}")
        self.alert_id = alert_id
        self.expected_version = expected_version
        self.state = state
        self.version = version


class Refused(CaseError):
    """The move is not allowed; `reason` says why in one sentence."""

    def __init__(self, alert_id: int, action: str, reason: str) -> None:
        super().__init__(f"case {alert_id}: {action} refused: {reason}")
        self.alert_id = alert_id
        self.action = action
        self.reason = reason
