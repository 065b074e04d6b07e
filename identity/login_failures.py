"""The login lock of `ratelimit.LoginLimiter`, kept in a table so that every worker process
of the dashboard sees the same failures: five wrong passwords for one name from one address
within five minutes lock that pair, whichever process answered them.

Same interface as LoginLimiter; each call uses the request's pooled connection and the
caller's transaction (the login route commits it with the login's own work). Rows older
than the window are deleted as failures are written, so guessing many names cannot fill
the table for long.
"""

from __future__ import annotations

from identity.pool import connection

RECENT = """
SELECT count(*), extract(epoch FROM min(at) + make_interval(secs => %(window)s) - now())
FROM login_failures
WHERE username = %(name)s AND address = %(address)s
  AND at > now() - make_interval(secs => %(window)s)
"""
ADD = "INSERT INTO login_failures (username, address) VALUES (%s, %s)"
FORGET_OLD = "DELETE FROM login_failures WHERE at < now() - make_interval(secs => %s)"
FORGET_PAIR = "DELETE FROM login_failures WHERE username = %s AND address = %s"


def _name(username: str) -> str:
    """The lock's key: case-folded; a NUL (PostgreSQL text cannot hold one) stands as U+FFFD,
    so a name with one is locked like any other rather than crashing the login."""
    return username.casefold().replace("\x00", "\ufffd")


class SharedLoginLimiter:
    def __init__(self, max_failures: int = 5, window_seconds: float = 300.0) -> None:
        self.max_failures = max_failures
        self.window = window_seconds

    def retry_after(self, username: str, address: str) -> float:
        """Seconds until this pair may try again; 0 when it may try now."""
        with connection().cursor() as cur:
            cur.execute(RECENT, {"name": _name(username), "address": address,
                                 "window": self.window})
            count, seconds = cur.fetchone()
        if count < self.max_failures:
            return 0.0
        return max(float(seconds), 0.001)

    def failed(self, username: str, address: str) -> None:
        conn = connection()
        with conn.cursor() as cur:
            cur.execute(FORGET_OLD, (self.window,))
            cur.execute(ADD, (_name(username), address))
        conn.commit()

    def succeeded(self, username: str, address: str) -> None:
        with connection().cursor() as cur:
            cur.execute(FORGET_PAIR, (_name(username), address))
