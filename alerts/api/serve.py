"""`cityops api`: serve the HTTP API with gunicorn worker processes until SIGTERM / SIGINT.

The app is built once and forked into `CITYOPS_API_WORKERS` workers (cityops/wsgi.py); each
worker closes its database pool and Kafka producer when it exits, and gunicorn lets requests
in flight finish before it stops.
"""

from __future__ import annotations

import logging

from alerts.api.app import TOKEN_SECONDS, create_app
from alerts.api.dispatching import BrokerDispatcher
from cityops.service import check_port_free
from cityops.settings import Settings
from cityops.wsgi import GunicornServer, behind_proxies, gunicorn_options
from identity.pool import POOL_KEY, READ_POOL_KEY

log = logging.getLogger("cityops.api")

PORT_SETTING = "CITYOPS_API_PORT"


def run(settings: Settings, host: str, port: int, token_seconds: int = TOKEN_SECONDS) -> int:
    """Serve until SIGTERM / SIGINT. Dispatch moves publish on `settings.topic("dispatch")`
    through a producer each worker opens on its first dispatch."""
    check_port_free(host, port, PORT_SETTING)
    dispatcher = BrokerDispatcher(settings)
    app = create_app(settings.database_url, token_seconds=token_seconds, dispatcher=dispatcher,
                     zone=settings.zone, read_url=settings.database_read_url)
    behind_proxies(app, settings.trusted_proxies)

    def worker_exit() -> None:
        app.extensions[POOL_KEY].close()
        if READ_POOL_KEY in app.extensions:
            app.extensions[READ_POOL_KEY].close()
        dispatcher.close()

    log.info("api serving", extra={"url": f"http://{host}:{port}/api/v1/openapi.json",
                                   "workers": settings.api_workers})
    try:
        GunicornServer(app, gunicorn_options(f"{host}:{port}", settings.api_workers,
                                             settings.log_level, "cityops-api",
                                             worker_exit)).run()
    finally:  # gunicorn leaves by SystemExit after a graceful stop
        log.info("api stopped")
    return 0
