"""The city IT team's commands, run as real processes against a database of their own."""

import subprocess
import sys

import pytest

from cityops.settings import REPO_ROOT
from tests.database import query
from tests.process import cli_env, run_cli

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def admin_world(isolated):
    return isolated("admin")


def test_users_add_stores_a_hash_never_the_password(admin_world) -> None:
    done = subprocess.run([sys.executable, "-m", "cityops", "users", "add", "li.manager",
                           "--role", "manager", "--area", "310101", "--password-stdin"],
                          cwd=REPO_ROOT, env=cli_env(admin_world), input="s3cret-Passw0rd\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    ((role, area, stored),) = query(admin_world, "SELECT role, area_code, password_hash "
                                                "FROM users WHERE username = %s",
                                   ("li.manager",))
    assert (role, area) == ("manager", "310101")
    assert stored.startswith("scrypt$") and "s3cret-Passw0rd" not in stored
    assert "s3cret-Passw0rd" not in done.stdout + done.stderr
    listed = run_cli(admin_world, "users", "list")
    assert listed.returncode == 0 and "li.manager" in listed.stdout
    assert "scrypt$" not in listed.stdout  # no hash in any output


def test_silence_add_list_expire(admin_world) -> None:
    added = run_cli(admin_world, "alerts", "silence", "add", "--match", "rule_id=pressure-low",
                    "--for", "2h", "--by", "ops.zhang", "--comment", "water main works")
    assert added.returncode == 0, added.stderr
    ((silence_id, created_by),) = query(admin_world, "SELECT id, created_by FROM silences")
    assert created_by == "ops.zhang"
    listed = run_cli(admin_world, "alerts", "silence", "list")
    assert listed.returncode == 0 and "pressure-low" in listed.stdout
    expired = run_cli(admin_world, "alerts", "silence", "expire", str(silence_id))
    assert expired.returncode == 0, expired.stderr
    ((ends_before_now,),) = query(admin_world, "SELECT ends_at <= now() FROM silences "
                                              "WHERE id = %s", (silence_id,))
    assert ends_before_now is True
