"""The OpenAPI document describes exactly the routes and methods the app serves."""

from __future__ import annotations

import re

from alerts.api.app import create_app
from alerts.api.routes_meta import openapi_document
from alerts.cases.flow import MOVES

IGNORED_METHODS = {"HEAD", "OPTIONS"}  # Flask adds these to every route by itself
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def served() -> set[tuple[str, str]]:
    # No database is touched: the pool opens on the first request.
    app = create_app("postgresql://nobody@127.0.0.1:1/none")
    found = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        found |= {(path, method) for method in rule.methods - IGNORED_METHODS}
    return found


def documented() -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in openapi_document()["paths"].items()
            for method in item if method in HTTP_METHODS}


def test_every_served_route_is_documented_and_nothing_more():
    assert served() == documented()


def test_it_is_openapi_3_1_with_bearer_auth_and_open_health():
    doc = openapi_document()
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path in ("/healthz", "/api/v1/openapi.json", "/api/v1/login"):
        for operation in doc["paths"][path].values():
            assert operation["security"] == []


def test_every_reference_resolves():
    doc = openapi_document()
    text = repr(doc)
    for ref in set(re.findall(r"#/components/(\w+)/(\w+)", text)):
        assert ref[1] in doc["components"][ref[0]], ref


def test_the_documented_actions_are_the_case_flows():
    actions = openapi_document()["components"]["schemas"]["TransitionRequest"]["properties"]
    moves = MOVES.values() if isinstance(MOVES, dict) else MOVES
    assert set(actions["action"]["enum"]) == {move.action for move in moves}
