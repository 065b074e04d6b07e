"""`cityops api`: serve the HTTP API until SIGTERM / SIGINT, then stop cleanly.

Werkzeug's threaded server runs on a thread of its own; the main thread waits for the stop
signal, then stops accepting, lets requests in flight finish and closes the pool.
"""

from __future__ import annotations

import logging
import threading

from werkzeug.serving import make_server

from alerts.api.app import TOKEN_SECONDS, create_app
from alerts.api.dispatching import BrokerDispatcher
from cityops.service import StopSignal, check_port_free
from identity.pool import POOL_KEY

log = logging.getLogger("cityops.api")

PORT_SETTING = "CITYOPS_API_PORT"


def run(database_url: str, host: str, port: int, token_seconds: int = TOKEN_SECONDS, *,
        settings=None) -> int:
    """Serve until SIGTERM / SIGINT. With `settings`, dispatch moves publish on
    `settings.topic("dispatch")` through a producer opened on the first dispatch; without,
    the API answers a dispatch with 503."""
    check_port_free(host, port, PORT_SETTING)
    stop = StopSignal()
    dispatcher = BrokerDispatcher(settings) if settings is not None else None
    app = create_app(database_url, token_seconds=token_seconds, dispatcher=dispatcher)
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="api-http", daemon=True)
    thread.start()
    log.info("api serving", extra={"url": f"http://{host}:{port}/api/v1/openapi.json"})
    stop.wait(None)
    server.shutdown()  # returns once serve_forever has left its loop
    thread.join(timeout=10)
    server.server_close()
    app.extensions[POOL_KEY].close()
    if dispatcher is not None:
        dispatcher.close()
    log.info("api stopped")
    return 0
