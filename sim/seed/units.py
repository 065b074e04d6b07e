"""Departments and units of a seeded city, with the responsibility list for the standard
categories of digital urban management (部件 and 事件, as sim/incidents.py reports them),
so that a new user of the demo sees a case routed to the unit that answers for it.

Per district: its roads bureau (道路交通), greening and city appearance (园林绿化, broken
bins), housing (房屋土地) and drainage (flooded roads, manholes); per street: its 城管中队
(街面秩序, 施工管理); for the city: the power company (street lights) and the traffic
police (signals). 市容环境 and 宣传广告 stay with the grid workers (no row). Staff
accounts: one for the first district's roads bureau and one for its first street's
城管中队, and a street desk (operator of that street) who may blow the whistle; each unit
account is handed a few cases through the case flow (confirmed, then dispatched by the
list), so it has work the moment the demo starts.
"""

from __future__ import annotations

from psycopg2.extras import execute_values

from alerts.cases.moves import NewCase, open_case, transition
from alerts.dispatch.assign import dispatch
from identity.passwords import hash_password
from sim.seed.grid import Cells
from sim.seed.people import pair

# (code suffix, name, duties as (category, subtype)) per district.
DISTRICT_UNITS = (
    ("ROAD", "区路政管理所", (("道路交通", "道路破损"), ("突发事件", "路面塌陷"))),
    ("GREEN", "区绿化和市容管理局", (("园林绿化", "*"), ("市容环境", "垃圾箱破损"))),
    ("HOUSE", "区房屋管理局", (("房屋土地", "*"),)),
    ("WATER", "区排水管理所", (("突发事件", "路面积水"), ("公用设施", "井盖破损"))),
)
CITY_UNITS = (
    ("CITY-POWER", "市电力公司", (("公用设施", "路灯不亮"),)),
    ("CITY-TRAFFIC", "市公安局交警总队", (("道路交通", "交通信号灯故障"),)),
)
STREET_DUTIES = (("街面秩序", "*"), ("施工管理", "*"))
# The cases each unit account starts with: (major, sub-type, title).
HANDED_OVER: dict[str, tuple[tuple[str, str, str], ...]] = {
    "unit_road": (("道路交通", "道路破损", "人行道地砖松动破损"),
                  ("道路交通", "道路破损", "机动车道路面坑洼"),
                  ("突发事件", "路面塌陷", "路面局部塌陷")),
    "unit_cg": (("街面秩序", "占道经营", "沿街店铺占道经营"),
                ("施工管理", "施工扰民", "夜间施工噪声扰民")),
}


def _rows(cells: Cells, names: dict[str, str]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(units, unit_serves, responsibilities) rows; `names`: area code → its name."""
    units, serves, duties = [], [], []
    for code, name, listed in CITY_UNITS:
        units.append((code, name, "city", cells.city_code))
        serves.append((code, cells.city_code))
        duties += [(c, s, cells.city_code, code) for c, s in listed]
    for district in cells.districts():
        for suffix, name, listed in DISTRICT_UNITS:
            code = f"{district}-{suffix}"
            place = names.get(district, district)
            units.append((code, place + name[1:] if place.endswith("区") else f"{place}{name}",
                          "district", district))
            serves.append((code, district))
            duties += [(c, s, district, code) for c, s in listed]
    for street in sorted(set(cells.street.tolist())):
        code = f"{street}-CG"
        units.append((code, f"{names.get(street, street)}城管中队", "street", street))
        serves.append((code, street))
        duties += [(c, s, street, code) for c, s in STREET_DUTIES]
    return units, serves, duties


def accounts(cells: Cells) -> list[tuple[str, str, str, str, str | None]]:
    """(username, role, area, display name, unit) of the demo's unit staff and street desk."""
    first, _ = pair(cells)
    street = sorted({s for s, d in zip(cells.street.tolist(), cells.district.tolist(),
                                       strict=True) if d == first})[0]
    return [("unit_road", "unit", first, "路政所 赵强", f"{first}-ROAD"),
            ("unit_cg", "unit", street, "城管中队 孙敏", f"{street}-CG"),
            ("desk_street", "operator", street, f"街道城运中心 吴芳 ({street})", None)]


def write(conn, cells: Cells, password: str) -> dict[str, str]:
    """Write the units, the list and the accounts once (a second call adds nothing)."""
    digest = hash_password(password)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT code, name_zh FROM areas WHERE level IN ('district', 'street')")
        units, serves, duties = _rows(cells, dict(cur.fetchall()))
        execute_values(cur, "INSERT INTO units (unit_code, name, tier, area_code) VALUES %s "
                            "ON CONFLICT DO NOTHING", units)
        execute_values(cur, "INSERT INTO unit_serves (unit_code, area_code) VALUES %s "
                            "ON CONFLICT DO NOTHING", serves)
        execute_values(cur, "INSERT INTO responsibilities (category, subtype, area_code, "
                            "unit_code) VALUES %s ON CONFLICT DO NOTHING", duties)
        rows = [(name, digest, role, area, shown, unit)
                for name, role, area, shown, unit in accounts(cells)]
        execute_values(cur, "INSERT INTO users (username, password_hash, role, area_code, "
                            "display_name, unit_code) VALUES %s ON CONFLICT DO NOTHING", rows)
    return {name: name for name, *_ in accounts(cells)}


def hand_over(conn, cells: Cells) -> int:
    """Open, confirm and dispatch the unit accounts' first cases; how many were handed over.
    The dispatch messages wait for the SLA ticker's `publish_pending` (no producer here)."""
    made = 0
    for username, _, area, _, _ in accounts(cells):
        for number, (major, subtype, title) in enumerate(HANDED_OVER.get(username, ())):
            place = _place(cells, area, number)
            alert_id = open_case(conn, NewCase(
                fingerprint=f"demo-unit|{username}|{number}", kind="incident", title=title,
                category=subtype, labels={"incident_category": major}, **place),
                actor="12345")
            transition(conn, alert_id, "confirm", "operator", "operator", 1)
            dispatch(conn, None, alert_id, "operator", "operator", 2, topic="")
            made += 1
    return made


def _place(cells: Cells, area: str, number: int) -> dict:
    """A grid cell of the area (the `number`th), with its centre as the case's point."""
    inside = [i for i, (s, d) in enumerate(zip(cells.street.tolist(), cells.district.tolist(),
                                                  strict=True)) if area in (s, d)]
    i = inside[(number * 7) % len(inside)]
    return {"grid_code": cells.codes[i], "community_code": cells.community[i],
            "street_code": cells.street[i], "district_code": cells.district[i],
            "lon": float(cells.lon[i]), "lat": float(cells.lat[i])}
