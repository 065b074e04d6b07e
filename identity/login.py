"""The one password check behind both logins: the dashboard's form and `POST /api/v1/login`.

Written once because it is security code: the lock is checked before the password, the
decoy hash keeps "no such user" as slow as "wrong password", and every outcome is told to
the limiter. The callers only turn the answer into their own response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from identity.passwords import DECOY_HASH, verify_password
from identity.users import User, credentials

LOCKED = "locked"  # too many recent failures for this name from this address
WRONG = "wrong"  # no such user, a wrong password or an inactive account: never said which


class Limiter(Protocol):
    """`ratelimit.LoginLimiter` (one process) or `login_failures.SharedLoginLimiter` (a table)."""

    def retry_after(self, username: str, address: str) -> float: ...
    def failed(self, username: str, address: str) -> None: ...
    def succeeded(self, username: str, address: str) -> None: ...


@dataclass(frozen=True)
class Refusal:
    reason: str  # LOCKED or WRONG
    retry_after: float = 0.0  # seconds until a locked pair may try again


def authenticate(cur, limiter: Limiter, username: str, password: str,
                 address: str) -> User | Refusal:
    """The account these credentials open, or why not. Runs in the caller's transaction."""
    wait = limiter.retry_after(username, address)
    if wait:
        return Refusal(LOCKED, wait)
    found = credentials(cur, username)
    # The decoy keeps the time of "no such user" equal to "wrong password".
    good = verify_password(password, found[1] if found else DECOY_HASH)
    if not (found and good and found[0].active):
        limiter.failed(username, address)
        return Refusal(WRONG)
    limiter.succeeded(username, address)
    return found[0]
