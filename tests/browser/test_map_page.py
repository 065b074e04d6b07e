"""The desk map in headless Chromium: a 黄浦 manager opens /map at their district, switches a
layer off (its traces leave the plot) and on, clicks a street's name on the map and lands
in that street (the breadcrumb says so), all without a console error and without a request
to any host but the dashboard's own. Screenshot: docs/screenshots/map-1920x1080.png."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.browser.harness import (
    act,
    chrome,
    click_text,
    console_errors,
    login,
    requested_hosts,
    screenshot,
    wait_for,
    wait_for_text,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.browser]

STREET = "南京东路街道"


def _traces(driver, layer: str) -> list:
    """`visible` of each drawn trace of a layer, as plotly holds it."""
    return driver.execute_script(
        "const g = document.querySelector('#map-figure .js-plotly-plot');"
        "return g._fullData.filter(t => t.name === arguments[0] ||"
        " t.name.startsWith(arguments[0] + '-')).map(t => t.visible);", layer)


def _lines(driver) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, "#map-figure .scatterlayer .trace"))


def _layer_box(driver, layer: str):
    return driver.find_element(By.CSS_SELECTOR, f"#map-layers input[value='{layer}']")


def _trail(driver) -> list[str]:
    # Read in one script: the trail is redrawn by callbacks, and an element found first
    # and read later may be gone by then (a stale element).
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#map-trail .map-crumb'))"
        ".map(e => e.innerText.trim());")


@pytest.fixture
def driver(dashboard_world):
    browser = chrome(1920, 1080)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    login(browser, dashboard_world.url, dashboard_world.users["manager_hp"],
          dashboard_world.password, "/map")
    wait_for(browser, "#map-figure .main-svg")
    wait_for_text(browser, "#map-figure .textpoint text")
    yield browser
    browser.quit()


def _click_street_label(driver) -> bool:
    """Click the street's name on the map, found and clicked in one step (the map redraws)."""
    label = next((e for e in driver.find_elements(By.CSS_SELECTOR, "#map-figure .textpoint text")
                  if e.text == STREET), None)
    if label is None:
        return False
    ActionChains(driver).move_to_element(label).pause(0.3).click().perform()
    return True


def test_a_managers_map_switches_layers_and_opens_a_street(driver, dashboard_world) -> None:
    assert _trail(driver) == ["黄浦区"]
    names = {e.text for e in driver.find_elements(By.CSS_SELECTOR, "#map-parts button")}
    assert STREET in names and not any(n.startswith("静安") for n in names)
    screenshot(driver, "map-1920x1080")
    assert driver.execute_script("return [innerWidth, innerHeight]") == [1920, 1080]

    before, shaded = _lines(driver), _traces(driver, "cells")
    assert _traces(driver, "boundaries") == [True, True, True]
    act(driver, lambda d: _layer_box(d, "boundaries").click() or True)
    wait_until(driver, lambda d: _traces(d, "boundaries") == [False, False, False])
    wait_until(driver, lambda d: _lines(d) == before - 3)
    assert _traces(driver, "cells") == shaded and any(shaded)  # the others stay
    act(driver, lambda d: _layer_box(d, "boundaries").click() or True)
    wait_until(driver, lambda d: _lines(d) == before)

    act(driver, _click_street_label)
    wait_until(driver, lambda d: _trail(d) == ["黄浦区", STREET])
    wait_for_text(driver, "#map-figure .textpoint text")
    parts = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#map-parts button")]
    assert parts and all(p.startswith("南京东路") for p in parts)

    # Back up by the breadcrumb, then down again by a name in the list.
    act(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#map-trail button").click() or True)
    wait_until(driver, lambda d: _trail(d) == ["黄浦区"])
    click_text(driver, "#map-parts button", "外滩街道")
    wait_until(driver, lambda d: _trail(d) == ["黄浦区", "外滩街道"])

    assert console_errors(driver) == []
    assert requested_hosts(driver) == {urlsplit(dashboard_world.url).netloc}
