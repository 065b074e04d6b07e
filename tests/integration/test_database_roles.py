"""Issue #13 defect 5: the audit trail could be erased with any service's credentials.

Services connect as a least-privilege role (DATABASE_URL); only migrations use the owner
(CITYOPS_OWNER_DATABASE_URL). Checked through the real database: tests/roles_checks.py.
"""

from __future__ import annotations

import psycopg2
import pytest

from store import db as store_db
from tests.roles_checks import CHECKS

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def roles_world(isolated):
    return isolated("roles")


@pytest.mark.parametrize("name", list(CHECKS))
def test_service_role(roles_world, name: str) -> None:
    assert CHECKS[name](roles_world.database_url) == []


def test_even_the_owner_cannot_truncate_the_audit_tables(roles_world) -> None:
    """Defence in depth: a BEFORE TRUNCATE trigger refuses it whoever asks."""
    conn = store_db.connect(roles_world.owner_url)
    try:
        for table in ("alert_events", "admin_events"):
            with conn.cursor() as cur, pytest.raises(psycopg2.Error, match="append-only"):
                # CASCADE: past the foreign key of case_ratings, to the trigger itself.
                cur.execute(f"TRUNCATE {table} CASCADE")  # noqa: S608 - constant names
            conn.rollback()
    finally:
        conn.close()


def test_services_and_owner_are_different_roles(roles_world) -> None:
    conn = store_db.connect(roles_world.database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user, pg_get_userbyid(relowner) FROM pg_class "
                        "WHERE oid = 'alert_events'::regclass")
            service, owner = cur.fetchone()
        conn.rollback()
    finally:
        conn.close()
    assert service != owner
