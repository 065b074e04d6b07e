"""Every rule kind through the real broker and database: one case per condition (edge-triggered,
never one per sample) and, since every rule here auto-resolves, resolution when it clears.

One engine run over a small real city (黄浦, 1 km grid) serves all kinds, in three phases:
1. what makes each condition start (and keeps it going for several more samples);
2. readings that end the threshold, rate and absence conditions;
3. the engine's clock an hour ahead, so the windows of count, composite and geofence run
   out on its ticks (the absence rule waits 2 h, so it does not fire again).
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from psycopg2.extras import Json

from alerts.engine.metrics import EngineMetrics
from alerts.engine.service import build
from cityops.stream import kafka_client
from geo import store as geo_store
from geo.demo import build_demo
from store import db as store_db
from store import devices as store_devices
from tests.alerts.engine_run import query

pytestmark = pytest.mark.integration

KINDS = ["threshold", "rate", "absence", "count", "composite", "geofence"]

# Categories that no incident subcategory means (alerts/cases/grouping/categories.py), so a rule's
# case never merges into the case an incident opens: each condition shows as its own case.
# (The count rule has no `by`: with `by: subcategory` its fire carries the calls' category
# and joins the case of the calls, by design; test_alerts_merge_stream.py covers merging.)
RULES = """\
rules:
  - id: k-threshold
    kind: threshold
    name: {{zh: 压力过低, en: Pressure low}}
    category: 供水管网异常
    severity: major
    match: {{device_kind: water_main, metric: pressure_kpa}}
    params: {{op: "<=", value: 150, for: 60s, clear: 200}}
    auto_resolve: true
  - id: k-rate
    kind: rate
    name: {{zh: 水位快涨, en: Level rising fast}}
    category: 河道水位超警戒
    severity: major
    match: {{device_kind: gauge, metric: level_m}}
    params: {{rise: 1.0, within: 5m}}
    auto_resolve: true
  - id: k-absence
    kind: absence
    name: {{zh: 设备离线, en: Device offline}}
    category: 设备离线
    severity: minor
    match: {{device_kind: air_station}}
    params: {{after: 2h}}
    auto_resolve: true
  - id: k-count
    kind: count
    name: {{zh: 投诉聚集, en: Complaint cluster}}
    category: 投诉聚集
    severity: major
    match: {{source: hotline, subcategory: 暴露垃圾}}
    params: {{count: 3, within: 30m, per: grid}}
    auto_resolve: true
  - id: k-tilted
    kind: threshold
    name: {{zh: 井盖倾斜, en: Cover tilted}}
    category: 井盖传感
    severity: major
    match: {{device_kind: manhole, metric: tilt_deg}}
    params: {{op: ">=", value: 10}}
    opens_case: false
  - id: k-reported
    kind: count
    name: {{zh: 井盖上报, en: Cover reported}}
    category: 井盖上报
    severity: major
    match: {{source: patrol, subcategory: 井盖破损}}
    params: {{count: 1, within: 30m, per: grid}}
    opens_case: false
  - id: k-composite
    kind: composite
    name: {{zh: 井盖损坏确认, en: Cover damage confirmed}}
    category: 井盖复核
    severity: critical
    params: {{all: [k-tilted, k-reported], within: 30m, per: grid}}
    auto_resolve: true
  - id: k-geofence
    kind: geofence
    name: {{zh: 重点区域违建, en: Building in a watched zone}}
    category: 重点区域巡查
    severity: major
    match: {{subcategory: 违章搭建}}
    auto_resolve: true
    params:
      quiet: 30m
      zones:
        - {{name: watched, points: {zone}}}
"""

RULE_OF = {"threshold": "k-threshold", "rate": "k-rate", "absence": "k-absence",
           "count": "k-count", "composite": "k-composite", "geofence": "k-geofence"}


class Clock:
    """The engine's clock: the wall clock plus a shift the test moves forward."""

    def __init__(self) -> None:
        self.shift = 0.0

    def __call__(self) -> float:
        return time.time() + self.shift




def cases_by_rule(settings) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {rule: [] for rule in RULE_OF.values()}
    for rule, state, repeats, grid in query(
            settings, "SELECT rule_id, state, repeat_count, grid_code FROM alerts "
                      "WHERE rule_id IS NOT NULL ORDER BY id"):
        found.setdefault(rule, []).append((state, repeats, grid))
    return found


def everything(settings) -> list[tuple]:
    """Every case and its sources, for a failure message."""
    return (query(settings, "SELECT id, kind, category, state, grid_code, rule_id, "
                            "repeat_count FROM alerts ORDER BY id")
            + query(settings, "SELECT alert_id, source_key FROM case_sources ORDER BY id"))


def wait_for(settings, done, what: str, seconds: float = 20) -> dict[str, list[tuple]]:
    deadline = time.monotonic() + seconds
    while True:
        found = cases_by_rule(settings)
        if done(found):
            return found
        assert time.monotonic() < deadline, \
            f"{what}: not within {seconds} s: {found}; all cases: {everything(settings)}"
        time.sleep(0.2)


def settled(settings, engine) -> dict[str, list[tuple]]:
    """The cases after a few more ticks, so a late duplicate would show."""
    ticks = engine.last_tick
    deadline = time.monotonic() + 10
    while engine.last_tick < ticks + 2:  # two ticks after what we waited for
        assert time.monotonic() < deadline, "the engine stopped ticking"
        time.sleep(0.1)
    return cases_by_rule(settings)


class City:
    """Four grid cells of the demo city: one per area rule, one for the devices."""

    def __init__(self, areas) -> None:
        grids = areas[areas.level == "grid"].sort_values("code")
        self.cells = [(row.code, row.community_code, row.street_code, row.district_code,
                       row.geometry.representative_point()) for row in grids.iloc[:4].itertuples()]

    def point(self, i: int) -> tuple[float, float]:
        p = self.cells[i][4]
        return round(p.x, 6), round(p.y, 6)

    def device(self, device_id: str, kind: str, i: int) -> dict:
        code, community, street, district, _ = self.cells[i]
        lon, lat = self.point(i)
        return {"device_id": device_id, "kind": kind, "placed": True, "grid_code": code,
                "community_code": community, "street_code": street, "district_code": district,
                "lon": lon, "lat": lat, "meta": Json({})}

    def zone(self, i: int) -> str:
        lon, lat = self.point(i)
        d = 0.002
        return json.dumps([[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d],
                           [lon - d, lat + d]])


class Feed:
    def __init__(self, settings) -> None:
        self.settings = settings
        self.producer = kafka_client.producer(settings)

    def reading(self, device: str, at: datetime, metric: str, value: float) -> None:
        self.producer.send(self.settings.topic("readings"), key=device.encode(), value=json.dumps(
            {"device": device, "ts": at.isoformat(), "values": {metric: value}}).encode())

    def incident(self, source: str, number: str, at: datetime, category: str, sub: str,
                 where: tuple[float, float]) -> None:
        doc = {"source": source, "source_id": number, "reported_at": at.isoformat(),
               "case_type": "事件", "category": category, "subcategory": sub,
               "description": "测试上报", "address": "测试路1号",
               "lon": where[0], "lat": where[1]}
        self.producer.send(self.settings.topic("incidents"), key=number.encode(),
                           value=json.dumps(doc, ensure_ascii=False).encode())

    def flush(self) -> None:
        self.producer.flush()


def every(found, want) -> bool:
    return all(want(found[rule]) for rule in RULE_OF.values())


@pytest.fixture(scope="module")
def outcome(isolated, tmp_path_factory):
    """Run the whole story once; each kind's test reads its own part of what happened."""
    settings = isolated("engkinds")
    city = City(build_demo(seed=1, districts=["310101"], cell_size_m=1000))
    conn = store_db.connect(settings.database_url)
    geo_store.write_areas(conn, build_demo(seed=1, districts=["310101"], cell_size_m=1000))
    store_devices.upsert(conn, [city.device("th-1", "water_main", 0),
                                city.device("rg-1", "gauge", 0),
                                city.device("ab-1", "air_station", 0),
                                city.device("mh-1", "manhole", 2)])
    conn.close()
    rules = tmp_path_factory.mktemp("rules")
    (rules / "kinds.yaml").write_text(RULES.format(zone=city.zone(3)), encoding="utf-8")

    clock = Clock()
    engine = build(settings, rules, EngineMetrics())
    engine.clock = clock
    stop = threading.Event()
    thread = threading.Thread(target=engine.run, args=(stop,), daemon=True)
    thread.start()
    feed = Feed(settings)
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        # 1. Conditions start, and keep going for several samples / reports each.
        t = now - timedelta(minutes=10)
        for i, kpa in enumerate([300.0] * 3 + [120.0] * 15):   # held 60 s at the 10th sample
            feed.reading("th-1", t + timedelta(seconds=10 * i), "pressure_kpa", kpa)
        t = now - timedelta(minutes=20)
        levels = [3.0] * 4 + [3.25, 3.5, 3.75, 4.0, 4.25, 4.5]  # +1 m within 5 m, then more
        for i, level in enumerate(levels):
            feed.reading("rg-1", t + timedelta(seconds=30 * i), "level_m", level)
        rate_next = t + timedelta(seconds=30 * len(levels))
        feed.reading("ab-1", now - timedelta(hours=3), "pm25_ugm3", 35.0)  # silent since
        for i in range(5):                                      # the 3rd call starts it
            feed.incident("hotline", f"12345-K-{i}", now - timedelta(minutes=10 - i),
                          "市容环境", "暴露垃圾", city.point(1))
        for i in range(3):
            feed.reading("mh-1", now - timedelta(minutes=6, seconds=-10 * i), "tilt_deg", 25.0)
        for i in range(2):
            feed.incident("patrol", f"XC-K-{i}", now - timedelta(minutes=5 - i),
                          "公用设施", "井盖破损", city.point(2))
        for i in range(3):
            feed.incident("patrol", f"XC-G-{i}", now - timedelta(minutes=6 - i),
                          "房屋土地", "违章搭建", city.point(3))
        feed.flush()
        wait_for(settings, lambda f: every(f, bool), "every kind fired")
        started = settled(settings, engine)

        # 2. Readings end the threshold, rate and absence conditions.
        later = now - timedelta(minutes=10) + timedelta(seconds=10 * 18)
        for i in range(2):
            feed.reading("th-1", later + timedelta(seconds=10 * i), "pressure_kpa", 300.0)
        for i in range(14):                                     # flat for longer than 5 min
            feed.reading("rg-1", rate_next + timedelta(seconds=30 * i), "level_m", 4.5)
        feed.reading("ab-1", now, "pm25_ugm3", 36.0)
        feed.flush()
        device_rules = [RULE_OF[k] for k in ("threshold", "rate", "absence")]
        cleared = wait_for(settings, lambda f: all(
            f[r] and f[r][-1][0] == "resolved" for r in device_rules), "device clears")

        # 3. An hour later by the engine's clock: the area windows run out.
        clock.shift = 3600
        wait_for(settings, lambda f: every(f, lambda c: c and c[-1][0] == "resolved"),
                 "area clears")
        final = settled(settings, engine)
    finally:
        stop.set()
        thread.join(timeout=30)
        feed.producer.close()
    assert not thread.is_alive()
    return {"started": started, "cleared": cleared, "final": final,
            "grids": [cell[0] for cell in city.cells]}


@pytest.mark.parametrize("kind", KINDS)
def test_one_case_per_condition_resolved_when_it_clears(outcome, kind) -> None:
    rule = RULE_OF[kind]
    started = outcome["started"][rule]
    assert len(started) == 1, started                       # not one per sample or report
    state, repeats, grid = started[0]
    assert (state, repeats) == ("new", 1)
    area_grid = {"count": 1, "composite": 2, "geofence": 3}.get(kind, 0)
    assert grid == outcome["grids"][area_grid]
    assert [s for s, _, _ in outcome["final"][rule]] == ["resolved"]


def test_device_clears_come_before_the_area_windows_run_out(outcome) -> None:
    cleared = outcome["cleared"]
    for kind in ("count", "composite", "geofence"):
        assert [s for s, _, _ in cleared[RULE_OF[kind]]] == ["new"], kind
    # The parts of the composite feed it only; they open no case of their own.
    assert "k-tilted" not in outcome["final"] and "k-reported" not in outcome["final"]
