"""Access, long version: the whole matrix of tests/access/spec.py (pages, exports, callbacks,
API routes × roles; case-id resources × accounts × cases inside / outside their area), one
results row per rule, then the secret crawl of every answer and log line, and `cityops
config`'s masking. The default suite runs the same matrix in tests/integration/."""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.access.secrets_crawl import crawl
from tests.access.servers import DATABASE_PASSWORD, running, with_password
from tests.access.worlds import run_matrix
from tests.process import run_cli

pytestmark = [pytest.mark.reliability, pytest.mark.integration]


@pytest.fixture(scope="module")
def matrix_run(dashboard_world, tmp_path_factory):
    with running(dashboard_world.settings, tmp_path_factory.mktemp("access")) as servers:
        yield run_matrix(servers, dashboard_world)


def test_every_access_rule_holds(matrix_run, results) -> None:
    rules = defaultdict(list)
    for check in matrix_run.checks:
        rules[check.resource].append(check)
    for resource, checks in rules.items():
        failed = [f"{c.who}: {c.got}" for c in checks if not c.passed]
        allowed = sorted(c.who for c in checks if c.expected == "allow")
        results.add("access", resource, not failed, requests=len(checks),
                    allowed=" ".join(allowed) or "none", failed="; ".join(failed)[:200])
    failed = [check for check in matrix_run.checks if not check.passed]
    assert failed == []
    assert len(rules) > 25


def test_no_secret_in_any_answer_or_log(matrix_run, dashboard_world, results) -> None:
    servers = matrix_run.servers
    leaks, read = crawl(servers.answers, servers.logs, matrix_run.logins.issued,
                        dashboard_world.password)
    results.add("access", "no secret in answers or logs", not leaks, answers=len(servers.answers),
                logs=len(servers.logs), tokens=len(matrix_run.logins.issued), leaks=len(leaks))
    assert leaks == []
    assert read > 300


def test_cityops_config_masks_the_database_password(dashboard_world, results) -> None:
    settings = dashboard_world.settings
    shown = run_cli(settings, "config", DATABASE_URL=with_password(settings.database_url))
    masked = (shown.returncode == 0 and DATABASE_PASSWORD not in shown.stdout + shown.stderr
              and "****@" in shown.stdout)
    results.add("access", "cityops config masks secrets", masked, requests=1)
    assert masked, shown.stdout + shown.stderr
