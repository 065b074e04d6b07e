"""`cityops dashboard`: serve the Dash app."""

from __future__ import annotations

import logging

from cityops.service import check_port_free
from cityops.settings import Settings
from dashboard.app import create_app
from store import db, features
from store.vitals import current_vitals

log = logging.getLogger("cityops.dashboard")


def run(settings: Settings) -> int:
    check_port_free(settings.dashboard_host, settings.dashboard_port, "CITYOPS_DASHBOARD_PORT")
    conn = db.connect(settings.database_url, autocommit=False,
                      application_name="cityops-dashboard")
    backend = features.current(conn).series_backend
    conn.rollback()
    conn.close()

    def read_vitals():
        # A short-lived connection per refresh keeps the placeholder stateless between
        # callbacks; the wall screen will use a pool.
        with_conn = db.connect(settings.database_url, application_name="cityops-dashboard")
        try:
            return current_vitals(with_conn)
        finally:
            with_conn.close()

    app = create_app(settings, read_vitals, backend)
    log.info("dashboard serving", extra={"url": f"http://{settings.dashboard_host}:"
                                                f"{settings.dashboard_port}/"})
    app.run(host=settings.dashboard_host, port=settings.dashboard_port, debug=False)
    return 0
