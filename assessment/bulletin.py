"""The monthly bulletin (月度通报): the assessment of a month or quarter by district, street
and unit, the trend of each district's composite over the periods before, the categories
reported most, and the cases longest past their time limit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from assessment.facts import read_facts
from assessment.indicators import IndicatorSet
from assessment.periods import Period
from assessment.report import Assessment, run
from identity.scope import Scope

TREND_PERIODS = 4  # this period and the three before it
TOP = 10


@dataclass(frozen=True)
class LateCase:
    id: int
    title: str
    street: str | None
    unit: str | None
    late_since: datetime


@dataclass(frozen=True)
class Bulletin:
    period: Period
    indicators: IndicatorSet
    by: dict[str, Assessment]  # district, street, unit
    trend: list[tuple[str, list[float | None]]]  # district name (zh) -> scores, oldest first
    trend_periods: list[str]
    categories: list[tuple[str, int]]
    late: list[LateCase]


def _trend(conn, scope: Scope, period: Period, indicators: IndicatorSet,
           zone: ZoneInfo) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    chain = [period]
    while len(chain) < TREND_PERIODS:
        chain.insert(0, chain[0].previous())
    runs = [run(conn, scope, p, "district", indicators, zone) for p in chain]
    names: dict[str, tuple[str, str]] = {}
    for done in runs:
        names.update(done.names)
    scores = [(names.get(key, (key,))[0],
               [next((r.score for r in done.rows if r.key == key), None) for done in runs])
              for key in sorted(names.keys() | {r.key for d in runs for r in d.rows})]
    return [p.label for p in chain], scores


def gather(conn, scope: Scope, period: Period, indicators: IndicatorSet,
           zone: ZoneInfo) -> Bulletin:
    """Everything the bulletin prints, inside the reader's area."""
    by = {g: run(conn, scope, period, g, indicators, zone) for g in ("district", "street", "unit")}
    labels, trend = _trend(conn, scope, period, indicators, zone)
    start, end = period.bounds(zone)
    with conn.cursor() as cur:
        facts = read_facts(cur, scope, start, end)
    conn.rollback()
    categories = Counter(c.category or "—" for c in facts if c.reported).most_common(TOP)
    late = sorted((c for c in facts if c.open_at_end and c.late_at is not None),
                  key=lambda c: c.late_at)[:TOP]
    names = {**by["street"].names, **by["unit"].names}
    return Bulletin(period, indicators, by, trend, labels, categories, [
        LateCase(c.id, c.title, names.get(c.street_code, (c.street_code,))[0],
                 names.get(c.unit, (c.unit,))[0] if c.unit else None, c.late_at)
        for c in late])
