"""The admin page in Chromium: an admin sees devices, rules, workers and users without console
errors (screenshot at 1920x1080); an operator is refused, on the page and at the endpoint."""

import time

import pytest
import requests
from selenium.webdriver.common.by import By

from tests.browser.harness import (
    chrome,
    console_errors,
    login,
    screenshot,
    session_cookie,
    wait_for,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.browser]


@pytest.fixture(scope="module")
def driver():
    browser = chrome(1920, 1080)
    yield browser
    browser.quit()


def _as(driver, world, account: str, target: str = "/admin") -> None:
    driver.delete_all_cookies()
    login(driver, world.url, world.users[account], world.password, target)
    driver.get(f"{world.url}{target}")


def test_admin_sees_every_tab_without_console_errors(driver, dashboard_world) -> None:
    _as(driver, dashboard_world, "admin")
    wait_for(driver, "#admin-devices-grid .ag-row", timeout=30)
    wait_until(driver, lambda d: d.find_element(By.ID, "admin-devices-count").text)
    assert "台设备符合条件" in driver.find_element(By.ID, "admin-devices-count").text
    assert "设备总数" in driver.find_element(By.ID, "admin-devices-tiles").text
    time.sleep(1)  # let fonts and the grid settle before the picture
    shot = screenshot(driver, "admin-1920x1080")
    assert shot.stat().st_size > 20_000
    assert console_errors(driver) == []

    for tab, ready in (("rules", "#admin-rules-grid .ag-row"),
                       ("holidays", "#admin-holidays-years td"),
                       ("workers", "#admin-workers-grid .ag-row"),
                       ("users", "#admin-users-grid .ag-row")):
        driver.find_element(By.ID, f"admin-tab-{tab}").click()
        wait_for(driver, ready, timeout=20)
        assert console_errors(driver) == [], tab
    page = driver.find_element(By.CSS_SELECTOR, ".page-admin").text
    assert "password" not in page.lower() or "密码" in page  # the form's label, never a hash
    assert "scrypt$" not in driver.page_source


def test_a_filter_narrows_the_device_grid(driver, dashboard_world) -> None:
    _as(driver, dashboard_world, "admin")
    wait_for(driver, "#admin-devices-grid .ag-row", timeout=30)
    total = driver.find_element(By.ID, "admin-devices-count").text
    search = driver.find_element(By.ID, "admin-devices-search")
    search.send_keys("no-such-device-anywhere\n")
    wait_until(driver, lambda d: d.find_element(By.ID, "admin-devices-count").text != total)
    assert "共 0 台" in driver.find_element(By.ID, "admin-devices-count").text
    assert console_errors(driver) == []


def test_validating_a_broken_rule_shows_the_loaders_lines(driver, dashboard_world) -> None:
    _as(driver, dashboard_world, "admin", "/admin?tab=rules")
    box = wait_for(driver, "#admin-rules-text", timeout=30)
    assert "部署步骤" in driver.find_element(By.ID, "admin-rules-deploy-note").text
    box.send_keys("rules:\n- id: x\nkind: threshold\n")
    driver.find_element(By.ID, "admin-rules-validate").click()
    wait_for(driver, "#admin-rules-invalid")
    problems = driver.find_element(By.CSS_SELECTOR, "#admin-rules-result .admin-problems").text
    assert "pasted.yaml" in problems
    assert console_errors(driver) == []


def test_an_operator_is_refused_on_the_page_and_at_the_endpoint(driver, dashboard_world) -> None:
    _as(driver, dashboard_world, "operator")
    wait_for(driver, "#shell-denied")
    assert not driver.find_elements(By.ID, "admin-devices-grid")
    cookie = session_cookie(driver)
    body = {"output": "..admin-devices-report.children...admin-devices-version.data..",
            "outputs": [{"id": "admin-devices-report", "property": "children"},
                        {"id": "admin-devices-version", "property": "data"}],
            "inputs": [{"id": "admin-devices-upload", "property": "contents",
                        "value": "data:text/csv;base64,"}],
            "state": [], "changedPropIds": ["admin-devices-upload.contents"]}
    answer = requests.post(f"{dashboard_world.url}/_dash-update-component", json=body,
                           cookies={"cityops_session": cookie}, timeout=10)
    assert answer.status_code == 403
