"""What every long-running command shares: /healthz, /metrics and a clean stop on SIGTERM."""

from __future__ import annotations

import errno
import json
import logging
import signal
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from cityops.settings import ConfigError

log = logging.getLogger(__name__)

HealthCheck = Callable[[], dict]


def check_port_free(host: str, port: int, env: str) -> None:
    """Fail early, naming the setting, when another process holds the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(env, f"port {host}:{port} is already in use") from None
            raise ConfigError(env, f"cannot listen on {host}:{port}: {exc.strerror}") from None


class OpsEndpoint:
    """A tiny HTTP server for /healthz (JSON) and /metrics (Prometheus text) on its own thread."""

    def __init__(self, host: str, port: int, env: str, registry: CollectorRegistry,
                 health: HealthCheck) -> None:
        check_port_free(host, port, env)
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                if self.path == "/metrics":
                    body, ctype, code = generate_latest(registry), CONTENT_TYPE_LATEST, 200
                elif self.path == "/healthz":
                    status = endpoint.health()
                    code = 200 if status.get("ok") else 503
                    body, ctype = json.dumps(status).encode(), "application/json"
                else:
                    body, ctype, code = b"not found\n", "text/plain", 404
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass  # scrapes every few seconds would drown the service's own lines

        self.health = health
        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="ops-http",
                                       daemon=True)

    def start(self) -> OpsEndpoint:
        self.thread.start()
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class StopSignal:
    """Turns SIGTERM and SIGINT into an event the main loop checks between batches."""

    def __init__(self) -> None:
        self.event = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, _frame: object) -> None:
        log.info("stop requested", extra={"signal": signal.Signals(signum).name})
        self.event.set()

    @property
    def requested(self) -> bool:
        return self.event.is_set()

    def wait(self, seconds: float) -> bool:
        return self.event.wait(seconds)
