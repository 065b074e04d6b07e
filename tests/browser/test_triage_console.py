"""The triage console in Chromium as 黄浦's duty manager: the queue holds only 黄浦's cases,
a case opens with its detail, 立案 changes the case in the database with the manager's
audit row, and neither the page nor a hand-made callback request reaches a 静安 case."""

from __future__ import annotations

import json

import pytest
import requests
from selenium.webdriver.common.by import By

from dashboard.i18n import translate
from tests.access import dash_calls
from tests.browser.harness import (
    act,
    chrome,
    click_text,
    console_errors,
    login,
    screenshot,
    session_cookie,
    wait_for,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.browser]

HUANGPU, JINGAN = "310101", "310106"
ALL_ROW_IDS = """
const api = window.dash_ag_grid && window.dash_ag_grid.getApi('triage-queue');
if (!api) { return null; }
const ids = []; api.forEachNode(node => ids.push(node.data.id)); return ids;
"""


@pytest.fixture(scope="module")
def driver(dashboard_world):
    browser = chrome()
    # The window's size includes the browser's own frame; the page gets exactly 1920×1080.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 1920, "height": 1080, "deviceScaleFactor": 1,
                             "mobile": False})
    login(browser, dashboard_world.url, dashboard_world.users["manager_hp"],
          dashboard_world.password, target="/triage")
    yield browser
    browser.quit()


def one(world, sql: str, params: tuple = ()):
    conn = world.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()
    finally:
        conn.close()


def open_console(driver, world) -> list[int]:
    driver.get(f"{world.url}/triage")
    wait_for(driver, "#triage-queue .ag-center-cols-container .ag-row")
    return wait_until(driver, lambda d: d.execute_script(ALL_ROW_IDS))


def test_the_queue_shows_only_huangpu_cases(driver, dashboard_world) -> None:
    ids = open_console(driver, dashboard_world)
    districts = one(dashboard_world, "SELECT array_agg(DISTINCT district_code) FROM alerts "
                                     "WHERE id = ANY(%s)", (ids,))[0]
    assert districts == [HUANGPU]
    jingan_open = one(dashboard_world, "SELECT array_agg(id) FROM alerts WHERE district_code "
                                       "= %s AND state = 'new'", (JINGAN,))[0]
    assert jingan_open and not set(jingan_open) & set(ids)
    assert "静安" not in driver.find_element(By.ID, "triage-queue").text
    assert console_errors(driver) == []


def _click_first_new_case(driver) -> int | None:
    """Click the title of the first row whose state is 受理 (new); its case id, or None."""
    for row in driver.find_elements(By.CSS_SELECTOR,
                                    "#triage-queue .ag-center-cols-container .ag-row"):
        if row.find_element(By.CSS_SELECTOR, "[col-id='state_label']").text == "受理":
            case_id = int(row.find_element(By.CSS_SELECTOR, "[col-id='id']").text)
            row.find_element(By.CSS_SELECTOR, "[col-id='title']").click()
            return case_id
    return None


def open_new_case(driver) -> int:
    """Open the first new case of the queue; found, read and clicked in one step, since
    the grid redraws its rows when the queue refreshes (a find then a click went stale)."""
    case_id = act(driver, _click_first_new_case)
    wait_until(driver, lambda d: f"#{case_id}" in d.find_element(By.ID, "triage-detail").text)
    return case_id


def test_a_manager_opens_a_case_and_confirms_it(driver, dashboard_world) -> None:
    open_console(driver, dashboard_world)
    case_id = open_new_case(driver)
    wait_for(driver, "#triage-map .main-svg")
    wait_for(driver, "#triage-timeline")
    screenshot(driver, "triage-1920x1080")
    click_text(driver, ".triage-move", "立案")
    shown = wait_for(driver, "#triage-message-text").text
    assert shown == "立案完成：受理 → 立案"
    assert one(dashboard_world, "SELECT state FROM alerts WHERE id = %s",
               (case_id,)) == ("confirmed",)
    assert one(dashboard_world, "SELECT actor, action, to_state FROM alert_events "
                                "WHERE alert_id = %s ORDER BY id DESC LIMIT 1",
               (case_id,)) == (dashboard_world.users["manager_hp"], "confirm", "confirmed")
    # The panel re-read the case: the moves of a confirmed case now stand there.
    wait_until(driver, lambda d: any(b.text == "派遣" for b in
                                     d.find_elements(By.CSS_SELECTOR, ".triage-move")))
    assert console_errors(driver) == []


def _callback(world, cookie: str, body: dict) -> requests.Response:
    return requests.post(f"{world.url}/_dash-update-component", json=body, timeout=20,
                         cookies={"cityops_session": cookie})


def _jingan_new_case(world) -> tuple[int, int, str]:
    return one(world, "SELECT id, version, title FROM alerts WHERE district_code = %s AND "
                      "state = 'new' ORDER BY id LIMIT 1", (JINGAN,))


def test_a_hand_made_move_on_a_jingan_case_is_refused_and_changes_nothing(
        driver, dashboard_world) -> None:
    case_id, version, _ = _jingan_new_case(dashboard_world)
    events = one(dashboard_world, "SELECT count(*) FROM alert_events WHERE alert_id = %s",
                 (case_id,))[0]
    move = {"action": "confirm", "type": "triage-move"}
    body = {
        "output": "..triage-message.children...triage-refresh.data..",
        "outputs": [{"id": "triage-message", "property": "children"},
                    {"id": "triage-refresh", "property": "data"}],
        "inputs": [[{"id": move, "property": "n_clicks", "value": 1}]],
        "state": [{"id": "triage-case", "property": "data",
                   "value": {"id": case_id, "version": version}},
                  {"id": "triage-note", "property": "value", "value": ""},
                  {"id": "triage-refresh", "property": "data", "value": 0},
                  *dash_calls.UNIT_STATES],
        "changedPropIds": [json.dumps(move, separators=(",", ":"), sort_keys=True)
                           + ".n_clicks"],
    }
    answer = _callback(dashboard_world, session_cookie(driver), body)
    assert answer.status_code == 200, answer.text  # Dash answered: the callback did run
    assert translate("zh-CN", "triage.msg.not_found") in answer.text
    assert one(dashboard_world, "SELECT state, version FROM alerts WHERE id = %s",
               (case_id,)) == ("new", version)
    assert one(dashboard_world, "SELECT count(*) FROM alert_events WHERE alert_id = %s",
               (case_id,))[0] == events


def _output_of(world, cookie: str, first: str) -> str:
    """The `output` string Dash registered for the callback whose outputs start with
    `first` (a duplicate-allowed output carries a hash Dash makes up)."""
    found = requests.get(f"{world.url}/_dash-dependencies", timeout=20,
                         cookies={"cityops_session": cookie}).json()
    return next(d["output"] for d in found if d["output"].startswith(f"..{first}"))


def test_a_hand_made_detail_request_for_a_jingan_case_shows_nothing(
        driver, dashboard_world) -> None:
    case_id, _, title = _jingan_new_case(dashboard_world)
    cookie = session_cookie(driver)
    output = _output_of(dashboard_world, cookie, "triage-detail.children")
    body = {
        "output": output,
        "outputs": [{"id": part.split(".")[0], "property": part.split(".")[1]}
                    for part in output[2:-2].split("...")],
        "inputs": [{"id": "triage-queue", "property": "selectedRows",
                    "value": [{"id": case_id}]},
                   {"id": "triage-refresh", "property": "data", "value": 0}],
        "state": [{"id": "triage-case", "property": "data", "value": None}],
        "changedPropIds": ["triage-queue.selectedRows"],
    }
    answer = _callback(dashboard_world, cookie, body)
    assert answer.status_code == 200, answer.text
    assert translate("zh-CN", "triage.detail.not_found") in answer.text
    assert title not in answer.text and f"#{case_id}" not in answer.text
