"""The HTTP API checked against its OpenAPI document by schemathesis (tests/access/fuzz.py):
a few hundred generated requests, valid and invalid, with and without a token, on a small
seeded world of its own; every answer documented, none a server error. Then the inputs the
fuzzer found that used to crash the API, asked for directly."""

from __future__ import annotations

import pytest
import requests

from sim.seed.people import DEMO_PASSWORD
from tests.access.fuzz import fuzz
from tests.access.servers import running
from tests.access.worlds import seed_fuzz_world

pytestmark = pytest.mark.integration

EXAMPLES = 15  # per operation × mode × caller: about 7 × 2 × 2 × 15 ≈ 400 requests


@pytest.fixture(scope="module")
def servers(isolated, small_city_areas, tmp_path_factory):
    settings = seed_fuzz_world(isolated, small_city_areas)
    with running(settings, tmp_path_factory.mktemp("fuzz")) as started:
        yield started


def _token(servers) -> str:
    return requests.post(f"{servers.api}/api/v1/login", timeout=30, json={
        "username": "operator", "password": DEMO_PASSWORD}).json()["token"]


def test_every_api_answer_is_documented_and_none_is_a_server_error(servers) -> None:
    document = requests.get(f"{servers.api}/api/v1/openapi.json", timeout=30).json()
    report = fuzz(document, servers.api, _token(servers), EXAMPLES)
    assert report.failures == []
    assert report.requests >= 200
    assert any(200 <= status < 300 for status in report.statuses)
    assert any(400 <= status < 500 for status in report.statuses)


@pytest.mark.parametrize("query", ["area=%00", "category=a%00b", "page=%C2%B2",
                                   "per_page=%C2%B2"])
def test_a_nul_or_a_superscript_digit_in_the_case_query_is_a_400(servers, query) -> None:
    answer = requests.get(f"{servers.api}/api/v1/cases?{query}", timeout=30,
                          headers={"Authorization": f"Bearer {_token(servers)}"})
    assert answer.status_code == 400, answer.text


def test_a_nul_in_a_login_name_is_a_wrong_login_not_a_crash(servers) -> None:
    api = requests.post(f"{servers.api}/api/v1/login", timeout=30,
                        json={"username": "oper\x00ator", "password": "x"})
    form = requests.post(f"{servers.dashboard}/login", timeout=30, allow_redirects=False,
                         data={"username": "oper\x00ator", "password": "x"})
    assert (api.status_code, form.status_code) == (401, 401)
