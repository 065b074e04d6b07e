"""The responsibility list (权责清单): (category, sub-type, area) → the unit answering for it.

A row names a category (大类) and a sub-type (小类), either of which may be `*`, and an area
of any level. A case is routed by the finest of its areas (grid → community → street →
district → city) that has a matching row; within an area a row naming the sub-type beats
one naming only the category, which beats the area's default (`*`, `*`). A row at a
district or at the city with `*` is so the default of that tier.

A case's sub-type is its `category` column (cases take an incident's 小类, because SLA
limits are per sub-type); its category is the incident's 大类 in `labels`, when known.
"""

from __future__ import annotations

from dataclasses import dataclass

ANY = "*"
# Finest first: the order in which a case's areas are asked.
AREA_ORDER: tuple[str, ...] = ("grid", "community", "street", "district", "city")


@dataclass(frozen=True)
class Duty:
    """One row of the list."""

    category: str
    subtype: str
    area_code: str
    unit_code: str

    def key(self) -> tuple[str, str, str]:
        return (self.category, self.subtype, self.area_code)


@dataclass(frozen=True)
class Route:
    """Where the list sends a case, and the row that says so."""

    unit_code: str
    unit_name: str
    duty: Duty


# Rows of any of the case's areas that could match; ranked in Python by specificity.
CANDIDATES = """
SELECT r.category, r.subtype, r.area_code, r.unit_code, u.name
FROM responsibilities r JOIN units u ON u.unit_code = r.unit_code
WHERE r.area_code = ANY(%(areas)s) AND u.active
  AND r.subtype IN (%(subtype)s, '*') AND r.category IN (%(category)s, '*')
"""

ALL_ROWS = ("SELECT category, subtype, area_code, unit_code FROM responsibilities "
            "ORDER BY area_code, category, subtype")


def _rank(duty: Duty, areas: list[str]) -> tuple[int, int, int]:
    return (areas.index(duty.area_code), duty.subtype == ANY, duty.category == ANY)


def route(cur, areas: dict[str, str], subtype: str | None, category: str | None,
          *, excluded: frozenset[str] = frozenset()) -> Route | None:
    """The unit the list names for a case with these areas (tier → code) and categories;
    None when no row matches. `excluded`: units that already returned it as not theirs."""
    ordered = [areas[t] for t in AREA_ORDER if areas.get(t)]
    if not ordered:
        return None
    cur.execute(CANDIDATES, {"areas": ordered, "subtype": subtype or ANY,
                             "category": category or ANY})
    found = [(Duty(*row[:4]), row[4]) for row in cur.fetchall()]
    found = [(d, name) for d, name in found if d.unit_code not in excluded]
    if not found:
        return None
    duty, name = min(found, key=lambda pair: _rank(pair[0], ordered))
    return Route(duty.unit_code, name, duty)


def all_duties(cur) -> list[Duty]:
    cur.execute(ALL_ROWS)
    return [Duty(*row) for row in cur.fetchall()]
