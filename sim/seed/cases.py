"""Cases of the seeded city: open ones in every state of the case flow, and a week of
closed ones, each with the audit timeline its state implies (open → confirm → dispatch →
accept → handle → verify)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from psycopg2.extras import Json, execute_values

from alerts.cases.history import load_cases
from alerts.sla.clocks import STAGE_OF
from sim.seed.grid import Cells
from sim.seed.incidents import Report
from sim.seed.people import Staff, pair

# (state, share of open cases, the moves that led there)
OPEN_PATHS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("new", 0.20, ()),
    ("confirmed", 0.10, ("confirm",)),
    ("dispatched", 0.25, ("confirm", "dispatch")),
    ("in_progress", 0.28, ("confirm", "dispatch", "accept")),
    ("handled", 0.10, ("confirm", "dispatch", "accept", "handle")),
    ("extended", 0.04, ("confirm", "dispatch", "accept", "extend")),
    ("returned", 0.03, ("confirm", "dispatch", "return")),
)
CLOSED_PATH = ("confirm", "dispatch", "accept", "handle", "verify")
REJECTED_PATH = ("reject",)
TARGET = {"confirm": "confirmed", "dispatch": "dispatched", "accept": "in_progress",
          "handle": "handled", "verify": "closed", "extend": "extended",
          "return": "returned", "reject": "rejected"}
# Typical minutes each move takes after the one before (low, high).
GAPS = {"confirm": (3, 40), "dispatch": (2, 30), "accept": (5, 60), "handle": (30, 360),
        "verify": (10, 180), "extend": (60, 240), "return": (10, 90), "reject": (3, 30)}
SEVERITIES = {"info": 0.10, "minor": 0.55, "major": 0.28, "critical": 0.07}
DUE_HOURS = {"info": 120, "minor": 72, "major": 24, "critical": 4}
NOTES = {"extend": "需协调产权单位，申请延期", "return": "非本网格职责，退回重派",
         "reject": "重复反映，已合并处理", "handle": "已处置完毕，现场已恢复"}
CLOSED_PER_OPEN = 2
# Of the open cases, at least this share lies in the demo desks' two districts
# (people.pair): in a city of 16 districts the desks' own share of the city's cases is a
# few percent, and a new user's first login must find a queue and a task list with work.
DESK_SHARE = 0.3
ESCALATED = "超时，由网格层级升级至社区层级"


@dataclass(frozen=True)
class Plan:
    report: Report
    state: str
    moves: tuple[str, ...]
    severity: str
    opened: datetime
    worker: str | None


def _times(rng: np.random.Generator, plan: Plan, now: datetime) -> list[datetime]:
    """When each move happened; squeezed to fit before now for cases still open."""
    gaps = [rng.uniform(*GAPS[m]) for m in plan.moves]
    room = (now - plan.opened).total_seconds() / 60 * 0.95
    scale = min(1.0, room / sum(gaps)) if gaps and sum(gaps) > 0 else 1.0
    times, at = [], plan.opened
    for gap in gaps:
        at = at + timedelta(minutes=gap * scale)
        times.append(at)
    return times


def _plans(cells: Cells, staff: Staff, reports: list[Report], rng: np.random.Generator,
           open_count: int, now: datetime) -> list[Plan]:
    recent = [r for r in reports if r.reported_at > now - timedelta(days=3)]
    older = [r for r in reports if r.reported_at <= now - timedelta(hours=30)]
    chosen_open = _chosen_open(cells, recent, rng, open_count)
    chosen_closed = rng.choice(len(older), size=min(open_count * CLOSED_PER_OPEN, len(older)),
                               replace=False)
    states = rng.choice(len(OPEN_PATHS), size=len(chosen_open),
                        p=[share for _, share, _ in OPEN_PATHS])
    severities = list(SEVERITIES)
    plans = []
    for index, path in zip(chosen_open, states, strict=True):
        state, _, moves = OPEN_PATHS[path]
        plans.append(_plan(recent[index], state, moves, cells, staff, rng, severities))
    for index in chosen_closed:
        rejected = rng.random() < 0.08
        moves = REJECTED_PATH if rejected else CLOSED_PATH
        plans.append(_plan(older[index], "rejected" if rejected else "closed", moves, cells,
                           staff, rng, severities))
    return plans


def _chosen_open(cells: Cells, recent: list[Report], rng: np.random.Generator,
                 open_count: int) -> np.ndarray:
    """Indexes into `recent` of the reports that became open cases: DESK_SHARE of them from
    the demo desks' districts, the rest from anywhere."""
    desks = set(pair(cells))
    at_desk = np.flatnonzero([cells.district[r.cell] in desks for r in recent])
    size = min(open_count, len(recent))
    if len(at_desk) == len(recent):  # a city of the desks' districts only: any report
        return rng.choice(len(recent), size=size, replace=False)
    own = rng.choice(at_desk, size=min(int(size * DESK_SHARE), len(at_desk)), replace=False)
    rest = np.setdiff1d(np.arange(len(recent)), own)
    others = rng.choice(rest, size=min(size - len(own), len(rest)), replace=False)
    return np.concatenate([own, others]).astype(int)


def _plan(report: Report, state: str, moves: tuple[str, ...], cells: Cells, staff: Staff,
          rng: np.random.Generator, severities: list[str]) -> Plan:
    district = cells.district[report.cell]
    workers = staff.of_district(district)
    worker = None
    if "dispatch" in moves and workers:
        # The linked demo worker of each district gets a fair share of tasks.
        worker = workers[0] if rng.random() < 0.3 else workers[rng.integers(len(workers))]
    severity = severities[rng.choice(len(severities), p=list(SEVERITIES.values()))]
    return Plan(report, state, moves, severity, report.reported_at, worker)


def _case_row(plan: Plan, cells: Cells, times: list[datetime], now: datetime) -> tuple:
    """The alerts row, in the INSERT's column order."""
    r, cell = plan.report, plan.report.cell
    finished = plan.state in ("closed", "rejected")
    late = _late(plan, times, now)
    return (f"seed:{r.source_id}", "incident", f"{r.subcategory} · {cells.codes[cell][-6:]}",
            r.category, plan.severity, plan.state, 1 + len(plan.moves) + late, None,
            r.description,
            r.lon, r.lat, cells.codes[cell], cells.community[cell], cells.street[cell],
            cells.district[cell], plan.worker, plan.opened, times[-1] if times else plan.opened,
            _due(plan), times[-1] if finished else None,
            f"worker:{plan.worker}" if "handle" in plan.moves else None,
            Json({"detail": {"source_id": r.source_id, "source": r.source}}),
            "community" if late else "grid")


def _actor(move: str, plan: Plan) -> str:
    return f"worker:{plan.worker}" if move in ("accept", "handle", "return") else "operator"


def _late(plan: Plan, times: list[datetime], now: datetime) -> bool:
    """Did the case run past its due time (closed after it, or still open after it)?"""
    finished = plan.state in ("closed", "rejected")
    end = times[-1] if finished and times else now
    return _due(plan) < end


def _due(plan: Plan) -> datetime:
    return plan.opened + timedelta(hours=DUE_HOURS[plan.severity])


def _events(alert_id: int, plan: Plan, times: list[datetime], now: datetime) -> list[tuple]:
    """The timeline; a case that ran late gets the SLA ticker's escalation at its due time,
    as the real ticker would have written it."""
    rows = [(alert_id, plan.opened, "system", "open", None, "new", None, Json({}))]
    state, escalated = "new", not _late(plan, times, now)
    for move, at in zip(plan.moves, times, strict=True):
        if not escalated and at > _due(plan):
            rows.append(_escalation(alert_id, plan, state))
            escalated = True
        rows.append((alert_id, at, _actor(move, plan), move, state, TARGET[move],
                     NOTES.get(move), Json({})))
        state = TARGET[move]
    if not escalated:
        rows.append(_escalation(alert_id, plan, state))
    return rows


def _escalation(alert_id: int, plan: Plan, state: str) -> tuple:
    """The ticker's escalate event: no state change (to_state NULL), the late stage named."""
    return (alert_id, _due(plan), "system", "escalate", state, None, ESCALATED,
            Json({"stage": STAGE_OF.get(state, "handle")}))


def write(conn, cells: Cells, staff: Staff, reports: list[Report], rng: np.random.Generator,
          open_count: int, now: datetime) -> tuple[int, int]:
    plans = _plans(cells, staff, reports, rng, open_count, now)
    timed = [(plan, _times(rng, plan, now)) for plan in plans]
    with conn.cursor() as cur:
        ids = load_cases(cur, [_case_row(plan, cells, times, now) for plan, times in timed])
        events, sources = [], []
        for alert_id, (plan, times) in zip(ids, timed, strict=True):
            events.extend(_events(alert_id, plan, times, now))
            sources.append((alert_id, "incident",
                            f"{plan.report.source}:{plan.report.source_id}", plan.opened))
        execute_values(cur, "INSERT INTO alert_events (alert_id, at, actor, action, "
                            "from_state, to_state, note, details) VALUES %s", events,
                       page_size=5000)
        execute_values(cur, "INSERT INTO case_sources (alert_id, source_kind, source_key, at) "
                            "VALUES %s", sources, page_size=5000)
    opened = sum(1 for plan in plans if plan.state not in ("closed", "rejected"))
    return opened, len(plans) - opened
