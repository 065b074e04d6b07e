"""Incidents reported per calendar day and source (hotline, patrol, sensor), for the daily
summary. The area clause is `identity.scope.area_sql` over the incidents table, which
carries the same four area codes as a case; days start at local midnight in `zone`."""

from __future__ import annotations

from datetime import date

from identity.scope import area_sql

BY_DAY_AND_SOURCE = """
SELECT (i.reported_at AT TIME ZONE %(zone)s)::date AS day, i.source, count(*) AS incidents
FROM incidents i
WHERE {area}
  AND i.reported_at >= %(first)s::date::timestamp AT TIME ZONE %(zone)s
  AND i.reported_at < (%(last)s::date + 1)::timestamp AT TIME ZONE %(zone)s
GROUP BY 1, 2
"""


def incidents_by_source(cur, level: str, code: str, first: date, last: date,
                        zone: str) -> dict[date, dict[str, int]]:
    """{day: {source: incidents}} for each day from `first` to `last` (days with none are
    present and empty), inside the area `level`/`code`."""
    clause, params = area_sql(level, code, "area_code", alias="i")
    params.update(first=first, last=last, zone=zone)
    cur.execute(BY_DAY_AND_SOURCE.format(area=clause), params)
    counts: dict[date, dict[str, int]] = {}
    day = first
    while day <= last:
        counts[day] = {}
        day = date.fromordinal(day.toordinal() + 1)
    for day, source, n in cur.fetchall():
        counts.setdefault(day, {})[source] = n
    return counts
