"""The pieces the access test modules wrap as fixtures: the matrix run on the shared seeded
world, and a small seeded world of the fuzzer's own (it moves cases at random)."""

from __future__ import annotations

from dataclasses import dataclass

from cityops.settings import Settings
from tests.access import dash_calls, matrix
from tests.access.cases import pick_cases
from tests.access.logins import Logins
from tests.access.servers import Servers


@dataclass
class MatrixRun:
    servers: Servers
    logins: Logins
    checks: list[matrix.Check]
    deps: list[dict]


def run_matrix(servers: Servers, world) -> MatrixRun:
    conn = world.connect()
    try:
        cases = pick_cases(conn)
    finally:
        conn.close()
    logins = Logins(servers, world.password)
    checks = matrix.run_all(logins, cases)
    deps = matrix.dependencies(logins)
    # The answers most likely to carry account data, for the secret crawl: the admin's
    # users tab and the API's case list.
    users_tab = dash_calls.empty_body(dash_calls.find(deps, "admin-tab-body.children"))
    users_tab["inputs"][0]["value"] = "users"
    assert logins.dashboard_post("admin", dash_calls.CALLBACK_PATH, users_tab).ok
    return MatrixRun(servers, logins, checks, deps)


def seed_fuzz_world(isolated, areas) -> Settings:
    from geo import store as geo_store
    from sim.seed import seed_city
    from store import db
    settings = isolated("accessfuzz")
    conn = db.connect(settings.database_url)
    try:
        geo_store.write_areas(conn, areas)
        seed_city(conn, devices_count=100, open_cases=40, incidents_24h=200)
    finally:
        conn.close()
    return settings

