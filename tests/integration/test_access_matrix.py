"""The access matrix (tests/access/spec.py) against a real dashboard and API on the seeded
two-district world: every page, export, callback and API route × every role, and every
case-id resource × account × a case inside and outside their area: allow or deny, nothing
else. Then no answer of the run and no line of the servers' logs holds a secret.

The whole matrix runs here (~260 checks, about 35 s); the reliability version records a row
per rule."""

from __future__ import annotations

import pytest
import requests

from tests.access import dash_calls, matrix, spec
from tests.access.secrets_crawl import crawl
from tests.access.servers import DATABASE_PASSWORD, running, with_password
from tests.access.worlds import run_matrix
from tests.process import run_cli

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def matrix_run(dashboard_world, tmp_path_factory):
    with running(dashboard_world.settings, tmp_path_factory.mktemp("access")) as servers:
        yield run_matrix(servers, dashboard_world)


def test_the_matrix_covers_every_api_route_and_callback(matrix_run) -> None:
    document = requests.get(f"{matrix_run.servers.api}/api/v1/openapi.json", timeout=30).json()
    assert matrix.api_routes(document) == set(matrix.API_CALLS)
    pages = {dash_calls.page_of(cb) for cb in dash_calls.server_callbacks(matrix_run.deps)}
    assert pages <= set(spec.PAGES) | {""}, pages
    assert set(spec.PAGES) <= pages  # every page has callbacks in the matrix


def test_every_role_gets_exactly_what_the_spec_says(matrix_run) -> None:
    failed = [check for check in matrix_run.checks if not check.passed]
    assert failed == []
    assert len(matrix_run.checks) > 200
    assert {c.got for c in matrix_run.checks} == {spec.ALLOW, spec.DENY}


def test_no_secret_in_any_answer_or_log(matrix_run, dashboard_world) -> None:
    servers = matrix_run.servers
    leaks, read = crawl(servers.answers, servers.logs, matrix_run.logins.issued,
                        dashboard_world.password)
    assert read > 300 and len(matrix_run.logins.issued) > 10
    assert all(log.stat().st_size > 0 for log in servers.logs)
    assert leaks == []


def test_cityops_config_masks_the_database_password(dashboard_world) -> None:
    settings = dashboard_world.settings
    shown = run_cli(settings, "config", DATABASE_URL=with_password(settings.database_url))
    assert shown.returncode == 0, shown.stderr
    assert DATABASE_PASSWORD not in shown.stdout + shown.stderr
    assert "****@" in shown.stdout
