"""The holes of issue #13, long version: each family as results rows, on worlds of their own.

- duplicate source ids across sources and areas, through the API, the triage console's
  sources and the worker's task card;
- a dead-letter send failure (letters over the dead-letter topic's limit) among good input;
- poison rows that the database rejects, among good input;
- engine downtime longer than the offline window, under a steady feed.
(The service role attempting TRUNCATE and DDL is `test_roles.py`.)
"""

from __future__ import annotations

import pytest

from alerts.api.app import create_app
from alerts.cases.moves import NewCase, open_case
from identity.pool import POOL_KEY
from identity.scope import Scope
from identity.users import add_user
from screens.tasks import my_tasks
from screens.triage.sources import case_sources
from store import db as store_db
from tests.alerts import test_alerts_case_incidents as same_ids
from tests.alerts import test_alerts_engine_watermark as downtime
from tests.integration import test_dead_letter_stall as dead_letters
from tests.integration import test_poison_rows as poison

pytestmark = [pytest.mark.reliability, pytest.mark.integration]


def test_duplicate_source_ids_across_sources_and_areas(isolated, results) -> None:
    figures = _duplicates(isolated("holes_ids"), cases=40)  # a task list shows 50
    results.add("holes", "duplicate source ids across sources and areas",
                figures["leaks"] == 0 and figures["missing"] == 0, **figures)
    assert figures["leaks"] == 0 and figures["missing"] == 0, figures


def test_a_dead_letter_send_failure(isolated, results) -> None:
    figures = dead_letters.dead_letter_run(isolated("holes_dlq"), bad=200, good=20_000)
    passed = figures["letters"] == 200 and figures["without_value"] == 200 \
        and figures["stored"] == 20_000
    results.add("holes", "dead-letter send failure (200 letters over the topic's limit)",
                passed, **figures)
    assert passed, figures


def test_poison_rows_the_database_rejects(isolated, results) -> None:
    total, poisoned = 20_000, set(range(7, 20_000, 500))
    figures = poison.poison_run(isolated("holes_poison"), total=total, poisoned=poisoned)
    passed = figures["stored"] == total - len(poisoned) and figures["stored_poison"] == 0 \
        and len(figures["reasons"]) == len(poisoned) + 1
    figures.pop("reasons")
    results.add("holes", f"poison rows the database rejects ({len(poisoned) + 1} in "
                f"{total + 20:,})", passed, **figures)
    assert passed, figures


def test_engine_downtime_longer_than_the_offline_window(isolated, results, tmp_path) -> None:
    figures = downtime.downtime_run(isolated("holes_down"), tmp_path, devices=200, down_s=60)
    passed = figures["offline_cases"] == [downtime.SILENT]
    figures["false_offline"] = len(set(figures.pop("offline_cases")) - {downtime.SILENT})
    results.add("holes", "engine down 60 s, offline window 10 s, 200 devices reporting",
                passed, **figures)
    assert passed, figures


def _duplicates(settings, cases: int) -> dict:
    """`cases` hotline cases in 黄浦, each with its id also used by a patrol report in 静安
    and a sensor report in 黄浦 that are not its sources; each case read three ways."""
    conn = store_db.connect(settings.database_url)
    add_user(conn, "desk-ids", "holes-pass-1", "operator", "310101")
    worker = add_user(conn, "worker-ids", "holes-pass-1", "worker",
                      same_ids.HUANGPU["grid_code"])
    made = []
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO workers (worker_id, user_id, name, grid_code) VALUES "
                    "('w-ids', %s, '张三', %s)", (worker, same_ids.HUANGPU["grid_code"]))
    for n in range(cases):
        sid = f"D{n}"
        case = open_case(conn, NewCase(f"hotline|{sid}", "hotline", "井盖破损",
                                       category="井盖破损",
                                       labels={"source": "hotline", "source_id": sid,
                                               "detail": {"source_id": sid}},
                                       **same_ids.HUANGPU), actor="test")
        with conn, conn.cursor() as cur:
            same_ids.add_incident(cur, "hotline", sid, same_ids.HUANGPU, f"王{n}")
            same_ids.add_source(cur, case, "incident", f"hotline:{sid}")
            same_ids.add_incident(cur, "patrol", sid, same_ids.JINGAN, f"李{n}")
            same_ids.add_incident(cur, "sensor", sid, same_ids.HUANGPU, f"赵{n}")
            cur.execute("UPDATE alerts SET assignee_worker_id = 'w-ids', state = 'dispatched' "
                        "WHERE id = %s", (case,))
        made.append((case, sid, f"王{n}"))
    app = create_app(settings.database_url)
    client = app.test_client()
    token = client.post("/api/v1/login", json={"username": "desk-ids",
                                               "password": "holes-pass-1"}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    leaks = missing = 0
    with conn.cursor() as cur:
        tasks = {t["id"]: t for t in my_tasks(
            cur, Scope("grid", same_ids.HUANGPU["grid_code"], worker_user_id=worker),
            same_ids.AT)}
        for case, sid, caller in made:
            api = {(i["source"], i["source_id"]) for i in client.get(
                f"/api/v1/cases/{case}", headers=auth).json["incidents"]}
            triage = {(r["source"], r["source_id"]) for r in case_sources(
                cur, case, "operator", Scope("district", "310101"))
                if r["source_kind"] == "incident"}
            for seen in (api, triage):
                leaks += len(seen - {("hotline", sid)})
                missing += ("hotline", sid) not in seen
            task = tasks.get(case)
            missing += task is None
            leaks += task is not None and task["reporter_name"] not in (None, caller)
    conn.rollback()
    app.extensions[POOL_KEY].close()
    conn.close()
    return {"cases": cases, "reads": cases * 3, "leaks": leaks, "missing": missing}
