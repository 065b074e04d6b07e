"""Why a message cannot be stored: a short stable reason (counted in /metrics) and detail."""


class BadMessage(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
