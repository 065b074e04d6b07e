"""`cityops dashboard`: serve the Dash app with gunicorn worker processes.

A wall refresh is Python work that holds the GIL, so one process serves one core; the
app is built once in the parent and forked into `CITYOPS_DASHBOARD_WORKERS` workers (its
database pool and Kafka producer open lazily, after the fork). Flask's own server is for
development only.
"""

from __future__ import annotations

import logging

from gunicorn.app.base import BaseApplication

from alerts.api.dispatching import BrokerDispatcher
from cityops.service import check_port_free
from cityops.settings import Settings
from dashboard.app import create_app
from dashboard.context import PageContext
from store import db

log = logging.getLogger("cityops.dashboard")


class Server(BaseApplication):
    def __init__(self, application, options: dict) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def options(settings: Settings) -> dict:
    return {"bind": f"{settings.dashboard_host}:{settings.dashboard_port}",
            "workers": max(1, settings.dashboard_workers),
            # A few threads per worker: a slow PDF export must not hold up wall refreshes.
            "threads": 4, "worker_class": "gthread", "timeout": 120,
            "graceful_timeout": 20, "accesslog": None, "errorlog": "-",
            "loglevel": settings.log_level.lower(), "proc_name": "cityops-dashboard"}


def run(settings: Settings) -> int:
    check_port_free(settings.dashboard_host, settings.dashboard_port, "CITYOPS_DASHBOARD_PORT")
    db.connect(settings.database_url).close()  # a clear error naming DATABASE_URL, up front
    dispatcher = BrokerDispatcher(settings)
    context = PageContext(settings, dispatcher=dispatcher,
                          refresh_ms=settings.dashboard_refresh_ms)
    app = create_app(context)
    log.info("dashboard serving", extra={"url": f"http://{settings.dashboard_host}:"
                                                f"{settings.dashboard_port}/",
                                         "workers": settings.dashboard_workers})
    try:
        Server(app.server, options(settings)).run()
    finally:
        dispatcher.close()
    return 0
