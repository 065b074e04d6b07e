"""The leaders' daily summary in Chromium at 1920×1080: it renders in Chinese without console
errors, a district manager sees only their district, and the PDF export answers the
summary's roles only."""

from __future__ import annotations

import subprocess

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
def desk():
    driver = chrome(1920, 1080)
    # The screenshot is of the page at exactly 1920×1080, whatever the window frame takes.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1920, "height": 1080, "deviceScaleFactor": 1,
                            "mobile": False})
    yield driver
    driver.quit()


def _open(driver, world, account: str) -> None:
    driver.delete_all_cookies()
    login(driver, world.url, world.users[account], world.password, "/summary")
    wait_for(driver, "#summary-paragraph")


def test_the_leader_reads_yesterday_in_chinese(desk, dashboard_world) -> None:
    _open(desk, dashboard_world, "leader")
    paragraph = desk.find_element(By.ID, "summary-paragraph").text
    assert paragraph.startswith("昨日")
    assert desk.find_elements(By.CSS_SELECTOR, "#summary-kpi-new_cases .summary-tile-value")
    wait_for(desk, "#summary-chart-categories .main-svg")
    desk.execute_script("window.scrollTo(0, 0)")
    screenshot(desk, "summary-1920x1080")
    assert console_errors(desk) == []


def test_a_district_manager_sees_only_their_district(desk, dashboard_world) -> None:
    _open(desk, dashboard_world, "manager_hp")
    assert "黄浦" in desk.find_element(By.ID, "summary-area").text
    districts = [row.find_elements(By.TAG_NAME, "td")[0].text
                 for row in desk.find_elements(By.CSS_SELECTOR, "#summary-sla tbody tr")]
    assert all("黄浦" in name for name in districts)
    assert "静安" not in desk.find_element(By.ID, "summary-overdue").text


def test_picking_a_day_redraws_and_moves_the_export_link(desk, dashboard_world) -> None:
    _open(desk, dashboard_world, "leader")
    field = desk.find_element(By.CSS_SELECTOR, "#summary-date")
    earlier = desk.execute_script(
        "const d = new Date(arguments[0]); d.setDate(d.getDate() - 2);"
        "return d.toISOString().slice(0, 10);", field.get_attribute("value"))
    # Set the field the way a person's pick does, so React sees the change.
    desk.execute_script(
        "const input = arguments[0];"
        "const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;"
        "set.call(input, arguments[1]);"
        "input.dispatchEvent(new Event('input', {bubbles: true}));"
        "input.dispatchEvent(new Event('change', {bubbles: true}));", field, earlier)
    wait_until(desk, lambda d: d.find_element(By.ID, "summary-export")
               .get_attribute("href").endswith(f"date={earlier}"))
    assert not desk.find_element(By.ID, "summary-paragraph").text.startswith("昨日")


def test_pdf_export_for_the_leader_and_not_for_a_worker(desk, dashboard_world,
                                                        tmp_path) -> None:
    _open(desk, dashboard_world, "leader")
    href = desk.find_element(By.ID, "summary-export").get_attribute("href")
    answer = requests.get(href, cookies={"cityops_session": session_cookie(desk)},
                          timeout=120)
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["Content-Type"] == "application/pdf"
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(answer.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "城市运行日报" in text
    worker = chrome(390, 844, mobile=True)
    try:
        login(worker, dashboard_world.url, dashboard_world.users["worker_hp"],
              dashboard_world.password, "/worker")
        refused = requests.get(href, cookies={"cityops_session": session_cookie(worker)},
                               timeout=30)
    finally:
        worker.quit()
    assert refused.status_code == 403
