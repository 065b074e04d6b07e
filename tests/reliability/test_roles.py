"""Roles, long version: each check of tests/roles_checks.py (a service role attempting
TRUNCATE and DDL on the audit trail, holding no privileged flag, doing its usual work) as a
results row of the `roles` family, on a world of its own."""

from __future__ import annotations

import pytest

from tests.roles_checks import ATTACKS, CHECKS, attacks_refused

pytestmark = [pytest.mark.reliability, pytest.mark.integration]


def test_service_role_checks(isolated, results) -> None:
    world = isolated("roles_long")
    failed = {}
    for name, check in CHECKS.items():
        problems = check(world.database_url)
        figures = {"attacks": len(ATTACKS)} if check is attacks_refused else {}
        results.add("roles", name, not problems, problems="; ".join(problems) or "none",
                    **figures)
        if problems:
            failed[name] = problems
    assert failed == {}
