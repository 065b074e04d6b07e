"""An assessment as the page, the bulletin and the command line ask for it: the ranked rows
of a period and grouping inside the viewer's area, with the groups' names, and the cases
behind a figure (read again through the viewer's scope, whatever ids were asked for)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from assessment.facts import read_facts
from assessment.indicators import IndicatorSet
from assessment.periods import Period
from assessment.scores import Row, assess
from identity.scope import Scope, scope_sql

NAMES = {
    "district": "SELECT code, name_zh, coalesce(name_en, name_zh) FROM areas WHERE code = ANY(%s)",
    "street": "SELECT code, name_zh, coalesce(name_en, name_zh) FROM areas WHERE code = ANY(%s)",
    "unit": "SELECT unit_code, name, name FROM units WHERE unit_code = ANY(%s)",
    "post": "SELECT username, coalesce(display_name, username), coalesce(display_name, "
            "username) FROM users WHERE username = ANY(%s)",
}

CASES = """
SELECT a.id, a.title, a.category, a.state, a.opened_at, a.closed_at,
    coalesce(st.name_zh, a.street_code) AS street, u.name AS unit
FROM alerts a LEFT JOIN areas st ON st.code = a.street_code
LEFT JOIN units u ON u.unit_code = a.unit_code
WHERE a.id = ANY(%(ids)s) AND {scope}
ORDER BY a.id LIMIT %(limit)s
"""  # noqa: S608 - the scope clause is identity.scope's, with bound parameters


@dataclass(frozen=True)
class Assessment:
    period: Period
    grouping: str
    rows: list[Row]
    names: dict[str, tuple[str, str]]  # key -> (zh, en)

    def name(self, key: str, lang: str) -> str:
        zh, en = self.names.get(key, (key, key))
        return en if lang == "en" else zh


def run(conn, scope: Scope, period: Period, grouping: str, indicators: IndicatorSet,
        zone: ZoneInfo) -> Assessment:
    start, end = period.bounds(zone)
    with conn.cursor() as cur:
        rows = assess(read_facts(cur, scope, start, end), grouping, indicators)
        cur.execute(NAMES[grouping], ([r.key for r in rows],))
        names = {key: (zh, en) for key, zh, en in cur.fetchall()}
    conn.rollback()
    return Assessment(period, grouping, rows, names)


def cases_behind(conn, scope: Scope, ids: list[int], limit: int = 500) -> list[dict]:
    """The cases of a figure that the viewer may see (the ids come from the browser)."""
    clause, params = scope_sql(scope)
    params.update(ids=[int(i) for i in ids][:limit], limit=limit)
    with conn.cursor() as cur:
        cur.execute(CASES.format(scope=clause), params)
        names = [c.name for c in cur.description]
        found = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    conn.rollback()
    return found
