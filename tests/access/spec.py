"""The expected access, written out as data: role × resource → allow or deny.

This is the specification the matrix tests hold both servers to. It is written here on its
own, not read from dashboard/access.py, so a change to the code's table that is not also a
decision here fails the tests.
"""

from __future__ import annotations

ALLOW, DENY = "allow", "deny"

# "anonymous" is a request without a session cookie or bearer token.
ROLES: tuple[str, ...] = ("anonymous", "operator", "manager", "leader", "worker", "unit",
                          "admin")

# The seeded account that stands for each role (sim/seed/people.py); None: no login.
ACCOUNT_OF_ROLE: dict[str, str | None] = {
    "anonymous": None, "operator": "operator", "manager": "manager_hp", "leader": "leader",
    "worker": "worker_hp", "unit": "unit_road", "admin": "admin"}

# Dashboard pages: who may open them. Admins run accounts, not cases; workers and unit staff
# see their tasks.
PAGES: dict[str, frozenset[str]] = {
    "wall": frozenset({"operator", "manager", "leader", "admin"}),
    "map": frozenset({"operator", "manager", "leader"}),
    "triage": frozenset({"operator", "manager", "leader"}),
    "worker": frozenset({"worker", "unit"}),
    "summary": frozenset({"operator", "manager", "leader"}),
    "assessment": frozenset({"manager", "leader"}),
    "admin": frozenset({"admin"}),
}

# Downloads served outside Dash callbacks, and the page whose roles may fetch them.
EXPORTS: dict[str, str] = {
    "/export/summary": "summary",
    "/export/admin/devices-template.csv": "admin",
    "/export/admin/units.yaml": "admin",
    "/export/admin/responsibilities.csv": "admin",
    "/export/bulletin?period=2026-11&format=csv": "assessment",
}

# Every logged-in role may run Dash's page router and the page shell: what they then get
# is the page's own layout or the refusal (checked by the page rows above).
ROUTER_ROLES = frozenset(ROLES) - {"anonymous"}

# HTTP API routes (method, OpenAPI path) open to anyone: they hold no city data.
API_OPEN: frozenset[tuple[str, str]] = frozenset({
    ("GET", "/healthz"), ("GET", "/api/v1/openapi.json"), ("POST", "/api/v1/login")})

# The three cases the area rules are checked on (chosen in tests/access/cases.py):
#   hp       a 黄浦 (310101) case assigned to worker_hp
#   hp_other a 黄浦 case assigned to nobody or to another worker
#   ja       a 静安 (310106) case assigned to worker_ja
#   unit     a 黄浦 case held by 黄浦's roads bureau (310101-ROAD, unit_road's unit)
CASES: tuple[str, ...] = ("hp", "hp_other", "ja", "unit")

# Account × case → allow (sees it, may try to move it) or deny (404 / "not found" / empty).
AREA: dict[str, dict[str, str]] = {
    "admin": {"hp": ALLOW, "hp_other": ALLOW, "ja": ALLOW, "unit": ALLOW},
    "operator": {"hp": ALLOW, "hp_other": ALLOW, "ja": ALLOW, "unit": ALLOW},
    "leader": {"hp": ALLOW, "hp_other": ALLOW, "ja": ALLOW, "unit": ALLOW},
    "manager_hp": {"hp": ALLOW, "hp_other": ALLOW, "ja": DENY, "unit": ALLOW},
    "manager_ja": {"hp": DENY, "hp_other": DENY, "ja": ALLOW, "unit": DENY},
    "worker_hp": {"hp": ALLOW, "hp_other": DENY, "ja": DENY, "unit": DENY},
    "worker_ja": {"hp": DENY, "hp_other": DENY, "ja": ALLOW, "unit": DENY},
    "unit_road": {"hp": DENY, "hp_other": DENY, "ja": DENY, "unit": ALLOW},
    "unit_cg": {"hp": DENY, "hp_other": DENY, "ja": DENY, "unit": DENY},
}

# Which accounts each case-id resource is checked with: those whose role may use it at all
# (the role rows above refuse the others before any case is read).
AREA_RESOURCES: dict[str, tuple[str, ...]] = {
    "dashboard triage detail": ("operator", "leader", "manager_hp", "manager_ja"),
    "dashboard triage move": ("operator", "leader", "manager_hp", "manager_ja"),
    "dashboard worker move": ("worker_hp", "worker_ja", "unit_road", "unit_cg"),
    "api GET /api/v1/cases/{case_id}": tuple(AREA),
    "api POST /api/v1/cases/{case_id}/transitions": tuple(AREA),
}


# The sharing API (API keys, not logins): the keys the matrix makes and what each may read.
SHARE_DATASETS: tuple[str, ...] = ("readings", "rollups", "incidents", "cases", "kpis")
SHARE_AREA = "310101"  # asked of every route: inside the keys' areas
SHARE_KEYS: dict[str, dict[str, str]] = {
    "key: city, every dataset": dict.fromkeys(SHARE_DATASETS, ALLOW),
    "key: 黄浦, incidents only": {d: ALLOW if d == "incidents" else DENY
                                 for d in SHARE_DATASETS},
    "key: 静安 asked for 黄浦": dict.fromkeys(SHARE_DATASETS, DENY),
    "key: expired": dict.fromkeys(SHARE_DATASETS, DENY),
    "key: revoked": dict.fromkeys(SHARE_DATASETS, DENY),
}


def page_expected(role: str, page: str) -> str:
    return ALLOW if role in PAGES[page] else DENY


def callback_expected(role: str, page: str) -> str:
    """`page` "" is the router / shell."""
    if page == "":
        return ALLOW if role in ROUTER_ROLES else DENY
    return page_expected(role, page)


def api_expected(role: str, method: str, path: str) -> str:
    if (method, path) in API_OPEN:
        return ALLOW
    if path.startswith("/share/"):
        return DENY  # a login's token is not an API key
    return DENY if role == "anonymous" else ALLOW
