"""The pieces the access test modules wrap as fixtures: the matrix run on the shared seeded
world, and a small seeded world of the fuzzer's own (it moves cases at random)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cityops.settings import Settings
from sharing.keys import create, revoke
from store.admin_audit import AdminActor
from tests.access import dash_calls, matrix, spec
from tests.access.cases import pick_cases
from tests.access.logins import Logins
from tests.access.servers import Servers


@dataclass
class MatrixRun:
    servers: Servers
    logins: Logins
    checks: list[matrix.Check]
    deps: list[dict]


def share_keys(conn) -> dict[str, str]:
    """spec.SHARE_KEYS → the secret of a key of that kind, made in the world's store."""
    actor, soon = AdminActor("matrix", "cli"), datetime.now(UTC) + timedelta(hours=2)
    everything = list(spec.SHARE_DATASETS)
    made = {
        "key: city, every dataset": create(conn, "city", everything, ["310000"], [], soon,
                                           actor),
        "key: 黄浦, incidents only": create(conn, "hp", ["incidents"], ["310101"], [], soon,
                                          actor),
        "key: 静安 asked for 黄浦": create(conn, "ja", everything, ["310106"], [], soon, actor),
        "key: expired": create(conn, "old", everything, ["310000"], [],
                               datetime.now(UTC) - timedelta(seconds=1), actor),
        "key: revoked": create(conn, "gone", everything, ["310000"], [], soon, actor),
    }
    revoke(conn, made["key: revoked"][0].key_id, actor)
    return {name: secret for name, (_, secret) in made.items()}


def run_matrix(servers: Servers, world) -> MatrixRun:
    conn = world.connect()
    try:
        cases = pick_cases(conn)
        keys = share_keys(conn)
    finally:
        conn.close()
    logins = Logins(servers, world.password)
    checks = matrix.run_all(logins, cases) + list(matrix.share_checks(logins, keys))
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

