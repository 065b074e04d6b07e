"""A device first seen while the database is away is looked up once it is back, never
dropped (issue 13).

`store.db.connect` reports an unreachable server as ConfigError (naming DATABASE_URL), and
the engine's lookup retried only psycopg2's own errors: the ConfigError went up to
`evaluate`'s guard, which skipped the reading as if it were bad input.
"""

from __future__ import annotations

import pytest

from alerts.engine.placements import DevicePlaces
from store import db as store_db
from tests.conftest import free_port

pytestmark = pytest.mark.integration


def test_a_lookup_during_an_outage_waits_for_the_database(isolated) -> None:
    settings = isolated("placements_outage")
    away = f"postgresql://cityops@127.0.0.1:{free_port()}/cityops"  # nobody listens there
    attempts = []

    def connect():
        attempts.append(1)
        # The server is away for the first two connections, as in an outage.
        return store_db.connect(away if len(attempts) in (2, 3) else settings.database_url)

    places = DevicePlaces(connect)  # the engine starts and reads the registry
    conn = store_db.connect(settings.database_url)
    with conn, conn.cursor() as cur:  # a device registered after the engine started
        cur.execute("INSERT INTO devices (device_id, kind, district_code, placed) "
                    "VALUES ('dev-late', 'manhole', '310101', true)")
    conn.close()
    places.registry.conn.close()  # the outage cuts the open session too

    place = places.get("dev-late")

    assert place is not None and place.kind == "manhole"
    assert place.areas.district_code == "310101" and len(attempts) >= 4
