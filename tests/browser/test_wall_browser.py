"""The wall screen in headless Chromium: it draws, scoped to the viewer, without console
errors and without a single request to any host but the dashboard's own; it takes live
changes by Patch; screenshots at 1920x1080 and 3840x2160 go to docs/screenshots/."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

from identity.users import add_user
from store import db as store_db
from tests.browser.harness import (
    chrome,
    console_errors,
    login,
    requested_hosts,
    screenshot,
    wait_for,
    wait_until,
)
from tests.dashboard.wall_world import HUANGPU, add_case, populate
from tests.process import serving

pytestmark = [pytest.mark.integration, pytest.mark.browser]

PASSWORD = "wall-test-password"


class Site:
    def __init__(self, url: str, database_url: str, cells) -> None:
        self.url, self.database_url, self.cells = url, database_url, cells


@pytest.fixture(scope="module")
def site(isolated, small_city_areas, tmp_path_factory):
    settings = isolated("wallsite")
    conn = store_db.connect(settings.database_url)
    cells = populate(conn, small_city_areas, datetime.now(UTC), devices=600, incidents=3000)
    add_user(conn, "wall_operator", PASSWORD, "operator", "310000", "值班员")
    add_user(conn, "wall_manager_hp", PASSWORD, "manager", HUANGPU, "黄浦区网格长")
    conn.close()
    url = f"http://127.0.0.1:{settings.dashboard_port}"
    with serving(settings, tmp_path_factory.mktemp("wall") / "dashboard.log", "dashboard",
                 health_url=f"{url}/healthz", CITYOPS_DASHBOARD_REFRESH_MS="1500"):
        yield Site(url, settings.database_url, cells)


def open_wall(site: Site, username: str, width: int = 1920, height: int = 1080):
    driver = chrome(width, height)
    # The viewport itself at the wall's resolution (the window would include its frame).
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    login(driver, site.url, username, PASSWORD, "/wall")
    wait_for(driver, "#wall-map .main-svg")
    wait_until(driver, lambda d: d.find_element(By.ID, "wall-value-open_cases").text != "–")
    wait_for(driver, ".wall-ticker-item")
    return driver


def drawn_points(driver, name: str) -> int:
    return driver.execute_script(
        "const g = document.getElementById('wall-map').querySelector('.js-plotly-plot');"
        "const t = g.data.find(t => t.name === arguments[0]);"
        "return t.marker.color.length;", name)


def overflowing_tiles(driver) -> list[str]:
    """Tile texts wider than their tile (the value ran past its box)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('.wall-tile-value, .wall-tile-label')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);")


def device_lines(driver) -> dict[str, int]:
    """The devices the map counts per part (district or street) that has room for its
    count line: {part code: total}."""
    texts, codes = driver.execute_script(
        "const g = document.getElementById('wall-map').querySelector('.js-plotly-plot');"
        "const t = g.data.find(t => t.name === 'devices-parts'); return [t.text, t.customdata];")
    # Each line starts "■ <total>", the total after the first closing tag.
    return {code: int(text.split("</span> ", 1)[1].split()[0].replace(",", ""))
            for text, code in zip(texts, codes, strict=True) if text}


def counted_devices(driver) -> int:
    return sum(device_lines(driver).values())


def test_operator_sees_the_whole_city_offline_without_errors(site) -> None:
    driver = open_wall(site, "wall_operator")
    try:
        assert driver.find_element(By.ID, "wall-place").text == "全市"
        assert drawn_points(driver, "devices") == 0  # the city: counts per district
        assert counted_devices(driver) == 600
        assert driver.find_element(By.CSS_SELECTOR, ".wall-title").text == "一屏观全域"
        wait_until(driver, lambda d: d.find_element(By.ID, "wall-updated").text
                   .startswith("最新数据"))
        first = driver.find_element(By.ID, "wall-clock").text
        wait_until(driver, lambda d: d.find_element(By.ID, "wall-clock").text != first)
        assert overflowing_tiles(driver) == []
        screenshot(driver, "wall-1920x1080")
        assert console_errors(driver) == []
        assert requested_hosts(driver) == {urlsplit(site.url).netloc}
        assert not driver.find_elements(By.CSS_SELECTOR, "#wall-map .mapboxgl-map, "
                                                         "#wall-map .maplibregl-map")
    finally:
        driver.quit()


def test_the_wall_is_legible_on_a_4k_screen(site) -> None:
    driver = open_wall(site, "wall_operator", 3840, 2160)
    try:
        size = driver.execute_script(
            "return parseFloat(getComputedStyle(document.getElementById("
            "'wall-value-open_cases')).fontSize)")
        assert size >= 60  # readable across a room
        assert overflowing_tiles(driver) == []
        screenshot(driver, "wall-3840x2160")
        assert console_errors(driver) == []
    finally:
        driver.quit()


def test_a_district_managers_wall_shows_only_their_district(site) -> None:
    conn = store_db.connect(site.database_url)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM devices WHERE district_code = %s", (HUANGPU,))
        devices = cur.fetchone()[0]
        cur.execute("SELECT name_zh FROM areas WHERE level = 'street' AND district_code <> %s",
                    (HUANGPU,))
        elsewhere = {row[0] for row in cur.fetchall()}
    conn.close()
    driver = open_wall(site, "wall_manager_hp")
    try:
        assert driver.find_element(By.ID, "wall-place").text == "黄浦区"
        # A district: counts per street, for every street with room for its line.
        lines = device_lines(driver)
        assert lines and 0 < sum(lines.values()) <= devices
        conn = store_db.connect(site.database_url)
        with conn.cursor() as cur:
            cur.execute("SELECT street_code, count(*) FROM devices WHERE district_code = %s"
                        " AND lon IS NOT NULL GROUP BY 1", (HUANGPU,))
            assert lines.items() <= dict(cur.fetchall()).items()
        conn.close()
        places = {e.text for e in driver.find_elements(By.CSS_SELECTOR, ".wall-ticker-place")}
        assert places and not places & elsewhere
        assert console_errors(driver) == []
    finally:
        driver.quit()


def test_a_new_case_reaches_the_wall_by_patch(site) -> None:
    driver = open_wall(site, "wall_operator")
    try:
        conn = store_db.connect(site.database_url)
        with conn, conn.cursor() as cur:
            add_case(cur, site.cells[0], datetime.now(UTC), severity="critical",
                     title="路面塌陷（墙面测试）")
        conn.close()
        # Read in one script: the Patch replaces the items while a test would hold them.
        wait_until(driver, lambda d: "路面塌陷（墙面测试）" in d.execute_script(
            "return document.querySelector('.wall-ticker-item').textContent"), timeout=15)
        assert console_errors(driver) == []
    finally:
        driver.quit()
