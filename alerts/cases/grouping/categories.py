"""Which categories name the same problem, so a sensor rule and a 12345 call can meet.

Incidents carry the 部件/事件 standard's (category, subcategory), e.g. (公用设施, 井盖破损);
a case opened from an incident takes the subcategory as its category, because SLA limits
are per subcategory. Rules name their own category. A rule category that means the same
problem as an incident subcategory is listed here; everything else is its own problem.
"""

from __future__ import annotations

# rule category -> the incident subcategory that is the same problem
SAME_PROBLEM: dict[str, str] = {
    "井盖破损": "井盖破损",          # manhole-tilted, manhole-confirmed <-> 公用设施/井盖破损
    "路面积水": "路面积水",          # underpass-flooded <-> 突发事件/路面积水
    "下立交积水": "路面积水",
    "路灯不亮": "路灯不亮",          # streetlight-overcurrent <-> 公用设施/路灯不亮
    "路灯故障": "路灯不亮",
    "违章搭建": "违章搭建",          # bund-illegal-building <-> 房屋土地/违章搭建
    "交通信号灯故障": "交通信号灯故障",
    "路面塌陷": "路面塌陷",
    "道路破损": "道路破损",
}


def problem(category: str | None) -> str | None:
    """The problem a case category names (the key merging compares)."""
    if category is None:
        return None
    return SAME_PROBLEM.get(category, category)


def same_problem(category: str | None) -> list[str]:
    """Every case category that names the problem of `category` (for the SQL lookup)."""
    wanted = problem(category)
    if wanted is None:
        return []
    found = {wanted} | {c for c, p in SAME_PROBLEM.items() if p == wanted}
    return sorted(found | {category})


def incident_category(category: str | None, subcategory: str | None) -> str | None:
    """The case category of an incident: its subcategory, else its category."""
    return subcategory or category
