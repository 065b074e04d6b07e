"""What a case queue can be filtered by, inside the viewer's area: the categories its cases
have and the areas one level below the viewer's own (a district manager picks a street)."""

from __future__ import annotations

from identity.scope import Scope, scope_sql

CATEGORIES = """
SELECT DISTINCT a.category FROM alerts a
WHERE a.category IS NOT NULL AND {scope} ORDER BY 1
"""

CHILD_AREAS = """
SELECT code, name_zh, coalesce(name_en, name_zh) FROM areas
WHERE parent_code = %s ORDER BY code
"""

AREA_NAMES = """
SELECT code, name_zh, coalesce(name_en, name_zh) FROM areas WHERE code = ANY(%s)
"""


def categories(cur, scope: Scope) -> list[str]:
    clause, params = scope_sql(scope)
    cur.execute(CATEGORIES.format(scope=clause), params)  # scope.py's fragment; values bound
    return [row[0] for row in cur.fetchall()]


def child_areas(cur, scope: Scope) -> list[tuple[str, str, str]]:
    """(code, Chinese name, English name) of the areas directly under the viewer's."""
    cur.execute(CHILD_AREAS, (scope.code,))
    return [tuple(row) for row in cur.fetchall()]


def area_names(cur, codes) -> dict[str, tuple[str, str]]:
    """code -> (Chinese name, English name) for the codes the areas table knows."""
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return {}
    cur.execute(AREA_NAMES, (wanted,))
    return {code: (zh, en) for code, zh, en in cur.fetchall()}
