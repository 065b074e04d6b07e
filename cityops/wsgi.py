"""Serving a WSGI app with gunicorn worker processes: the dashboard and the case API.

The app is built once in the parent and forked into the workers (database pools and Kafka
producers open lazily, after the fork). Werkzeug's and Flask's own servers are for
development only: one process, no worker restarts, no graceful stop of a busy server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from werkzeug.middleware.proxy_fix import ProxyFix


class GunicornServer(BaseApplication):
    def __init__(self, application: Callable, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Callable:
        return self.application


def gunicorn_options(bind: str, workers: int, log_level: str, name: str,
                     on_worker_exit: Callable[[], None] | None = None) -> dict[str, Any]:
    """Threaded workers (a slow request does not hold up the rest), errors to stderr."""
    options: dict[str, Any] = {
        "bind": bind, "workers": max(1, workers), "threads": 4, "worker_class": "gthread",
        "timeout": 120, "graceful_timeout": 20, "accesslog": None, "errorlog": "-",
        "loglevel": log_level.lower(), "proc_name": name,
        # gunicorn believes X-Forwarded-Proto from 127.0.0.1 by default: any local client
        # could pass as https. Forwarded headers are CITYOPS_TRUSTED_PROXIES' alone.
        "forwarded_allow_ips": "", "secure_scheme_headers": {}}
    if on_worker_exit is not None:
        options["worker_exit"] = lambda _server, _worker: on_worker_exit()
    return options


def behind_proxies(flask_app: Any, hops: int) -> None:
    """Believe the last `hops` proxies' X-Forwarded-For, -Proto and -Host (werkzeug's
    ProxyFix): the client address the login lock counts and the host the Origin check
    compares are then the browser's, not the proxy's. With 0 nothing is believed, since
    any client can send those headers itself."""
    if hops > 0:
        flask_app.wsgi_app = ProxyFix(flask_app.wsgi_app, x_for=hops, x_proto=hops,
                                      x_host=hops)
