"""The sharing API (issue #16) on a seeded city of its own: keys read only their datasets,
areas and categories; citizens' details are masked unless the key was made for them;
expired and revoked keys read nothing; every request, allowed or refused, is one row of
the access log, which nobody may change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import psycopg2
import pytest

from alerts.api.app import create_app
from geo import store as geo_store
from identity.pool import POOL_KEY
from sharing.access_log import recent
from sharing.keys import DATASETS, create, revoke
from sim.seed import seed_city
from store import db as store_db
from store.admin_audit import AdminActor

pytestmark = pytest.mark.integration

ADMIN = AdminActor("test", "cli")
HUANGPU, JINGAN = "310101", "310106"


@pytest.fixture(scope="module")
def world(isolated, small_city_areas):
    settings = isolated("sharing")
    conn = store_db.connect(settings.database_url)
    geo_store.write_areas(conn, small_city_areas)
    seed_city(conn, devices_count=200, readings_devices=100, open_cases=60, incidents_24h=600)
    app = create_app(settings.database_url, zone=settings.zone)
    yield conn, app.test_client()
    app.extensions[POOL_KEY].close()
    conn.close()


def _key(conn, datasets=DATASETS, areas=(HUANGPU,), categories=(), pii=False,
         days: float = 1) -> str:
    return create(conn, "test client", list(datasets), list(areas), list(categories),
                  datetime.now(UTC) + timedelta(days=days), ADMIN, pii=pii)[1]


def _get(client, path: str, secret: str | None):
    headers = {"Authorization": f"ApiKey {secret}"} if secret else {}
    return client.get(path, headers=headers)


def _log_count(conn) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM share_access_log")
        found = cur.fetchone()[0]
    conn.rollback()
    return found


def test_a_key_reads_only_its_area_masked(world) -> None:
    conn, client = world
    secret = _key(conn)
    rows = _get(client, "/share/v1/incidents?limit=1000", secret).json["rows"]
    assert rows and {r["district_code"] for r in rows} == {HUANGPU}
    named = [r for r in rows if r["reporter_name"]]
    assert named and all("*" in r["reporter_name"] for r in named)
    assert all("****" in r["reporter_phone"] for r in rows if r["reporter_phone"])
    week = quote((datetime.now(UTC) - timedelta(days=7)).isoformat())
    cases = _get(client, f"/share/v1/cases?limit=1000&since={week}", secret)
    assert cases.status_code == 200
    assert {r["district_code"] for r in cases.json["rows"]} <= {HUANGPU}
    readings = _get(client, "/share/v1/readings?limit=1000", secret).json["rows"]
    with conn.cursor() as cur:
        cur.execute("SELECT device_id FROM devices WHERE district_code = %s", (HUANGPU,))
        ours = {row[0] for row in cur.fetchall()}
    conn.rollback()
    assert readings and {r["device_id"] for r in readings} <= ours
    assert _get(client, f"/share/v1/incidents?area={JINGAN}", secret).status_code == 403
    kpis = _get(client, "/share/v1/kpis", secret)
    assert kpis.status_code == 200 and kpis.json["rows"]


def test_pii_only_for_a_key_made_for_it(world) -> None:
    conn, client = world
    rows = _get(client, "/share/v1/incidents?limit=1000", _key(conn, pii=True)).json["rows"]
    assert any(r["reporter_name"] and "*" not in r["reporter_name"] for r in rows)


def test_datasets_and_categories_bound_a_key(world) -> None:
    conn, client = world
    only = _key(conn, datasets=("incidents",), categories=("市容环境",))
    rows = _get(client, "/share/v1/incidents?limit=1000", only).json["rows"]
    assert rows and {r["category"] for r in rows} == {"市容环境"}
    assert _get(client, "/share/v1/cases", only).status_code == 403
    assert _get(client, "/share/v1/readings", only).status_code == 403
    both = _key(conn, datasets=("cases", "kpis"), categories=("市容环境",))
    assert _get(client, "/share/v1/kpis", both).status_code == 403  # KPIs count every category


def test_bad_keys_and_bad_queries(world) -> None:
    conn, client = world
    good = _key(conn)
    assert _get(client, "/share/v1/cases", None).status_code == 401
    assert _get(client, "/share/v1/cases", good[:-2] + "xx").status_code == 401
    assert _get(client, "/share/v1/cases", _key(conn, days=-1)).status_code == 401
    gone = _key(conn)
    revoke(conn, gone.split(".")[0], ADMIN)
    assert _get(client, "/share/v1/cases", gone).status_code == 401
    far = quote((datetime.now(UTC) - timedelta(days=40)).isoformat())
    assert _get(client, f"/share/v1/cases?since={far}", good).status_code == 400
    assert _get(client, "/share/v1/cases?limit=5000", good).status_code == 400
    page = _get(client, "/share/v1/incidents?limit=5", good).json
    assert page["next_offset"] == 5
    second = _get(client, "/share/v1/incidents?limit=5&offset=5", good).json["rows"]
    assert {r["id"] for r in page["rows"]}.isdisjoint({r["id"] for r in second})


def test_every_request_is_in_the_access_log(world) -> None:
    conn, client = world
    secret = _key(conn, datasets=("incidents",))
    before = _log_count(conn)
    answers = [_get(client, "/share/v1/incidents?limit=3", secret).status_code,
               _get(client, "/share/v1/cases", secret).status_code,
               _get(client, "/share/v1/incidents", None).status_code,
               _get(client, "/share/v1/incidents?limit=x", secret).status_code]
    assert answers == [200, 403, 401, 400]
    assert _log_count(conn) == before + 4
    newest = recent(conn, limit=4)
    assert [a.status for a in newest] == [400, 401, 403, 200]
    assert newest[-1].rows == 3 and newest[-1].client == "test client"
    assert newest[1].key_id is None and newest[1].client is None
    # The services may not change it (their grant), nor may the owner (its trigger).
    with pytest.raises(psycopg2.Error, match="append-only|permission denied"), \
            conn.cursor() as cur:
        cur.execute("DELETE FROM share_access_log")
    conn.rollback()
