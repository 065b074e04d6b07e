"""The assessment page in a browser (issue #16): a leader ranks the streets of this month,
opens the cases behind a figure, and the monthly bulletin's PDF renders (pdftoppm), its
Excel workbook opens; a district manager sees only their district's streets; a worker may
not open the page."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime

import pytest
import requests
from openpyxl import load_workbook
from selenium.webdriver.common.by import By

from tests.browser.harness import (
    SCREENSHOTS,
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

THIS_MONTH = f"{datetime.now():%Y-%m}"  # the seeded week reaches into it


@pytest.fixture(scope="module")
def desk():
    driver = chrome(1920, 1080)
    yield driver
    driver.quit()


def _street_names(world, district: str | None = None) -> set[str]:
    with world.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT name_zh FROM areas WHERE level = 'street' AND "
                    "(%s::text IS NULL OR parent_code = %s)", (district, district))
        return {row[0] for row in cur.fetchall()}


def _ranking(driver, world, account: str) -> list[str]:
    """Open the page as `account`, rank by street; the names in the ranking."""
    login(driver, world.url, world.users[account], world.password,
          f"/assessment?period={THIS_MONTH}")
    wait_for(driver, "#assessment-ranking, #assessment-none")  # by unit: maybe none
    act(driver, lambda d: [r for r in d.find_elements(
        By.CSS_SELECTOR, "#assessment-grouping input") if r.get_attribute("value") == "street"
    ][0].click() or True)
    streets = _street_names(world)

    def names(d) -> list[str]:
        shown = [c.text for c in d.find_elements(
            By.CSS_SELECTOR, "#assessment-ranking tbody tr td:nth-child(2)")]
        return shown if shown and set(shown) <= streets else []
    return wait_until(driver, names)


def test_a_leader_ranks_streets_and_drills_down(desk, dashboard_world) -> None:
    names = _ranking(desk, dashboard_world, "leader")
    assert len(names) >= 4
    ranks = [c.text for c in desk.find_elements(By.CSS_SELECTOR,
                                                "#assessment-ranking tbody tr td:first-child")]
    assert ranks[:3] == ["1", "2", "3"]
    assert "结案数 ÷ 应结案数" in desk.find_element(By.ID, "assessment-ranking").text
    screenshot(desk, "assessment-ranking-1920x1080")
    act(desk, lambda d: d.find_elements(By.CSS_SELECTOR, ".assessment-figure")[0].click() or True)
    listed = wait_for(desk, "#assessment-drill-list")
    assert "#" in listed.text
    desk.execute_script("document.getElementById('assessment-drill').scrollIntoView()")
    screenshot(desk, "assessment-drilldown-1920x1080")
    assert console_errors(desk) == []


def test_the_bulletin_prints_and_opens(desk, dashboard_world, tmp_path) -> None:
    login(desk, dashboard_world.url, dashboard_world.users["leader"], dashboard_world.password,
          f"/assessment?period={THIS_MONTH}")
    cookies = {"cityops_session": session_cookie(desk)}
    base = f"{dashboard_world.url}/export/bulletin?period={THIS_MONTH}"
    pdf = requests.get(f"{base}&format=pdf", cookies=cookies, timeout=120)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "bulletin.pdf").write_bytes(pdf.content)
    done = subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1",
                           str(tmp_path / "bulletin.pdf"), str(tmp_path / "page")],
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 20_000  # a page with tables on it, not a blank one
    shutil.copyfile(page, SCREENSHOTS / "bulletin-pdf.png")
    book = load_workbook(io.BytesIO(requests.get(f"{base}&format=xlsx", cookies=cookies,
                                                 timeout=60).content))
    assert "各区综合评价" in book.sheetnames and book["各区综合评价"].max_row >= 3
    assert "指标口径" in book.sheetnames
    text = requests.get(f"{base}&format=csv", cookies=cookies, timeout=60).text
    assert "按期结案数 ÷ (应结案数 − 缓办数)" in text


def test_a_district_manager_sees_only_their_streets(desk, dashboard_world) -> None:
    names = _ranking(desk, dashboard_world, "manager_ja")
    assert names and set(names) <= _street_names(dashboard_world, "310106")


def test_workers_and_unit_staff_may_not_open_it(desk, dashboard_world) -> None:
    for account in ("worker_hp", "unit_road"):
        login(desk, dashboard_world.url, dashboard_world.users[account],
              dashboard_world.password, "/assessment")
        wait_for(desk, "#shell-denied")
        cookies = {"cityops_session": session_cookie(desk)}
        assert requests.get(f"{dashboard_world.url}/export/bulletin?period={THIS_MONTH}",
                            cookies=cookies, timeout=30).status_code == 403
