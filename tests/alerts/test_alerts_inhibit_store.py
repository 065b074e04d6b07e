"""Inhibition against the real database: while the district flooding case is open, the
underpass alerts of that district open no case (each is noted on the district case);
another district's still do, and so do they once the district case is finished."""

from __future__ import annotations

import time

import pytest

from alerts.cases.moves import transition
from alerts.rules.evaluate.events import Areas, fire
from alerts.rules.loader import load_folder
from store import db as store_db
from tests.alerts.engine_run import record, rows

pytestmark = pytest.mark.integration

RULES = load_folder()
HUANGPU = Areas("310101001001", "310101001", "310101001000", "310101")
JINGAN = Areas("310106001001", "310106001", "310106001000", "310106")


def flooding(at: float):
    return fire(RULES.by_id["district-flooding"], "310101", at, areas=HUANGPU,
                lon=121.47, lat=31.23)


def underpass(device: str, areas: Areas, at: float, lon: float):
    return fire(RULES.by_id["underpass-flooded"], device, at, areas=areas, device_id=device,
                lon=lon, lat=31.30)


def test_an_open_district_case_mutes_its_underpass_alerts(isolated) -> None:
    conn = store_db.connect(isolated("inhibit").database_url)
    now = time.time()
    assert record(conn, flooding(now)) == "opened"
    (district_case, version), = rows(conn, "SELECT id, version FROM alerts")
    assert record(conn, underpass("up-1", HUANGPU, now + 60, 121.40)) == "inhibited"
    assert record(conn, underpass("up-2", JINGAN, now + 60, 121.44)) == "opened"
    assert rows(conn, "SELECT rule_id FROM alerts WHERE rule_id = 'underpass-flooded'") == \
        [("underpass-flooded",)]
    assert rows(conn, "SELECT details->>'fingerprint' FROM alert_events "
                      "WHERE alert_id = %s AND action = 'inhibit'", (district_case,)) == \
        [("underpass-flooded|up-1",)]

    transition(conn, district_case, "reject", "ops:li", "operator", version, note="演练")
    assert record(conn, underpass("up-1", HUANGPU, now + 120, 121.40)) == "opened"
    conn.close()
