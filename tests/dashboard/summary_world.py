"""A small made-up city for the summary's tests: two districts nobody else uses, a few cases
on a fixed day and the day before, and incidents; written in the caller's transaction."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CITY_ZONE = ZoneInfo("Asia/Shanghai")  # the test city's clock (settings default)

DAY = date(2025, 5, 10)
EAST, WEST = "319901", "319902"
AREAS = [("319900", "city", None, "测试市", None, None),
         (EAST, "district", "319900", "东区", EAST, None),
         (WEST, "district", "319900", "西区", WEST, None),
         ("319901001", "street", EAST, "东一街道", EAST, "319901001"),
         ("319902001", "street", WEST, "西一街道", WEST, "319902001"),
         ("319901001001001", "grid", "319901001", "东一1号网格", EAST, "319901001"),
         ("319901001001002", "grid", "319901001", "东一2号网格", EAST, "319901001"),
         ("319902001001001", "grid", "319902001", "西一1号网格", WEST, "319902001")]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CITY_ZONE)


def add_case(cur, grid: str, opened: datetime, *, category: str = "暴露垃圾",
             state: str = "dispatched", closed: datetime | None = None,
             due: datetime | None = None, dispatched: datetime | None = None,
             escalated: datetime | None = None) -> int:
    district, street = grid[:6], grid[:9]
    cur.execute(
        "INSERT INTO alerts (fingerprint, kind, title, category, state, grid_code, street_code,"
        " district_code, opened_at, closed_at, due_at) VALUES (%s, 'incident', %s, %s, %s, %s,"
        " %s, %s, %s, %s, %s) RETURNING id",
        (f"t-{grid}-{opened.isoformat()}-{category}", f"{category}@{grid}", category, state,
         grid, street, district, opened, closed, due))
    alert_id = cur.fetchone()[0]
    for action, when in (("dispatch", dispatched), ("escalate", escalated)):
        if when is not None:
            # An escalation as the SLA ticker writes it: by system, naming the late stage.
            late = action == "escalate"
            cur.execute("INSERT INTO alert_events (alert_id, at, actor, action, to_state, "
                        "details) VALUES (%s, %s, %s, %s, %s, %s)",
                        (alert_id, when, "system" if late else "test", action,
                         None if late else "dispatched",
                         '{"stage": "handle"}' if late else "{}"))
    return alert_id


def fill(db):
    """Write the world into `db`'s open transaction; returns `db`."""
    with db.cursor() as cur:
        cur.executemany("INSERT INTO areas (code, level, parent_code, name_zh, district_code,"
                        " street_code) VALUES (%s, %s, %s, %s, %s, %s)", AREAS)
        east1, east2, west1 = (a[0] for a in AREAS[5:])
        prev = DAY - timedelta(days=1)
        # The day before: two new cases in the east, one closed on time.
        add_case(cur, east1, at(prev, 9), state="closed", closed=at(prev, 15),
                 dispatched=at(prev, 9, 30))
        add_case(cur, east1, at(prev, 10), category="占道经营")
        # The day itself: three new in the east (two in one cell), one in the west.
        add_case(cur, east1, at(DAY, 8), state="closed", closed=at(DAY, 12),
                 dispatched=at(DAY, 8, 10))
        add_case(cur, east1, at(DAY, 9), state="closed", closed=at(DAY, 20),
                 dispatched=at(DAY, 9, 20), escalated=at(DAY, 14))
        add_case(cur, east2, at(DAY, 23, 30), category="路灯不亮", due=at(DAY, 23, 45))
        add_case(cur, west1, at(DAY, 11), category="井盖破损", due=at(DAY, 12))
        cur.executemany(
            "INSERT INTO incidents (source, source_id, category, grid_code, street_code,"
            " district_code, reported_at) VALUES (%s, %s, '暴露垃圾', %s, %s, %s, %s)",
            [("hotline", "t-h1", east1, east1[:9], EAST, at(DAY, 8)),
             ("hotline", "t-h2", east1, east1[:9], EAST, at(DAY, 23, 59)),
             ("patrol", "t-p1", east2, east2[:9], EAST, at(DAY, 0, 1)),
             ("sensor", "t-s1", west1, west1[:9], WEST, at(DAY, 10)),
             ("hotline", "t-h3", east1, east1[:9], EAST, at(DAY + timedelta(days=1), 0, 1))])
    return db
