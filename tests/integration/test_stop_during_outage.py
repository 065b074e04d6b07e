"""SIGTERM to ingest while its database is away: out within 5 s, offsets intact.

The outage is real from ingest's side: it reaches PostgreSQL through a TCP relay that
the test cuts (open sessions dropped, new ones refused) and mends, so the shared
database stays up for every other test.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest

from store import db as store_db
from tests.integration.ingest_run import committed, count, start_ingest, stop, wait_for
from tests.integration.test_ingest_crash import DEVICES, produce
from tests.process import wait_http

pytestmark = pytest.mark.integration


class Relay:
    """Forwards a local port to the database; `cut()` is an outage, `mend()` ends it."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self._serve()

    def _serve(self) -> None:
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
                server = socket.create_connection(self.target)
            except OSError:
                return  # cut
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    def cut(self) -> None:
        _close(self.listener)  # shutdown wakes the accepting thread, freeing the port
        with self.lock:
            for sock in self.sockets:
                _close(sock)
            self.sockets.clear()

    def mend(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self._serve()


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    _close(dst)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def _through(url: str, port: int) -> str:
    parts = urlsplit(url)
    auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{port}"))


def _db_errors(port: int) -> float:
    text = wait_http(f"http://127.0.0.1:{port}/metrics").decode()
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith("cityops_ingest_db_errors_total{"))


def test_sigterm_during_a_database_outage_exits_fast_and_loses_nothing(isolated) -> None:
    settings = isolated("outage")
    parts = urlsplit(settings.database_url)
    relay = Relay(parts.hostname or "127.0.0.1", parts.port or 5432)
    relayed = settings.replace(database_url=_through(settings.database_url, relay.port))
    topic = settings.topic("readings")
    conn = store_db.connect(settings.database_url)
    first = DEVICES * 20
    proc = start_ingest(relayed, CITYOPS_INGEST_BATCH_SIZE="500")
    try:
        produce(settings, instants=20)
        wait_for(lambda: count(conn, "SELECT count(*) FROM readings") >= first, every=0.05)
        wait_for(lambda: committed(settings, settings.ingest_group, topic) >= first)
        relay.cut()
        # Two hours back this time, so no reading coincides with one already stored.
        produce(settings, instants=40, back=timedelta(hours=2))
        total = first + DEVICES * 40
        wait_for(lambda: _db_errors(relayed.ingest_metrics_port) >= 1, every=0.05)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pytest.fail("ingest did not exit within 5 s of SIGTERM during the outage")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # Nothing committed past what was stored.
    stored = count(conn, "SELECT count(*) FROM readings")
    assert stored == first
    assert committed(settings, settings.ingest_group, topic) == first

    relay.mend()
    proc = start_ingest(relayed, CITYOPS_INGEST_BATCH_SIZE="500")
    try:
        wait_for(lambda: count(conn, "SELECT count(*) FROM readings") >= total)
        wait_for(lambda: committed(settings, settings.ingest_group, topic) >= total)
    finally:
        stop(proc)
    # Every message stored exactly once: one row per message, none twice.
    assert count(conn, "SELECT count(*) FROM readings") == total
    assert count(conn, "SELECT count(*) FROM (SELECT DISTINCT device_id, ts FROM readings) d"
                 ) == total
    conn.close()
    relay.cut()
