"""The signed webhook against a real HTTP server on 127.0.0.1 that fails on purpose."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from alerts.cases.moves import NewCase, open_case, transition
from alerts.dispatch.assign import dispatch
from alerts.dispatch.signing import DELIVERY_HEADER, SIGNATURE_HEADER, sign, verify
from alerts.dispatch.webhook import Webhook, post, send_webhook
from cityops.stream import kafka_client
from store import db as store_db

SECRET = "test-secret-不要外传"
BODY = json.dumps({"alert_id": 7, "title": "井盖破损"}, ensure_ascii=False).encode()


class Receiver:
    """A receiver as docs/dispatch.md describes: verify, then ignore repeated delivery ids."""

    def __init__(self, fail_first: int = 0, status: int = 503) -> None:
        self.fail_first = fail_first
        self.status = status
        self.requests: list[tuple[str, bytes, bool]] = []  # (delivery id, body, signed well)
        self.processed: list[str] = []
        self.lock = threading.Lock()

    def answer(self, delivery_id: str, body: bytes, signature: str | None) -> int:
        with self.lock:
            good = verify(SECRET, body, signature)
            self.requests.append((delivery_id, body, good))
            if not good:
                return 401
            if len(self.requests) <= self.fail_first:
                return self.status
            if delivery_id not in self.processed:  # a repeat is acknowledged, not redone
                self.processed.append(delivery_id)
            return 200


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers["Content-Length"]))
            code = state.answer(self.headers[DELIVERY_HEADER], body,
                                self.headers[SIGNATURE_HEADER])
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: a free port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/dispatch"
    server.shutdown()
    server.server_close()


def hook(url: str, **options) -> Webhook:
    return Webhook(url, SECRET, **{"first_delay_s": 0.01, "attempts": 4, **options})


def test_the_signature_is_hmac_sha256_of_the_exact_body() -> None:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY) == f"sha256={expected}"
    assert verify(SECRET, BODY, f"sha256={expected}")
    assert not verify(SECRET, BODY + b" ", f"sha256={expected}")
    assert not verify("other", BODY, f"sha256={expected}")
    assert not verify(SECRET, BODY, expected)  # the prefix is part of the format
    assert not verify(SECRET, BODY, None)


def test_failures_are_retried_with_growing_delays_until_delivered(receiver) -> None:
    state, url = receiver
    state.fail_first = 2
    waits: list[float] = []
    outcome = post(hook(url), BODY, "d-1", sleep=waits.append)
    assert (outcome.delivered, outcome.attempts, outcome.http_status) == (True, 3, 200)
    assert waits == [0.01, 0.02]
    assert state.requests == [("d-1", BODY, True)] * 3
    assert state.processed == ["d-1"]


def test_attempts_are_bounded(receiver) -> None:
    state, url = receiver
    state.fail_first, state.status = 99, 500
    waits: list[float] = []
    outcome = post(hook(url, attempts=3, max_delay_s=0.015), BODY, "d-2", sleep=waits.append)
    assert (outcome.delivered, outcome.attempts, outcome.error) == (
        False, 3, "HTTP 500 Internal Server Error")
    assert waits == [0.01, 0.015]  # capped by max_delay_s


def test_a_rejected_signature_is_not_retried(receiver) -> None:
    state, url = receiver
    outcome = post(Webhook(url, "wrong-secret", first_delay_s=0.01), BODY, "d-3",
                   sleep=lambda s: None)
    assert (outcome.delivered, outcome.attempts, outcome.http_status) == (False, 1, 401)
    assert state.processed == []


def test_no_listener_is_retried_as_a_network_failure() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        port = closed.server_address[1]  # bound, then closed: nobody listens there
    waits: list[float] = []
    outcome = post(hook(f"http://127.0.0.1:{port}/", attempts=2), BODY, "d-4",
                   sleep=waits.append)
    assert (outcome.delivered, outcome.attempts, outcome.http_status) == (False, 2, None)
    assert outcome.error.startswith("no answer") and waits == [0.01]


@pytest.mark.integration
def test_a_dispatch_posts_the_topic_bytes_and_records_the_outcome(isolated, receiver) -> None:
    state, url = receiver
    state.fail_first = 1
    settings = isolated("webhook")
    conn = store_db.connect(settings.database_url)
    producer = kafka_client.producer(settings)
    try:
        alert_id = seed_one_case(conn)
        done = dispatch(conn, producer, alert_id, "system", "system", 2,
                        topic=settings.topic("dispatch"), webhook=hook(url),
                        at=datetime(2025, 6, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
        assert (done.webhook.delivered, done.webhook.attempts) == (True, 2)
        with conn, conn.cursor() as cur:
            cur.execute("SELECT body, webhook_status, webhook_attempts, webhook_http_status"
                        " FROM dispatches WHERE delivery_id = %s", (done.delivery_id,))
            body, status, attempts, http_status = cur.fetchone()
        assert (status, attempts, http_status) == ("delivered", 2, 200)
        assert state.requests[-1] == (done.delivery_id, body.encode(), True)
        # Sent again (a retry after a lost answer): acknowledged, not processed twice.
        again = send_webhook(conn, hook(url), done.delivery_id)
        assert again.delivered and state.processed == [done.delivery_id]
    finally:
        producer.close()
        conn.close()


def seed_one_case(conn) -> int:
    grid = f"G{uuid.uuid4().hex[:6]}"
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO areas (code, level, name_zh) VALUES (%s, 'grid', '网格')",
                    (grid,))
        cur.execute("INSERT INTO workers (worker_id, name, grid_code, schedule)"
                    " VALUES (%s, '李四', %s, %s)", (f"w-{grid}", grid,
                                                   json.dumps(["daily 00:00-24:00"])))
    alert_id = open_case(conn, NewCase(fingerprint=uuid.uuid4().hex, kind="sensor",
                                        title="路面积水", grid_code=grid), actor="system")
    transition(conn, alert_id, "confirm", "operator:li", "operator", 1)
    return alert_id
