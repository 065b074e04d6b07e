"""The worker view on a phone (390×844): a worker sees only their own tasks, accepts one and
the case moves in the database; a return needs a reason; a note is audited; another
worker's task cannot be touched, not even by posting to the callback directly."""

from __future__ import annotations

import json

import pytest
import requests
from selenium.webdriver.common.by import By

from screens.tasks import SHOWN
from tests.browser.harness import (
    act,
    chrome,
    console_errors,
    login,
    screenshot,
    session_cookie,
    wait_for,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.browser]

OWN_TASKS = """
SELECT a.id FROM alerts a JOIN workers w ON w.worker_id = a.assignee_worker_id
JOIN users u ON u.id = w.user_id WHERE u.username = %s AND a.state = ANY(%s)
"""


@pytest.fixture(scope="module")
def phone(dashboard_world):
    driver = chrome(390, 844, mobile=True)
    login(driver, dashboard_world.url, dashboard_world.users["worker_hp"],
          dashboard_world.password, "/worker")
    yield driver
    driver.quit()


def _query(world, sql: str, params: tuple) -> list[tuple]:
    with world.connect() as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _shown_ids(driver) -> set[int]:
    return {int(card.get_attribute("id").removeprefix("worker-task-"))
            for card in driver.find_elements(By.CSS_SELECTOR, "article.worker-task")}


def test_a_worker_sees_only_their_own_tasks(phone, dashboard_world) -> None:
    wait_for(phone, "#worker-list")
    own = {row[0] for row in _query(dashboard_world, OWN_TASKS,
                                    (dashboard_world.users["worker_hp"], list(SHOWN)))}
    assert own, "the seeded world should give worker_hp some tasks"
    assert _shown_ids(phone) == own
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390
    for button in phone.find_elements(By.CSS_SELECTOR, "button.worker-button"):
        assert button.size["height"] >= 48
    phone.execute_script("window.scrollTo(0, 0)")
    screenshot(phone, "worker-390x844")
    assert console_errors(phone) == []


def _accept_first(driver) -> dict:
    """Press the first 签收 button; the ids it carries. Found and pressed at once."""
    button = driver.find_element(By.CSS_SELECTOR, "button.worker-accept")
    ids = json.loads(button.get_attribute("id"))
    button.click()
    return ids


def _return_first_in_progress(driver) -> int:
    """Press 退回 on the first task in progress (no reason given); its case id."""
    card = driver.find_element(By.CSS_SELECTOR, "article.worker-task[data-state='in_progress']")
    alert_id = int(card.get_attribute("id").removeprefix("worker-task-"))
    card.find_element(By.CSS_SELECTOR, "button.worker-return").click()
    return alert_id


def test_accepting_a_task_moves_it_in_the_database(phone, dashboard_world) -> None:
    wait_for(phone, "button.worker-accept")
    ids = act(phone, _accept_first)
    message = wait_for(phone, ".worker-message.ok")
    assert "已签收" in message.text
    state, actor = _query(dashboard_world,
                          "SELECT a.state, e.actor FROM alerts a JOIN alert_events e ON "
                          "e.alert_id = a.id AND e.action = 'accept' WHERE a.id = %s",
                          (ids["id"],))[0]
    assert (state, actor) == ("in_progress", dashboard_world.users["worker_hp"])
    assert console_errors(phone) == []


def test_returning_needs_a_reason_and_a_note_is_audited(phone, dashboard_world) -> None:
    wait_for(phone, "article.worker-task[data-state='in_progress']")
    alert_id = act(phone, _return_first_in_progress)
    assert "原因" in wait_for(phone, ".worker-message.error").text
    act(phone, lambda d: d.find_element(By.CSS_SELECTOR, f"#worker-task-{alert_id} textarea")
        .send_keys("已到现场，正在清理") or True)
    act(phone, lambda d: d.find_element(
        By.CSS_SELECTOR, f"#worker-task-{alert_id} button.worker-note").click() or True)
    wait_until(phone, lambda d: "进展已记录" in d.find_element(By.ID, "worker-message").text)
    notes = _query(dashboard_world, "SELECT note, actor FROM alert_events WHERE alert_id = %s "
                   "AND action = 'note'", (alert_id,))
    assert ("已到现场，正在清理", dashboard_world.users["worker_hp"]) in notes
    state = _query(dashboard_world, "SELECT state FROM alerts WHERE id = %s", (alert_id,))
    assert state == [("in_progress",)]


def test_another_workers_task_cannot_be_moved_through_the_callback(phone,
                                                                   dashboard_world) -> None:
    theirs = _query(dashboard_world, OWN_TASKS + " AND a.state = 'dispatched' LIMIT 1",
                    (dashboard_world.users["worker_ja"], list(SHOWN)))
    if not theirs:
        pytest.skip("worker_ja has no task waiting to be accepted in this world")
    alert_id = theirs[0][0]
    version = _query(dashboard_world, "SELECT version FROM alerts WHERE id = %s",
                     (alert_id,))[0][0]
    trigger = {"action": "accept", "id": alert_id, "type": "worker-act", "version": version}
    body = {
        "output": "..worker-list.children...worker-count.children...worker-message.children"
                  "...worker-message.className..",
        "outputs": [{"id": "worker-list", "property": "children"},
                    {"id": "worker-count", "property": "children"},
                    {"id": "worker-message", "property": "children"},
                    {"id": "worker-message", "property": "className"}],
        "inputs": [[{"id": trigger, "property": "n_clicks", "value": 1}],
                   {"id": "worker-refresh", "property": "n_clicks", "value": 0}],
        "changedPropIds": [json.dumps(trigger, separators=(",", ":"), sort_keys=True)
                           + ".n_clicks"],
        "state": [[], []],
    }
    answer = requests.post(f"{dashboard_world.url}/_dash-update-component", json=body,
                           cookies={"cityops_session": session_cookie(phone)}, timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    assert "任务不存在或已不属于您" in answer.text
    after = _query(dashboard_world, "SELECT state, version FROM alerts WHERE id = %s",
                   (alert_id,))
    assert after == [("dispatched", version)]
