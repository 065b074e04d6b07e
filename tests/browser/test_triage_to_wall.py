"""A triage action shows on the wall screen: a manager rejects a new case in the console and
the operator's wall, open in another browser, counts one open case less within a refresh or
two (by Patch, without reloading the page)."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.harness import (
    act,
    chrome,
    click_text,
    console_errors,
    login,
    wait_for,
    wait_until,
)
from tests.browser.test_triage_console import one, open_console, open_new_case

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def _open_cases(driver) -> int | None:
    text = driver.find_element(By.ID, "wall-value-open_cases").text.replace(",", "")
    return int(text) if text.isdigit() else None


@pytest.fixture
def wall(dashboard_world):
    browser = chrome()
    login(browser, dashboard_world.url, dashboard_world.users["operator"],
          dashboard_world.password, target="/wall")
    yield browser
    browser.quit()


@pytest.fixture
def console(dashboard_world):
    browser = chrome()
    login(browser, dashboard_world.url, dashboard_world.users["manager_hp"],
          dashboard_world.password, target="/triage")
    yield browser
    browser.quit()


def test_a_rejected_case_leaves_the_wall_count(wall, console, dashboard_world) -> None:
    before = wait_until(wall, _open_cases)
    assert before == one(dashboard_world, "SELECT count(*) FROM alerts WHERE state NOT IN "
                                          "('closed', 'rejected', 'resolved')")[0]
    wall.execute_script("window.__cityopsMark = 1;")  # gone if the page reloads

    open_console(console, dashboard_world)
    case_id = open_new_case(console)
    act(console, lambda d: d.find_element(By.ID, "triage-note").send_keys(
        "重复反映，已有案件处理") or True)
    click_text(console, ".triage-move", "不予立案")
    wait_for(console, "#triage-message-text")
    assert one(dashboard_world, "SELECT state FROM alerts WHERE id = %s",
               (case_id,)) == ("rejected",)

    wait_until(wall, lambda d: _open_cases(d) == before - 1, timeout=30)
    assert wall.execute_script("return window.__cityopsMark;") == 1
    assert console_errors(wall) == [] and console_errors(console) == []
