"""The figures of an assessment: per unit, street, district or post, each indicator's value
with the cases behind it, the composite score (综合指标值), its grade and the ranking.

Each indicator is a count of cases (`numerator`) or a share (`numerator ÷ denominator`);
both are sets of case ids, so any figure drills down to exactly the cases it counts.
Attribution: a case counts for its street and district by its area codes; for the unit
that held it last in the period (first-dispatch accuracy: for the unit it was first sent
to); for the post of the person who handled it (处置岗位).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from assessment.facts import CaseFacts
from assessment.indicators import Grade, IndicatorSet

GROUPINGS: tuple[str, ...] = ("unit", "street", "district", "post")

# code -> (numerator, denominator or None for a count), as predicates on one case.
Test = Callable[[CaseFacts], bool]


def _due(c: CaseFacts) -> bool:
    return c.closed or (c.open_at_end and c.late_at is not None)


def _on_time(c: CaseFacts) -> bool:
    return c.closed and (c.late_at is None or c.late_at >= c.closed_at)


def _first_right(c: CaseFacts) -> bool:
    return c.first_sent_in_period and c.first_unit not in c.wrong_units


RULES: dict[str, tuple[Test, Test | None]] = {
    "reported": (lambda c: c.reported, None),
    "confirmed": (lambda c: c.confirmed, None),
    "confirm_rate": (lambda c: c.confirmed, lambda c: c.confirmed or c.rejected),
    "dispatched": (lambda c: c.dispatched, None),
    "due": (_due, None),
    "closed": (lambda c: c.closed, None),
    "close_rate": (lambda c: c.closed, _due),
    "parked": (lambda c: _due(c) and c.parked, None),
    "on_time": (_on_time, None),
    "on_time_rate": (_on_time, lambda c: _due(c) and not c.parked),
    "reworked": (lambda c: c.reworked, None),
    "rework_rate": (lambda c: c.reworked, lambda c: c.closed),
    "extended": (lambda c: c.extended, None),
    "extend_rate": (lambda c: c.extended, lambda c: c.dispatched),
    "overdue": (lambda c: c.late_in_period, None),
    "first_dispatch_rate": (_first_right, lambda c: c.first_sent_in_period),
}


@dataclass(frozen=True)
class Figure:
    value: float | None  # a count, or a share 0..1 (None: nothing to divide by)
    cases: tuple[int, ...]  # the cases counted (the numerator's)
    of: tuple[int, ...] = ()  # for a share: the denominator's cases


@dataclass
class Row:
    key: str
    figures: dict[str, Figure] = field(default_factory=dict)
    score: float | None = None
    grade: Grade | None = None
    rank: int | None = None


def group_key(case: CaseFacts, grouping: str, code: str) -> str | None:
    if grouping == "unit":
        return case.first_unit if code == "first_dispatch_rate" else case.unit
    if grouping == "street":
        return case.street_code
    if grouping == "district":
        return case.district_code
    return case.handled_by


def _figure(cases: list[CaseFacts], code: str) -> Figure:
    if code == "satisfaction":  # counted in ratings, not cases
        rated = [c for c in cases if c.ratings]
        total = sum(c.ratings for c in rated)
        good = sum(c.satisfied for c in rated)
        return Figure(good / total if total else None,
                      tuple(c.id for c in rated if c.satisfied), tuple(c.id for c in rated))
    numerator, denominator = RULES[code]
    counted = tuple(sorted(c.id for c in cases if numerator(c)))
    if denominator is None:
        return Figure(len(counted), counted)
    of = tuple(sorted(c.id for c in cases if denominator(c)))
    return Figure(len(counted) / len(of) if of else None, counted, of)


def score(figures: dict[str, Figure], indicators: IndicatorSet) -> float | None:
    """The weighted mean of the weighted rates' scores (0–100), over those with a value: a
    rate scores rate × 100, or (1 − rate) × 100 where lower is better."""
    parts = []
    for indicator in indicators.indicators:
        value = figures[indicator.code].value
        if indicator.weight and value is not None:
            value = min(1.0, value)
            parts.append((indicator.weight, 1 - value if indicator.better == "lower" else value))
    total = sum(weight for weight, _ in parts)
    return round(100 * sum(w * v for w, v in parts) / total, 1) if total else None


def assess(facts: list[CaseFacts], grouping: str, indicators: IndicatorSet) -> list[Row]:
    """One row per unit, street, district or post, ranked by the composite (best first)."""
    if grouping not in GROUPINGS:
        raise ValueError(f"grouping is one of {', '.join(GROUPINGS)}")
    rows: dict[str, Row] = {}
    for indicator in indicators.indicators:
        by_key: dict[str, list[CaseFacts]] = defaultdict(list)
        for case in facts:
            key = group_key(case, grouping, indicator.code)
            if key:
                by_key[key].append(case)
        for key, cases in by_key.items():
            rows.setdefault(key, Row(key)).figures[indicator.code] = _figure(cases, indicator.code)
    empty = {i.code: _figure([], i.code) for i in indicators.indicators}
    for row in rows.values():
        row.figures = {**empty, **row.figures}
        row.score = score(row.figures, indicators)
        row.grade = indicators.grade(row.score)
    return _ranked(list(rows.values()))


def _ranked(rows: list[Row]) -> list[Row]:
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.key))
    for place, row in enumerate(rows, start=1):
        row.rank = place if row.score is not None else None
    return rows
