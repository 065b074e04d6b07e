"""The optional signed webhook: POST the dispatch message, retry with backoff, record it.

Retried: no connection, a timeout, HTTP 408, 429 and 5xx (the receiver may recover).
Not retried: any other answer outside 2xx, e.g. 401 for a bad signature, since sending
the same bytes again cannot change it. Every attempt carries the same delivery id, so a
receiver that got an earlier attempt but whose answer was lost can ignore the repeat.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from alerts.dispatch.signing import DELIVERY_HEADER, SIGNATURE_HEADER, sign

RETRIED_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str | bytes
    attempts: int = 5
    first_delay_s: float = 1.0  # then 2, 4, 8 ... up to max_delay_s
    max_delay_s: float = 60.0
    timeout_s: float = 5.0


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    attempts: int
    http_status: int | None
    error: str | None


def backoff(webhook: Webhook, attempt: int) -> float:
    """The wait after failed attempt number `attempt` (1-based)."""
    return min(webhook.max_delay_s, webhook.first_delay_s * 2 ** (attempt - 1))


def post(webhook: Webhook, body: bytes, delivery_id: str,
         sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Deliver `body` with bounded retries; the outcome says how it ended."""
    status: int | None = None
    error: str | None = None
    for attempt in range(1, webhook.attempts + 1):
        status, error, retry = _attempt(webhook, body, delivery_id)
        if error is None:
            return Outcome(True, attempt, status, None)
        if not retry or attempt == webhook.attempts:
            return Outcome(False, attempt, status, error)
        sleep(backoff(webhook, attempt))
    return Outcome(False, webhook.attempts, status, error or "no attempts configured")


# Webhook receivers sit on the city's own network; proxies from the environment are not
# used, so an HTTP_PROXY meant for other tools cannot divert (or leak) signed messages.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _attempt(webhook: Webhook, body: bytes, delivery_id: str) -> tuple[int | None, str | None,
                                                                         bool]:
    """(HTTP status, error or None, whether another attempt may help)."""
    request = urllib.request.Request(webhook.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: sign(webhook.secret, body),
        DELIVERY_HEADER: delivery_id,
        "User-Agent": "cityops-dispatch",
    })
    try:
        with _OPENER.open(request, timeout=webhook.timeout_s) as response:
            return response.status, None, False
    except urllib.error.HTTPError as exc:
        retry = exc.code >= 500 or exc.code in RETRIED_STATUSES
        return exc.code, f"HTTP {exc.code} {exc.reason}", retry
    except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out ...
        reason = getattr(exc, "reason", exc)
        return None, f"no answer: {reason}", True


READ_BODY = "SELECT body FROM dispatches WHERE delivery_id = %s"

RECORD = """
UPDATE dispatches SET webhook_status = %s, webhook_attempts = webhook_attempts + %s,
    webhook_http_status = %s, webhook_error = %s, webhook_at = now()
WHERE delivery_id = %s
"""


def send_webhook(conn, webhook: Webhook, delivery_id: str,
                 sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Post a recorded dispatch to the webhook and record how it went on its row."""
    with conn, conn.cursor() as cur:
        cur.execute(READ_BODY, (delivery_id,))
        row = cur.fetchone()
    if row is None:
        raise LookupError(f"no dispatch with delivery id {delivery_id}")
    outcome = post(webhook, row[0].encode("utf-8"), delivery_id, sleep)
    with conn, conn.cursor() as cur:
        cur.execute(RECORD, ("delivered" if outcome.delivered else "failed", outcome.attempts,
                             outcome.http_status, outcome.error, delivery_id))
    return outcome
