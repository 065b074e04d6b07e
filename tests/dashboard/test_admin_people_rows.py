"""People rows for the admin grids, the checks on a new account, and the admin catalogue."""

import dataclasses
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard.admin.people_rows import (
    MIN_PASSWORD,
    account_grid_row,
    new_account_problems,
    today_shifts,
    worker_grid_row,
)
from dashboard.i18n import translate
from identity.scope import Scope
from identity.user_admin import Account, inside

ROOT = Path(__file__).resolve().parents[2]
CITY = Scope("city", "310000")
HUANGPU = Scope("district", "310101")
# A Wednesday, 10:00 in Shanghai.
WEDNESDAY_10 = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)


def test_today_shifts_and_duty_follow_the_schedule_in_its_zone() -> None:
    assert today_shifts(["mon-fri 08:00-17:30", "wed 22:00-06:00"], WEDNESDAY_10) == (
        "08:00–17:30, 22:00–06:00", True)
    assert today_shifts(["sat,sun 08:00-17:00"], WEDNESDAY_10) == ("", False)
    assert today_shifts({"shifts": "nope"}, WEDNESDAY_10) == (None, False)
    assert today_shifts([], WEDNESDAY_10) == ("", False)


def test_a_worker_row_in_chinese_and_english() -> None:
    row = {"worker_id": "W-1", "name": "王小明", "phone": None, "tier": "grid",
           "grid_code": "310101001001001", "unit_code": "U1", "unit_name": "外滩站",
           "schedule": ["mon-fri 08:00-17:30"], "active": True, "username": None,
           "open_tasks": 2}
    zh = worker_grid_row("zh-CN", row, WEDNESDAY_10)
    assert (zh["tier"], zh["today"], zh["on_duty"], zh["unit"]) == (
        "网格", "08:00–17:30", "在岗", "U1 外滩站")
    en = worker_grid_row("en", {**row, "schedule": []}, WEDNESDAY_10)
    assert (en["tier"], en["today"], en["on_duty"]) == ("Grid", "Day off", "Off duty")


def test_an_account_row_has_no_password_field_at_all() -> None:
    account = Account(7, "li.si", "manager", "310101", "李四", False,
                      datetime(2025, 1, 1, tzinfo=UTC), None)
    assert not any("password" in f.name or "hash" in f.name
                   for f in dataclasses.fields(Account))
    row = account_grid_row("zh-CN", account)
    assert (row["role"], row["state"], row["last_login"], row["active"]) == (
        translate("zh-CN", "role.manager"), "已停用", "", False)
    assert not any("hash" in k or "password" in k for k in row)


GOOD = {"username": "zhang.san", "password": "x" * MIN_PASSWORD, "again": "x" * MIN_PASSWORD,
        "role": "operator", "area_code": "310101", "scope": CITY}


@pytest.mark.parametrize(("change", "key"), [
    ({"username": "a"}, "admin.users.problem.username"),
    ({"username": "张三"}, "admin.users.problem.username"),
    ({"role": "root"}, "admin.users.problem.role"),
    ({"password": "short", "again": "short"}, "admin.users.problem.password_short"),
    ({"again": "y" * MIN_PASSWORD}, "admin.users.problem.password_differs"),
    ({"area_code": " "}, "admin.users.problem.area"),
    ({"area_code": "310106", "scope": HUANGPU}, "admin.users.problem.area_outside"),
])
def test_new_account_problems_name_what_to_fix(change, key) -> None:
    assert new_account_problems(**{**GOOD, **change}) == [key]


def test_a_good_account_has_no_problems_inside_a_district_admins_area() -> None:
    assert new_account_problems(**{**GOOD, "area_code": "310101002", "scope": HUANGPU}) == []
    assert inside("310101002", HUANGPU) and not inside("310106", HUANGPU)
    assert inside("anything", CITY)


def _used_keys() -> set[str]:
    """Every admin.* key the page's code names, with the families it fills in at run time."""
    sources = [*(ROOT / "dashboard" / "admin").glob("*.py"), ROOT / "dashboard/pages/admin.py"]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    keys = {k for k in re.findall(r'"(admin\.[a-z_.]+)"', text) if not k.endswith(".")}
    families = {
        "admin.devices.tile.": ["total", "normal", "alarm", "offline", "no_data"],
        "admin.status.": ["normal", "alarm", "offline", "no_data"],
        "admin.tab.": ["devices", "profiles", "rules", "holidays", "workers", "users"],
        "admin.holidays.": ["ok", "ending", "ended", "source.file", "source.package",
                            "col.year", "col.source", "col.holidays", "col.workdays",
                            "col.notice"],
        "admin.tier.": ["grid", "community", "street", "district", "city"],
        "admin.severity.": ["info", "minor", "major", "critical"],
        "admin.rules.kind.": ["threshold", "rate", "absence", "count", "composite", "geofence"],
        # Device kinds are named by their profiles (devices/default/*.yaml); only the
        # kind ingest gives a stranger is the catalogue's.
        "admin.kind.": ["unknown"],
        "admin.health.reason.": ["silent", "case_open", "reporting", "case_closed"],
        "admin.profiles.col.": ["kind", "name", "interval", "offline_after", "metrics",
                                "origin", "version", "file", "by", "at"],
    }
    keys |= {prefix + name for prefix, names in families.items() for name in names}
    from dashboard.admin import devices, rules, users, workers
    keys |= {f"admin.devices.col.{field}" for _, field, _ in devices.COLUMNS}
    keys |= {f"admin.rules.col.{field}" for field, _ in rules.COLUMNS}
    keys |= {f"admin.users.col.{field}" for field, _ in users.COLUMNS}
    keys |= {f"admin.workers.col.{field}" for field, _ in workers.COLUMNS}
    return keys


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_every_admin_string_is_in_both_catalogues(language) -> None:
    catalogue = json.loads((ROOT / "dashboard" / "catalogue" / f"{language}.json")
                           .read_text(encoding="utf-8"))
    missing = sorted(k for k in _used_keys() if k not in catalogue)
    assert missing == []
