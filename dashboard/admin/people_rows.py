"""People as the admin grids show them, and the checks on a new account before it is made.

Pure: rows come in from alerts/ (worker_list, user_admin) and go out as grid rows in the
viewer's language; problems come out as catalogue keys.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from alerts.dispatch.errors import ScheduleError
from alerts.dispatch.schedule import Span, on_duty, parse_schedule
from dashboard.i18n import translate, when
from identity.scope import Scope
from identity.user_admin import Account, inside
from identity.users import USER_ROLES

MIN_PASSWORD = 10
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{1,63}")


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def span_text(span: Span) -> str:
    return f"{_clock(span.start)}–{_clock(span.end)}"


def today_shifts(raw: object, now: datetime) -> tuple[str | None, bool]:
    """The shifts starting today in the schedule's zone ("08:00–17:30, 22:00–06:00"; "" for a
    day off; None when the stored schedule cannot be read) and whether they are on duty now."""
    try:
        schedule = parse_schedule(raw)
    except ScheduleError:
        return None, False
    today = now.astimezone(ZoneInfo(schedule.timezone)).date()
    shifts = ", ".join(span_text(s) for s in schedule.spans_starting_on(today))
    return shifts, on_duty(schedule, now)


def worker_grid_row(lang: str, row: dict, now: datetime) -> dict:
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    shifts, duty = today_shifts(row["schedule"], now)
    return {
        "worker_id": row["worker_id"], "name": row["name"], "phone": row["phone"] or "",
        "tier": t(f"admin.tier.{row['tier']}"), "grid_code": row["grid_code"] or "",
        "unit": " ".join(p for p in (row["unit_code"], row["unit_name"]) if p),
        "today": (t("admin.workers.bad_schedule") if shifts is None
                  else shifts or t("admin.workers.day_off")),
        "on_duty": t("admin.workers.on_duty") if duty else t("admin.workers.off_duty"),
        "open_tasks": row["open_tasks"], "username": row["username"] or "",
        "active": t("admin.yes") if row["active"] else t("admin.no"),
    }


def account_grid_row(lang: str, account: Account) -> dict:
    """An account for the users grid: never a hash (Account has none to give)."""
    t = lambda key: translate(lang, key)  # noqa: E731 - a local shorthand
    return {
        "id": account.id, "username": account.username,
        "display_name": account.display_name or "", "role": t(f"role.{account.role}"),
        "area_code": account.area_code,
        "state": t("admin.users.active") if account.active else t("admin.users.inactive"),
        "active": account.active,
        "last_login": when(lang, account.last_login) if account.last_login else "",
    }


def new_account_problems(username: str, password: str, again: str, role: str | None,
                         area_code: str, scope: Scope) -> list[str]:
    """Catalogue keys of what is wrong with a new account; empty when it may be added."""
    problems = []
    if not USERNAME.fullmatch(username or ""):
        problems.append("admin.users.problem.username")
    if role not in USER_ROLES:
        problems.append("admin.users.problem.role")
    if len(password or "") < MIN_PASSWORD:
        problems.append("admin.users.problem.password_short")
    elif password != again:
        problems.append("admin.users.problem.password_differs")
    area = (area_code or "").strip()
    if not area:
        problems.append("admin.users.problem.area")
    elif not inside(area, scope):
        problems.append("admin.users.problem.area_outside")
    return problems
