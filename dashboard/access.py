"""Who may open which page, and which page a callback belongs to: the dashboard's one table.

Every page's component ids start with the page's name and a dash (`wall-map`,
`triage-queue`), so the server can tell from a callback request alone which page it
serves and refuse it for roles that may not open that page — whatever the browser sends.
Area scope is the second check, made by every query with the viewer's `Scope`.
"""

from __future__ import annotations

import json

# Roles per page. Admins run accounts and configuration, not cases (alerts/cases/flow.py);
# workers see only their own tasks, unit staff only their unit's (the same task page).
PAGE_ROLES: dict[str, frozenset[str]] = {
    "wall": frozenset({"operator", "manager", "leader", "admin"}),
    "map": frozenset({"operator", "manager", "leader"}),
    "triage": frozenset({"operator", "manager", "leader"}),
    "worker": frozenset({"worker", "unit"}),
    "summary": frozenset({"operator", "manager", "leader"}),
    "assessment": frozenset({"manager", "leader"}),
    "admin": frozenset({"admin"}),
}

# Where each role lands after logging in.
HOME_PAGE: dict[str, str] = {"operator": "wall", "manager": "triage", "leader": "summary",
                             "worker": "worker", "unit": "worker", "admin": "admin"}

# Dash's own router (the page container) runs for every logged-in user; the page's layout
# function then checks the role itself (shell.frame).
ROUTER_IDS = frozenset({"_pages_content", "_pages_store", "_pages_dummy", "_pages_location"})

# The page shell (nav bar, language) shared by all pages.
SHELL_PREFIX = "shell"


def may_open(role: str, page: str) -> bool:
    return role in PAGE_ROLES.get(page, frozenset())


def pages_for(role: str) -> list[str]:
    return [page for page, roles in PAGE_ROLES.items() if role in roles]


def _component_id(text: str) -> str:
    """`wall-map.figure` -> `wall-map`; a pattern id `{"type":"triage-move",...}.n_clicks`
    -> `triage-move` (its `type`)."""
    text = text.strip(".")
    if text.startswith("{"):
        closing = text.rfind("}")
        try:
            data = json.loads(text[:closing + 1])
        except ValueError:
            return ""
        return str(data.get("type", "")) if isinstance(data, dict) else ""
    return text.rsplit(".", 1)[0]


def output_ids(output: str) -> list[str]:
    """The component ids of a callback's `output` field. Several outputs come as
    `..a.children...b.figure..` (Dash's multi-output form)."""
    if output.startswith(".."):
        return [_component_id(part) for part in output[2:-2].split("...") if part]
    return [_component_id(output)]


def callback_page(output: str) -> str | None:
    """The page a callback belongs to, "" for the router and the shell, None when its
    outputs name no known page or span several (refused)."""
    pages = set()
    for component in output_ids(output):
        if component in ROUTER_IDS:
            pages.add("")
            continue
        prefix = component.split("-", 1)[0]
        if prefix == SHELL_PREFIX:
            pages.add("")
        elif prefix in PAGE_ROLES:
            pages.add(prefix)
        else:
            return None
    return pages.pop() if len(pages) == 1 else None


def may_call(role: str, output: str) -> bool:
    page = callback_page(output)
    if page is None:
        return False
    return page == "" or may_open(role, page)
