"""The people of a seeded city: one account per role, units per street, workers per district."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from psycopg2.extras import Json, execute_values

from identity.passwords import hash_password
from sim import people as names
from sim.seed.grid import Cells

# Demo accounts only: `cityops demo` prints it, and real deployments add people with
# `cityops users add`.
DEMO_PASSWORD = "cityops-demo-2026"

ALWAYS_ON_DUTY = [{"days": "mon-sun", "from": "00:00", "to": "24:00"}]


@dataclass(frozen=True)
class Staff:
    users: dict[str, str]                  # role key -> username
    workers: list[tuple[str, str]]         # (worker_id, district_code)

    def of_district(self, district: str) -> list[str]:
        return [worker for worker, home in self.workers if home == district]


# The demo's two district desks: 黄浦 and 静安 when the city has them.
PREFERRED_DISTRICTS = ("310101", "310106")


def pair(cells: Cells) -> tuple[str, str]:
    """The two districts the demo accounts work in (the same one twice in a one-district city)."""
    districts = cells.districts()
    chosen = [code for code in PREFERRED_DISTRICTS if code in districts]
    chosen += [code for code in districts if code not in chosen]
    return chosen[0], chosen[min(1, len(chosen) - 1)]


def _accounts(cells: Cells) -> list[tuple[str, str, str, str]]:
    """(key, role, area, display name) of the demo accounts."""
    first, second = pair(cells)
    return [("admin", "admin", cells.city_code, "系统管理员"),
            ("operator", "operator", cells.city_code, "受理员 陈静"),
            ("leader", "leader", cells.city_code, "分管领导 周建国"),
            ("manager_hp", "manager", first, f"值班长 王磊 ({first})"),
            ("manager_ja", "manager", second, f"值班长 李娜 ({second})"),
            ("worker_hp", "worker", first, "网格员 张伟"),
            ("worker_ja", "worker", second, "网格员 刘洋")]


def _write_users(cur, cells: Cells, password: str) -> dict[str, int]:
    digest = hash_password(password)  # one hash for all: the same demo password
    rows = [(key, digest, role, area, shown) for key, role, area, shown in _accounts(cells)]
    execute_values(cur, "INSERT INTO users (username, password_hash, role, area_code, "
                        "display_name) VALUES %s ON CONFLICT (username) DO NOTHING", rows)
    cur.execute("SELECT username, id FROM users WHERE username = ANY(%s)",
                ([row[0] for row in rows],))
    return dict(cur.fetchall())


def _write_units(cur, cells: Cells) -> None:
    """A street's 网格工作站 answers for the street and its communities; a district's
    城运中心 for the district."""
    streets = sorted(set(cells.street.tolist()))
    districts = cells.districts()
    units = ([(f"U{code}", f"网格工作站 {code}", "021-12345") for code in streets]
             + [(f"U{code}", f"城运中心 {code}", "021-12345") for code in districts])
    execute_values(cur, "INSERT INTO units (unit_code, name, phone) VALUES %s "
                        "ON CONFLICT DO NOTHING", units)
    street_of = dict(zip(cells.community.tolist(), cells.street.tolist(), strict=True))
    answers = ([(code, f"U{code}") for code in streets + districts]
               + [(community, f"U{street}") for community, street in street_of.items()])
    execute_values(cur, "INSERT INTO unit_areas (area_code, unit_code) VALUES %s "
                        "ON CONFLICT DO NOTHING", answers)


def _tier_worker_rows(cells: Cells, rng: np.random.Generator) -> list[tuple]:
    """Above the grid: a community-tier and a street-tier worker per street, a district-tier
    one per district, so escalated cases have someone to go to."""
    rows = []
    for street in sorted(set(cells.street.tolist())):
        cell = int(np.flatnonzero(cells.street == street)[0])
        for tier in ("community", "street"):
            rows.append((f"W{street}-{tier[0]}", names.name(rng), names.phone(rng), None,
                         f"U{street}", float(cells.lon[cell]), float(cells.lat[cell]),
                         Json(ALWAYS_ON_DUTY), tier, cells.district[cell]))
    for district in cells.districts():
        cell = int(np.flatnonzero(cells.district == district)[0])
        rows.append((f"W{district}-d", names.name(rng), names.phone(rng), None, f"U{district}",
                     float(cells.lon[cell]), float(cells.lat[cell]), Json(ALWAYS_ON_DUTY),
                     "district", district))
    return rows


def _worker_rows(cells: Cells, rng: np.random.Generator) -> list[tuple]:
    rows = []
    for district in cells.districts():
        inside = np.flatnonzero(cells.district == district)
        count = max(3, len(inside) // 8)
        chosen = rng.choice(inside, size=count, replace=len(inside) < count)
        for number, cell in enumerate(chosen):
            rows.append((f"W{district}-{number:03d}", names.name(rng), names.phone(rng),
                         cells.codes[cell], f"U{cells.street[cell]}",
                         float(cells.lon[cell]), float(cells.lat[cell]), Json(ALWAYS_ON_DUTY),
                         "grid", district))
    return rows


def write(conn, cells: Cells, rng: np.random.Generator, password: str) -> Staff:
    with conn.cursor() as cur:
        ids = _write_users(cur, cells, password)
        _write_units(cur, cells)
        rows = _worker_rows(cells, rng)
        execute_values(cur, "INSERT INTO workers (worker_id, name, phone, grid_code, unit_code,"
                            " lon, lat, schedule, tier) VALUES %s ON CONFLICT DO NOTHING",
                       [row[:-1] for row in rows + _tier_worker_rows(cells, rng)])
        first, second = pair(cells)
        linked = {"worker_hp": f"W{first}-000",
                  "worker_ja": f"W{second}-000" if second != first else f"W{first}-001"}
        for key, worker_id in linked.items():
            cur.execute("UPDATE workers SET user_id = %s WHERE worker_id = %s",
                        (ids[key], worker_id))
    return Staff(users={key: key for key in ids}, workers=[(row[0], row[-1]) for row in rows])
