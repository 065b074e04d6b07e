"""`cityops dashboard`: serve the Dash app."""

from __future__ import annotations

import logging

from alerts.api.dispatching import BrokerDispatcher
from cityops.service import check_port_free
from cityops.settings import Settings
from dashboard.app import create_app
from dashboard.context import PageContext
from store import db

log = logging.getLogger("cityops.dashboard")


def run(settings: Settings) -> int:
    check_port_free(settings.dashboard_host, settings.dashboard_port, "CITYOPS_DASHBOARD_PORT")
    db.connect(settings.database_url).close()  # a clear error naming DATABASE_URL, up front
    dispatcher = BrokerDispatcher(settings)
    context = PageContext(settings, dispatcher=dispatcher,
                          refresh_ms=settings.dashboard_refresh_ms)
    app = create_app(context)
    log.info("dashboard serving", extra={"url": f"http://{settings.dashboard_host}:"
                                                f"{settings.dashboard_port}/"})
    try:
        app.run(host=settings.dashboard_host, port=settings.dashboard_port, debug=False,
                threaded=True)
    finally:
        dispatcher.close()
    return 0
