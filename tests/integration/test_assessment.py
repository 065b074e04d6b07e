"""The assessment of a seeded month against an independent computation from the raw case
history, for every indicator and every unit, street, district and post (issue #16).

The month's history is written straight into `alerts`, `alert_events` and `case_ratings`
with chosen times, the way a city's history arrives: cases reported the month before and
closed in it, cases late and still open at its end, wrong-unit returns, whistles, reworks,
extensions, deferrals, ratings, and events after the month that must not count. The
expected figures are computed here from those rows by a plain walk over each case's
events, not with the module's own predicates.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from psycopg2.extras import Json

from assessment import periods
from assessment.indicators import read
from assessment.report import cases_behind, run
from identity.scope import Scope
from store import db as store_db

pytestmark = pytest.mark.integration

ZONE = UTC
MONTH = periods.parse("2026-10")
START, END = MONTH.bounds(ZONE)
STREETS = {"310101002": "310101", "310101013": "310101", "310106011": "310106"}
UNITS = ("U-ROAD", "U-WATER", "U-HOUSE")
HANDLERS = ("zhang", "li", "unit_a", "unit_b")
FINISHED = {"closed", "rejected", "resolved"}


def _case_story(rng: random.Random, opened: datetime) -> list[tuple]:
    """(minutes after opening, actor, action, to_state, details) of one case's timeline."""
    story = [(0, "12345", "open", "new", {})]
    if rng.random() < 0.12:
        return story + [(20, "operator", "reject", "rejected", {})]
    if rng.random() < 0.08:
        return story  # still waiting to be registered
    story.append((30, "operator", "confirm", "confirmed", {}))
    first, t = rng.choice(UNITS), 60
    if rng.random() < 0.15:
        story.append((t, "desk", "whistle", "dispatched",
                      {"lead": first, "co": [u for u in UNITS if u != first][:1]}))
    else:
        story.append((t, "operator", "dispatch", "dispatched", {"to": "unit", "unit_code": first}))
    if rng.random() < 0.2:  # sent to the wrong unit, sent again
        t += rng.randint(30, 600)
        story.append((t, "staff", "return", "returned", {"unit_code": first, "wrong_unit": True}))
        t += 30
        again = rng.choice([u for u in UNITS if u != first])
        story.append((t, "operator", "dispatch", "dispatched", {"to": "unit", "unit_code": again}))
    if rng.random() < 0.1:
        return story  # nobody accepted it yet
    t += rng.randint(10, 300)
    story.append((t, "staff", "accept", "in_progress", {}))
    if rng.random() < 0.15:
        t += 60
        story.append((t, "leader", "extend", "extended", {}))
        t += rng.randint(60, 3000)
        story.append((t, "staff", "resume", "in_progress", {}))
    if rng.random() < 0.1:
        t += 60
        story.append((t, "leader", "park", "parked", {}))
        t += rng.randint(60, 3000)
        story.append((t, "manager", "unpark", "dispatched", {}))
        story.append((t + 5, "staff", "accept", "in_progress", {}))
    if rng.random() < 0.3:  # the SLA ticker finds a stage past its limit
        t += rng.randint(60, 5000)
        story.append((t, "system", "escalate", None, {"stage": "handle", "by": None}))
    if rng.random() < 0.15:
        return story  # still being worked
    t += rng.randint(60, 9000)
    handler = rng.choice(HANDLERS)
    story.append((t, handler, "handle", "handled", {}))
    if rng.random() < 0.15:
        t += 60
        story.append((t, "operator", "reopen", "dispatched", {}))
        story.append((t + 30, "staff", "accept", "in_progress", {}))
        t += rng.randint(60, 3000)
        story.append((t, handler, "handle", "handled", {}))
    t += rng.randint(10, 900)
    story.append((t, "operator", "verify", "closed", {}))
    if rng.random() < 0.6:
        rating = rng.choice(["satisfied", "fairly_satisfied", "dissatisfied"])
        story.append((t + 60, "12345", "rate", None, {"rating": rating}))
    return story


def _seed(conn, rng: random.Random, count: int = 260) -> None:
    with conn, conn.cursor() as cur:
        for n in range(count):
            street = rng.choice(list(STREETS))
            # From two weeks before the month to a few days after its end.
            opened = START + timedelta(minutes=rng.randint(-14 * 1440, 34 * 1440))
            story = _case_story(rng, opened)
            state = next(s for *_, s, _ in reversed(story) if s) if story else "new"
            handler = next((a for _, a, act, *_ in reversed(story) if act == "handle"), None)
            cur.execute(
                "INSERT INTO alerts (fingerprint, kind, title, category, state, street_code, "
                "district_code, handled_by, opened_at, closed_at) VALUES "
                "(%s, 'incident', %s, '道路破损', %s, %s, %s, %s, %s, %s) RETURNING id",
                (f"assess|{uuid.uuid4().hex}", f"案件 {n}", state, street, STREETS[street],
                 handler, opened, opened + timedelta(minutes=story[-1][0])
                 if state in FINISHED else None))
            alert_id = cur.fetchone()[0]
            for minutes, actor, action, to_state, details in story:
                at = opened + timedelta(minutes=minutes)
                cur.execute("INSERT INTO alert_events (alert_id, at, actor, action, to_state, "
                            "details) VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                            (alert_id, at, actor, action, to_state,
                             Json({k: v for k, v in details.items() if v is not None})))
                event_id = cur.fetchone()[0]
                if action == "rate":
                    cur.execute("INSERT INTO case_ratings (alert_id, rating, actor, at, "
                                "event_id) VALUES (%s, %s, '12345', %s, %s)",
                                (alert_id, details["rating"], at, event_id))


# --- the independent computation -------------------------------------------------------

def _expected(conn) -> dict[tuple[str, str], dict[str, tuple]]:
    """(grouping, key) -> indicator -> (value, sorted case ids), from the raw rows."""
    with conn.cursor() as cur:
        cur.execute("SELECT e.alert_id, e.id, e.at, e.actor, e.action, e.to_state, e.details, "
                    "a.street_code, a.district_code, a.handled_by FROM alert_events e "
                    "JOIN alerts a ON a.id = e.alert_id WHERE a.fingerprint LIKE 'assess|%%' "
                    "ORDER BY e.alert_id, e.id")
        events = defaultdict(list)
        for row in cur.fetchall():
            events[row[0]].append(row)
        cur.execute("SELECT alert_id, rating, at FROM case_ratings")
        ratings = defaultdict(list)
        for alert_id, rating, at in cur.fetchall():
            if START <= at < END:
                ratings[alert_id].append(rating)
    conn.rollback()
    cases = {i: _walk(evs, ratings.get(i, [])) for i, evs in events.items()}
    return _tally({i: c for i, c in cases.items() if c is not None})


def _walk(evs: list[tuple], ratings: list[str]) -> dict | None:
    """One case's facts by walking its events in order."""
    before_end = [e for e in evs if e[2] < END]
    if not before_end:
        return None
    handlers = [e[3] for e in before_end if e[4] == "handle"]
    f = {"street": evs[0][7], "district": evs[0][8],
         "post": handlers[-1] if handlers else None, "ratings": ratings}
    inside = [e for e in before_end if e[2] >= START]
    acts = [e[4] for e in inside]
    f.update(reported="open" in acts, confirmed="confirm" in acts, rejected="reject" in acts,
             dispatched=bool({"dispatch", "whistle"} & set(acts)),
             reworked="reopen" in acts, extended="extend" in acts,
             parked=any(e[4] == "park" for e in before_end))
    closes = [e[2] for e in inside if e[4] == "verify"]
    f["closed_at"] = closes[-1] if closes else None
    late = [e[2] for e in before_end if e[4] == "escalate" and e[3] == "system"
            and "stage" in e[6]]
    f["late_at"] = late[0] if late else None
    f["late_in_period"] = any(START <= t for t in late)
    states = [e[5] for e in before_end if e[5]]
    f["open_at_end"] = states[-1] not in FINISHED
    sent = [(e[2], e[6].get("unit_code") or e[6].get("lead")) for e in before_end
            if (e[4] == "dispatch" and e[6].get("to") == "unit") or e[4] == "whistle"]
    f["unit"] = sent[-1][1] if sent else None
    f["first_unit"], f["first_at"] = sent[0][1] if sent else None, sent[0][0] if sent else None
    f["wrong"] = {e[6].get("unit_code") for e in before_end
                  if e[4] == "return" and e[6].get("wrong_unit")}
    if not inside and not (f["open_at_end"] and f["late_at"]):
        return None  # the month did not touch it
    return f


def _counts(cases: dict[int, dict]) -> dict[str, tuple]:
    def ids(test) -> list[int]:
        return sorted(i for i, c in cases.items() if test(c))

    def share(top, bottom) -> tuple:
        a, b = ids(top), ids(bottom)
        return (len(a) / len(b) if b else None, a)
    due = lambda c: c["closed_at"] is not None or (c["open_at_end"] and c["late_at"])  # noqa: E731
    on_time = lambda c: c["closed_at"] is not None and (  # noqa: E731
        c["late_at"] is None or c["late_at"] >= c["closed_at"])
    first = lambda c: c["first_at"] is not None and START <= c["first_at"]  # noqa: E731
    out = {code: (len(ids(t)), ids(t)) for code, t in {
        "reported": lambda c: c["reported"], "confirmed": lambda c: c["confirmed"],
        "dispatched": lambda c: c["dispatched"], "due": due,
        "closed": lambda c: c["closed_at"] is not None, "parked": lambda c: due(c) and c["parked"],
        "on_time": on_time, "reworked": lambda c: c["reworked"],
        "extended": lambda c: c["extended"], "overdue": lambda c: c["late_in_period"]}.items()}
    out["confirm_rate"] = share(lambda c: c["confirmed"], lambda c: c["confirmed"] or c["rejected"])
    out["close_rate"] = share(lambda c: c["closed_at"] is not None, due)
    out["on_time_rate"] = share(on_time, lambda c: due(c) and not c["parked"])
    out["rework_rate"] = share(lambda c: c["reworked"], lambda c: c["closed_at"] is not None)
    out["extend_rate"] = share(lambda c: c["extended"], lambda c: c["dispatched"])
    out["first_dispatch_rate"] = share(lambda c: first(c) and c["first_unit"] not in c["wrong"],
                                       first)
    given = [r for c in cases.values() for r in c["ratings"]]
    good = [r for r in given if r != "dissatisfied"]
    out["satisfaction"] = (len(good) / len(given) if given else None,
                           sorted(i for i, c in cases.items()
                                  if any(r != "dissatisfied" for r in c["ratings"])))
    return out


def _tally(cases: dict[int, dict]) -> dict[tuple[str, str], dict[str, tuple]]:
    result = {}
    for grouping in ("street", "district", "post", "unit"):
        groups = defaultdict(dict)
        for i, c in cases.items():
            if c[grouping]:
                groups[c[grouping]][i] = c
        for key, members in groups.items():
            result[(grouping, key)] = _counts(members)
    # First-dispatch accuracy belongs to the unit a case was first sent to.
    firsts = defaultdict(dict)
    for i, c in cases.items():
        if c["first_unit"]:
            firsts[c["first_unit"]][i] = c
    for key, members in firsts.items():
        result.setdefault(("unit", key), _counts({}))["first_dispatch_rate"] = \
            _counts(members)["first_dispatch_rate"]
    return result


@pytest.fixture(scope="module")
def seeded(isolated):
    settings = isolated("assessment")
    conn = store_db.connect(settings.database_url)
    _seed(conn, random.Random(16))
    yield conn
    conn.close()


@pytest.mark.parametrize("grouping", ["unit", "street", "district", "post"])
def test_every_figure_matches_the_raw_history(seeded, grouping) -> None:
    indicators = read(Path("assessment/default.yaml"))
    done = run(seeded, Scope("city", "310000"), MONTH, grouping, indicators, ZONE)
    expected = {key: figures for (g, key), figures in _expected(seeded).items() if g == grouping}
    got = {row.key: row for row in done.rows}
    assert set(got) == set(expected)
    assert len(got) >= 2
    for key, row in got.items():
        for indicator in indicators.indicators:
            value, ids = expected[key][indicator.code]
            figure = row.figures[indicator.code]
            assert figure.value == pytest.approx(value), (key, indicator.code)
            assert list(figure.cases) == ids, (key, indicator.code)
    # Every indicator is exercised somewhere in the month.
    for indicator in indicators.indicators:
        assert any(row.figures[indicator.code].value for row in got.values()), indicator.code


def test_ranking_and_drill_down(seeded) -> None:
    indicators = read(Path("assessment/default.yaml"))
    done = run(seeded, Scope("city", "310000"), MONTH, "street", indicators, ZONE)
    scores = [row.score for row in done.rows]
    assert scores == sorted(scores, reverse=True) and [r.rank for r in done.rows] == [1, 2, 3]
    assert all(row.grade is not None for row in done.rows)
    figure = done.rows[0].figures["overdue"]
    shown = cases_behind(seeded, Scope("city", "310000"), list(figure.cases))
    assert [c["id"] for c in shown] == list(figure.cases)
    # A district's scope shows only its own cases, whatever ids are asked for.
    other = Scope("district", "310106")
    assert all(c["street"] in ("310106011",) for c in cases_behind(
        seeded, other, [i for r in done.rows for i in r.figures["reported"].cases]))
