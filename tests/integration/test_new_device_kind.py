"""A device kind added as a profile file only, no Python: the simulator simulates it, a rule
can use its metric, ingest stores its readings, and the map and device list show it."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from psycopg2.extras import Json

from alerts.rules import load_folder
from alerts.rules.loader import RulesInvalid
from cityops.stream import kafka_client
from devices.profiles import DEFAULT_FOLDER, default_set, load_folders
from geo.store import write_areas
from identity.scope import Scope
from ingest import formats
from ingest.validate import TimeWindow, check_readings
from layers import devices as device_layer
from layers.frame import Frame
from screens.admin.devices import DeviceFilter, device_page
from sim.kinds import types_for
from sim.placement import Cells, place
from sim.plan import Plan
from sim.registry import rows as registry_rows
from sim.stream import Stream
from store import db as store_db
from store import devices as store_devices
from tests.integration.ingest_run import count, start_ingest, stop, wait_for

pytestmark = pytest.mark.integration
WINDOW = TimeWindow(timedelta(days=30))

# A waste-bin fill sensor (垃圾满溢): nothing in the code knows this kind or its metric.
WASTE_BIN = """\
kind: waste_bin
name: {zh: 垃圾桶满溢监测, en: Waste bin fill sensor}
interval: 10m
offline_after: 40m
symbol: {shape: circle, colour: "#a0522d"}
share: 0.2
metrics:
  - name: fill_pct
    unit: "%"
    range: [0, 100]
    aggregate: last
    typical: [20, 70]
    label: {zh: 满溢度, en: Fill level}
    aliases:
      - {name: fillingLevel, unit: "1", origin: sdm}
"""

RULE = """\
rules:
  - id: waste-bin-full
    kind: threshold
    name: {zh: 垃圾桶满溢, en: Waste bin full}
    category: 市容环境
    severity: minor
    match: {device_kind: waste_bin, metric: fill_pct}
    params: {op: ">=", value: 90, for: 10m}
"""


@pytest.fixture(scope="module")
def profile_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("profiles")
    (folder / "waste_bin.yaml").write_text(WASTE_BIN, encoding="utf-8")
    return folder


def test_a_kind_added_as_a_file_is_simulated_stored_ruled_and_shown(
        isolated, small_city_areas, profile_folder, tmp_path) -> None:
    profiles = load_folders(DEFAULT_FOLDER, profile_folder)
    assert "waste_bin" in profiles.kinds and "waste_bin" not in default_set().kinds

    # A rule on its metric loads with the profiles in force, and is refused without them.
    (tmp_path / "bins.yaml").write_text(RULE, encoding="utf-8")
    assert load_folder(tmp_path, profiles).by_id["waste-bin-full"]
    with pytest.raises(RulesInvalid, match="fill_pct"):
        load_folder(tmp_path, default_set())

    # The simulator places and feeds it like any packaged kind.
    types = types_for(profiles)
    cells = Cells.from_areas(small_city_areas)
    devices = place(cells, 60, seed=3, types=types)
    bins = {d for d in devices.ids if d.startswith("waste-bin-")}
    assert bins
    start = time.time() - 1800
    plan = Plan(devices=60, rate=None, seed=3, start=start, duration=1200.0,
                reading_formats={"native": 0.5, "senml": 0.5}, malformed=0.0,
                anomaly_every=10**9, dropout=0.0)
    messages = [m for m in Stream(cells, devices, plan)
                if m.topic == "readings" and m.key.decode() in bins]
    assert messages
    now = datetime.now(UTC)
    for m in messages:  # what ingest will make of each, before any broker
        found = formats.decode_readings(m.headers, m.value, profiles)
        check_readings(found, WINDOW, now, profiles.metrics)
        assert {r.metric for r in found} == {"fill_pct"}

    # Registered, streamed through the real broker, stored by a real ingest.
    settings = isolated("newkind")
    conn = store_db.connect(settings.database_url)
    try:
        write_areas(conn, small_city_areas)
        registered = [{**r, "placed": True, "meta": Json(r["meta"])}
                      for r in registry_rows(cells, devices) if r["device_id"] in bins]
        store_devices.upsert(conn, registered)
        producer = kafka_client.producer(settings)
        for m in messages:
            producer.send(settings.topic("readings"), key=m.key, value=m.value,
                          headers=list(m.headers))
        producer.flush()
        producer.close()
        proc = start_ingest(settings, CITYOPS_PROFILES_DIR=str(profile_folder))
        try:
            wait_for(lambda: count(conn, "SELECT count(*) FROM readings "
                                         "WHERE metric = 'fill_pct'") == len(messages))
        finally:
            stop(proc)

        # The map draws every placed bin; the device list finds them by their kind.
        city = Scope("city", "310000")
        with conn.cursor() as cur:
            drawn = set(device_layer.points(cur, city, Frame(now, None)).ids)
        conn.rollback()
        assert bins <= drawn
        listed, total = device_page(conn, city, DeviceFilter(kind="waste_bin"),
                                    offset=0, limit=100)
        assert total == len(bins) and {r["device_id"] for r in listed} == bins
        assert profiles.profile("waste_bin").name_zh == "垃圾桶满溢监测"
    finally:
        conn.close()
