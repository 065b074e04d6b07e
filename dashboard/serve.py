"""`cityops dashboard`: serve the Dash app with gunicorn worker processes.

A wall refresh is Python work that holds the GIL, so one process serves one core; the
app is built once in the parent and forked into `CITYOPS_DASHBOARD_WORKERS` workers
(cityops/wsgi.py: its database pool and Kafka producer open lazily, after the fork).
"""

from __future__ import annotations

import logging

from alerts.api.dispatching import BrokerDispatcher
from cityops.service import check_port_free
from cityops.settings import Settings
from cityops.wsgi import GunicornServer, behind_proxies, gunicorn_options
from dashboard.app import create_app
from dashboard.context import PageContext
from store import db

log = logging.getLogger("cityops.dashboard")


def options(settings: Settings) -> dict:
    return gunicorn_options(f"{settings.dashboard_host}:{settings.dashboard_port}",
                            settings.dashboard_workers, settings.log_level,
                            "cityops-dashboard")


def run(settings: Settings) -> int:
    check_port_free(settings.dashboard_host, settings.dashboard_port, "CITYOPS_DASHBOARD_PORT")
    db.connect(settings.database_url).close()  # a clear error naming DATABASE_URL, up front
    dispatcher = BrokerDispatcher(settings)
    context = PageContext(settings, dispatcher=dispatcher,
                          refresh_ms=settings.dashboard_refresh_ms)
    app = create_app(context)
    behind_proxies(app.server, settings.trusted_proxies)
    log.info("dashboard serving", extra={"url": f"http://{settings.dashboard_host}:"
                                                f"{settings.dashboard_port}/",
                                         "workers": settings.dashboard_workers})
    try:
        GunicornServer(app.server, options(settings)).run()
    finally:
        dispatcher.close()
    return 0
