"""The HTTP API checked against its OpenAPI document by schemathesis (tests/access/fuzz.py):
a few hundred generated requests, valid and invalid, with and without a token, on a small
seeded world of its own; every answer documented, none a server error. Then the inputs the
fuzzer found that used to crash the API, asked for directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from sharing.keys import DATASETS, create
from sim.seed.people import DEMO_PASSWORD
from store import db
from store.admin_audit import AdminActor
from tests.access.fuzz import fuzz
from tests.access.servers import running
from tests.access.worlds import seed_fuzz_world

pytestmark = pytest.mark.integration

EXAMPLES = 12  # per operation × mode × caller: about 12 × 2 × 2 × 12 ≈ 580 requests


@pytest.fixture(scope="module")
def servers(isolated, small_city_areas, tmp_path_factory):
    settings = seed_fuzz_world(isolated, small_city_areas)
    conn = db.connect(settings.database_url)
    try:  # a key that reads everything of the city, for the sharing API's routes
        _, secret = create(conn, "fuzz", list(DATASETS), ["310000"], [],
                           datetime.now(UTC) + timedelta(days=1), AdminActor("fuzz", "cli"))
    finally:
        conn.close()
    with running(settings, tmp_path_factory.mktemp("fuzz")) as started:
        started.share_key = secret
        yield started


def _token(servers) -> str:
    return requests.post(f"{servers.api}/api/v1/login", timeout=30, json={
        "username": "operator", "password": DEMO_PASSWORD}).json()["token"]


def test_every_api_answer_is_documented_and_none_is_a_server_error(servers) -> None:
    document = requests.get(f"{servers.api}/api/v1/openapi.json", timeout=30).json()
    report = fuzz(document, servers.api, _token(servers), EXAMPLES, servers.share_key)
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
