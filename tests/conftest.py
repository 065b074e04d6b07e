"""The test harness: every run gets its own database and topics on the real stack.

`bin/cityops test` (the README's test command) starts Kafka and PostgreSQL first; these
fixtures then create `cityops_test_<run>` and topics prefixed `test.<run>.`, and drop
them at the end, so runs never see each other's data.
"""

from __future__ import annotations

import collections
import random
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from psycopg2 import sql

from cityops.settings import Settings
from cityops.stream import kafka_client
from cityops.topics import delete_topics, ensure_topics, topic_specs
from ops import stack
from store import db as store_db
from store import features
from store.migrate import migrate

RUN_ID = uuid.uuid4().hex[:8]


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


# Below Linux's ephemeral range (32768-60999 by default): a port the kernel hands out
# there can be taken a moment later as the local end of some outgoing connection, and
# `ingest --processes N` listens on N consecutive ports (a clean-clone run lost a test to
# port + 1 being in use).
TEST_PORTS = range(20000, 32000)
_handed_out: set[int] = set()


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(count: int = 1) -> int:
    """The first of `count` consecutive ports free now and not handed out before this run."""
    for _ in range(500):
        base = random.randrange(TEST_PORTS.start, TEST_PORTS.stop - count)
        ports = range(base, base + count)
        if _handed_out.isdisjoint(ports) and all(map(_bindable, ports)):
            _handed_out.update(ports)
            return base
    raise RuntimeError(f"no {count} consecutive free ports in {TEST_PORTS}")


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session", autouse=True)
def city_clock(base_settings: Settings) -> None:
    """Tests that format times outside an app read the city's clock as the app would."""
    from dashboard.i18n import use_city_zone
    use_city_zone(base_settings.zone)


def _admin_connection(base: Settings):
    conn = store_db.connect(base.owner_url)
    conn.autocommit = True
    return conn


class Databases:
    """Creates throw-away databases on the test server and drops them at the end.

    They belong to the schema owner (CITYOPS_OWNER_DATABASE_URL), as a deployment's does:
    `create` answers the owner's URL, to migrate with; `service_url` the same database as
    the services' role (DATABASE_URL's), which is what services started by tests use.
    """

    def __init__(self, base: Settings) -> None:
        self.base = base
        self.names: list[str] = []

    def create(self, label: str) -> str:
        name = f"cityops_test_{RUN_ID}_{label}"
        conn = _admin_connection(self.base)
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        conn.close()
        self.names.append(name)
        return with_database(self.base.owner_url, name)

    def service_url(self, owner_url: str) -> str:
        """The database of `owner_url` as the services' role."""
        return with_database(self.base.database_url, urlsplit(owner_url).path.lstrip("/"))

    def world(self, settings: Settings, owner_url: str, **changes) -> Settings:
        """`settings` on that database: services as their role, migrations as the owner."""
        return settings.replace(database_url=self.service_url(owner_url),
                                owner_database_url=owner_url, database_url_given=True,
                                **changes)

    def drop_all(self) -> None:
        conn = _admin_connection(self.base)
        with conn.cursor() as cur:
            for name in self.names:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)))
        conn.close()


_LABELS_USED: collections.Counter = collections.Counter()


@pytest.fixture(scope="session")
def databases(base_settings: Settings) -> Iterator[Databases]:
    made = Databases(base_settings)
    yield made
    made.drop_all()


def _world(base: Settings, databases: Databases, label: str, prefix: str,
           group_suffix: str):
    """A migrated database, topics, consumer groups and free service ports of its own."""
    url = databases.create(label)
    run = databases.world(
        base, url, kafka_bootstrap_given=True, topic_prefix=prefix,
        ingest_group=f"ingest-{group_suffix}",
        alerts_group=f"alerts-{group_suffix}", ingest_metrics_port=free_port(count=2),
        alerts_metrics_port=free_port(), sim_metrics_port=free_port(),
        escalate_metrics_port=free_port(), health_metrics_port=free_port(),
        bridge_metrics_port=free_port(), api_port=free_port(),
        dashboard_port=free_port(),
        ingest_batch_ms=200, rollup_refresh_seconds=1)
    conn = store_db.connect(url)
    migrate(conn, run.timescale)
    conn.close()
    admin = kafka_client.admin_client(run)
    ensure_topics(admin, topic_specs(run))
    return run, admin


@pytest.fixture(scope="session")
def settings(base_settings: Settings, databases: Databases) -> Iterator[Settings]:
    """Settings of this run: its own migrated database, topics and service ports."""
    run, admin = _world(base_settings, databases, "main", f"test.{RUN_ID}.", RUN_ID)
    yield run
    delete_topics(admin, list(run.topics.values()))
    admin.close()


@pytest.fixture(scope="session")
def isolated(base_settings: Settings, databases: Databases):
    """Factory: settings with a database, topics, consumer groups and ports of their own.

    For tests that need a world nobody else writes to (crash recovery, a loaded city).
    """
    admins = []
    made: list[Settings] = []

    def make(label: str) -> Settings:
        # Two tests that pick the same label must still get topics of their own: one's
        # teardown deleted the other's topics under it (a flake seen in a full run).
        _LABELS_USED[label] += 1
        if _LABELS_USED[label] > 1:
            label = f"{label}{_LABELS_USED[label]}"
        run, admin = _world(base_settings, databases, label, f"test.{RUN_ID}.{label}.",
                            f"{RUN_ID}-{label}")
        admins.append(admin)
        made.append(run)
        return run

    yield make
    for admin, run in zip(admins, made, strict=True):
        delete_topics(admin, list(run.topics.values()))
        admin.close()


@pytest.fixture(scope="session")
def small_city_areas():
    """Two real districts of the demo city (黄浦, 静安) with generated streets and grid."""
    from geo.demo import build_demo
    return build_demo(seed=1, districts=["310101", "310106"], cell_size_m=1000)


class DashboardWorld:
    """A seeded city (two districts) with a running `cityops dashboard` on its database."""

    def __init__(self, settings: Settings, report, url: str) -> None:
        self.settings = settings
        self.url = url
        self.users: dict[str, str] = report.users
        self.password: str = report.password
        self.report = report

    def connect(self) -> psycopg2.extensions.connection:
        return store_db.connect(self.settings.database_url)


@pytest.fixture(scope="session")
def dashboard_world(isolated, small_city_areas, tmp_path_factory) -> Iterator[DashboardWorld]:
    from geo import store as geo_store
    from sim.seed import seed_city
    from tests.process import serving
    run = isolated("dashboard")
    conn = store_db.connect(run.database_url)
    geo_store.write_areas(conn, small_city_areas)
    report = seed_city(conn, devices_count=2000, open_cases=200, incidents_24h=3000)
    # Units, the responsibility list and unit staff as the demo has them (issue #16).
    from sim.seed import units as seed_units
    from sim.seed.grid import read_cells
    cells = read_cells(conn)
    report.users.update(seed_units.write(conn, cells, report.password))
    seed_units.hand_over(conn, cells)
    conn.close()
    url = f"http://127.0.0.1:{run.dashboard_port}"
    with serving(run, tmp_path_factory.mktemp("dashboard") / "dashboard.log", "dashboard",
                 health_url=f"{url}/healthz", CITYOPS_DASHBOARD_REFRESH_MS="2000"):
        yield DashboardWorld(run, report, url)


@pytest.fixture
def db(settings: Settings) -> Iterator[psycopg2.extensions.connection]:
    """A connection to this run's migrated database; uncommitted work is rolled back."""
    conn = store_db.connect(settings.database_url)
    yield conn
    conn.rollback()
    conn.close()


@pytest.fixture(scope="session")
def timescale_available(base_settings: Settings) -> bool:
    conn = store_db.connect(base_settings.database_url)
    try:
        return "timescaledb" in features.available_extensions(conn)
    finally:
        conn.close()


def pytest_report_header(config: pytest.Config) -> list[str]:
    settings = Settings.from_env()
    report = stack.StackReport()
    try:
        stack.fill_versions(settings, report)
    except Exception as exc:  # noqa: BLE001 - the header must not hide the real failure
        return [f"stack: not reachable ({str(exc).splitlines()[0]})"]
    return [f"stack: kafka {report.kafka_version} at {settings.kafka_bootstrap}; "
            f"postgresql {report.postgres_version}; postgis {report.postgis_version}; "
            f"timescaledb {report.timescale}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not any(item.get_closest_marker("timescale") for item in items):
        return
    settings = Settings.from_env()
    try:
        conn = store_db.connect(settings.database_url)
        present = "timescaledb" in features.available_extensions(conn)
        conn.close()
    except Exception:  # noqa: BLE001 - integration fixtures will report the outage
        present = False
    if present:
        return
    skip = pytest.mark.skip(reason="TimescaleDB extension is not available on this "
                                   "PostgreSQL server (pg_available_extensions has no "
                                   "timescaledb); the plain-PostgreSQL path is tested instead")
    for item in items:
        if item.get_closest_marker("timescale"):
            item.add_marker(skip)
