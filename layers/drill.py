"""Drill-down: a click on an area's name opens the next level (district -> street -> grid).

The names on a map carry their area codes (layers/boundaries.py); `area_scope` turns the
clicked code into the scope of that area, after checking that it lies inside the
viewer's own scope: a district manager cannot open a street of another district by
sending its code.
"""

from __future__ import annotations

from identity.scope import CaseArea, Scope, in_area

AREA = """
SELECT level, code, district_code, street_code, community_code FROM areas WHERE code = %s
"""


def clicked_code(click_data: dict | None) -> str | None:
    """The area code of a click on a map's names (dcc.Graph clickData), if any."""
    points = (click_data or {}).get("points") or []
    for point in points:
        code = point.get("customdata")
        if isinstance(code, str) and code.isdigit():
            return code
    return None


def area_scope(cur, viewer: Scope, code: str) -> Scope | None:
    """The scope of area `code` when it lies inside the viewer's scope; None otherwise
    (unknown area, another district's, or a worker asking)."""
    if viewer.worker_user_id is not None:
        return None
    cur.execute(AREA, (code,))
    row = cur.fetchone()
    if row is None:
        return None
    level, own, district, street, community = row
    if level == "city":
        return Scope("city", own) if viewer.level == "city" else None
    place = CaseArea(district_code=district, street_code=street, community_code=community,
                     grid_code=own if level == "grid" else None)
    if not in_area(viewer.level, viewer.code, place):
        return None
    return Scope(level, own)
