"""Putting committed dispatches on the dispatch topic, keyed by worker id (or unit code).

The message goes out only after the database commit, so no worker is ever told about a
dispatch that was rolled back. If the broker fails after the commit the row keeps
`published_at` NULL and `publish_pending` sends it later: at least once, never lost.
Consumers de-duplicate by `delivery_id`.
"""

from __future__ import annotations

import logging

from kafka.errors import KafkaError

log = logging.getLogger("cityops.dispatch")

SEND_TIMEOUT_S = 10.0

MARK_PUBLISHED = "UPDATE dispatches SET published_at = now() WHERE delivery_id = %s"

UNPUBLISHED = """
SELECT delivery_id::text, coalesce(worker_id, unit_code), body FROM dispatches
WHERE published_at IS NULL ORDER BY id LIMIT %s
"""


def publish(conn, producer, topic: str, delivery_id: str, key: str, body: bytes) -> bool:
    """Send one dispatch and mark it published; False (logged) if the broker did not take it.
    `key` is who it goes to (a worker id or a unit code), so one receiver's messages keep
    their order."""
    try:
        producer.send(topic, key=key.encode("utf-8"), value=body).get(
            timeout=SEND_TIMEOUT_S)
    except KafkaError as exc:
        log.warning("dispatch not published; publish_pending will retry",
                    extra={"delivery_id": delivery_id, "error": str(exc)})
        return False
    with conn, conn.cursor() as cur:
        cur.execute(MARK_PUBLISHED, (delivery_id,))
    return True


def publish_pending(conn, producer, topic: str, limit: int = 500) -> int:
    """Send dispatches committed but not yet published (oldest first); returns how many."""
    with conn, conn.cursor() as cur:
        cur.execute(UNPUBLISHED, (limit,))
        rows = cur.fetchall()
    sent = 0
    for delivery_id, key, body in rows:
        if not publish(conn, producer, topic, delivery_id, key, body.encode("utf-8")):
            break  # the broker is down; keep the order and try again next time
        sent += 1
    return sent
