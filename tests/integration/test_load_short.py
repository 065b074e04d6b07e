"""Short versions of the reliability run's load tests (the long ones: tests/reliability/
test_load.py): wall screens refreshing together, and ingest under a steady stream."""

import pytest

from geo import store as geo_store
from store import db as store_db
from tests.reliability import load

pytestmark = pytest.mark.integration


def test_five_wall_screens_refresh_without_errors(dashboard_world) -> None:
    done = load.wall_screens(dashboard_world.settings, dashboard_world.url,
                             dashboard_world.users["operator"], dashboard_world.password,
                             screens=5, seconds=6, period=2.0)
    figures = done.figures()
    assert figures["errors"] == 0, done.errors[:3]
    assert figures["requests"] >= 5 * 2
    assert figures["p95_s"] < 3.0, figures


def test_ingest_keeps_up_with_a_steady_stream(isolated, small_city_areas, tmp_path) -> None:
    settings = isolated("soak")
    conn = store_db.connect(settings.database_url)
    geo_store.write_areas(conn, small_city_areas)
    conn.close()
    soak, lag_after = load.ingest_soak(settings, tmp_path, seconds=8, messages_per_s=500,
                                       devices=1000, every=3)
    figures = soak.figures(rate_target=500 * 2)
    assert lag_after == 0, figures
    assert figures["readings_per_s"] > 500, figures
    assert figures["lag_max"] < 500 * 10, figures   # never ten seconds behind
