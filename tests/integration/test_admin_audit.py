"""Admin changes leave a row in admin_events: who, through which door, what, before, after.

From the admin page's functions (dashboard/admin/: what its callbacks call, as the services'
role) and from the command line (real `cityops` processes).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from cityops.settings import REPO_ROOT
from dashboard.admin.device_import import import_devices
from dashboard.admin.roster_upload import import_roster
from identity.scope import Scope
from identity.user_admin import set_active
from identity.users import add_user
from store import admin_audit
from store import db as store_db
from store.admin_audit import AdminActor
from tests.process import cli_env, run_cli

pytestmark = pytest.mark.integration

CITY = Scope("city", "310000")
PAGE = AdminActor("admin:audit.boss", "dashboard")
PASSWORD = "a-long-enough-password"


@pytest.fixture(scope="module")
def world(isolated, small_city_areas):
    from geo import store as geo_store
    run = isolated("audit")
    conn = store_db.connect(run.database_url)
    geo_store.write_areas(conn, small_city_areas)
    conn.commit()
    grid = small_city_areas[small_city_areas["level"] == "grid"]
    yield run, conn, grid
    conn.close()


def only(conn, kind: str, object_id: str) -> list[admin_audit.AdminEvent]:
    return admin_audit.events(conn, kind, object_id)


def test_page_turning_an_account_off_records_before_and_after(world) -> None:
    _, conn, _ = world
    user_id = add_user(conn, "audit.target", PASSWORD, "operator", "310101", actor=PAGE)
    assert set_active(conn, user_id, False, CITY, PAGE) is not None
    off, added = only(conn, "user", "audit.target")
    assert (added.action, added.actor, added.via, added.before) == (
        "user.add", "admin:audit.boss", "dashboard", None)
    assert added.after["role"] == "operator" and "password_hash" not in added.after
    assert off.action == "user.deactivate"
    assert (off.before["active"], off.after["active"]) == (True, False)


def test_page_device_import_records_each_device_changed(world) -> None:
    _, conn, grid = world
    spot = grid.geometry.iloc[0].representative_point()
    text = f"device_id,kind,name,lon,lat,meta\naudit-lamp,streetlight,路灯,{spot.x},{spot.y},\n"
    assert import_devices(conn, text, CITY, PAGE).added == 1
    assert import_devices(conn, text.replace("路灯", "新路灯"), CITY, PAGE).updated == 1
    assert import_devices(conn, text.replace("路灯", "新路灯"), CITY, PAGE).updated == 1
    renamed, added = only(conn, "device", "audit-lamp")  # the same file again: no change
    assert added.before is None and added.after["name"] == "路灯"
    assert (renamed.before["name"], renamed.after["name"]) == ("路灯", "新路灯")


def test_page_roster_import_records_workers(world) -> None:
    _, conn, grid = world
    cell = grid["code"].iloc[0]
    roster = ("worker_id,name,phone,tier,grid_code,shifts\n"
              f"audit-w1,王小明,13800000001,grid,{cell},mon-sun 00:00-24:00\n")
    assert import_roster(conn, roster, "roster.csv", dry_run=True, actor=PAGE).done
    assert only(conn, "worker", "audit-w1") == []  # a dry run writes nothing, records nothing
    assert import_roster(conn, roster, "roster.csv", actor=PAGE).done
    (event,) = only(conn, "worker", "audit-w1")
    assert (event.action, event.before, event.after["grid_code"]) == ("worker.import", None,
                                                                       cell)


def test_cli_user_add_and_roster_import_are_recorded(world, tmp_path) -> None:
    run, conn, grid = world
    done = subprocess.run([sys.executable, "-m", "cityops", "users", "add", "audit.cli",
                           "--role", "manager", "--area", "310101", "--password-stdin"],
                          cwd=REPO_ROOT, env=cli_env(run), input=f"{PASSWORD}\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    (added,) = only(conn, "user", "audit.cli")
    assert added.via == "cli" and added.actor.startswith("os:")
    assert added.after["role"] == "manager" and PASSWORD not in str(added.after)

    path = tmp_path / "roster.csv"
    path.write_text("worker_id,name,phone,tier,grid_code,shifts\n"
                    f"audit-w2,李四,13800000002,grid,{grid['code'].iloc[1]},mon 08:00-12:00\n",
                    encoding="utf-8")
    done = run_cli(run, "workers", "import", str(path))
    assert done.returncode == 0, done.stderr
    (event,) = only(conn, "worker", "audit-w2")
    assert event.via == "cli" and event.after["name"] == "李四"
