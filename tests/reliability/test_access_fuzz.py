"""Access, long version: the HTTP API against its OpenAPI document with schemathesis, many
examples per operation (the default suite runs a few hundred in tests/integration/)."""

from __future__ import annotations

import pytest
import requests

from sim.seed.people import DEMO_PASSWORD
from tests.access.fuzz import fuzz
from tests.access.servers import running
from tests.access.worlds import seed_fuzz_world

pytestmark = [pytest.mark.reliability, pytest.mark.integration]

EXAMPLES = 250  # per operation × mode × caller: about 7 × 2 × 2 × 250 ≈ 6,000 requests


def test_every_api_answer_is_documented_and_none_is_a_server_error(
        isolated, small_city_areas, tmp_path, results) -> None:
    settings = seed_fuzz_world(isolated, small_city_areas)
    with running(settings, tmp_path) as servers:
        document = requests.get(f"{servers.api}/api/v1/openapi.json", timeout=30).json()
        token = requests.post(f"{servers.api}/api/v1/login", timeout=30, json={
            "username": "operator", "password": DEMO_PASSWORD}).json()["token"]
        report = fuzz(document, servers.api, token, EXAMPLES)
    statuses = " ".join(f"{code}:{n}" for code, n in sorted(report.statuses.items()))
    passed = not report.failures and report.requests >= 1000
    results.add("access", "API vs OpenAPI (schemathesis)", passed, requests=report.requests,
                statuses=statuses, failures=len(report.failures))
    assert report.failures == []
    assert report.requests >= 1000
