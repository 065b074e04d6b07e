"""Debian's Chromium driven by Selenium through Debian's chromedriver, for the page tests.

Headless with the flags the team agreed on; browser console and network logs on, so tests
can assert "no console errors" and "no request left the machine".
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def chrome(width: int = 1920, height: int = 1080, *, mobile: bool = False) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    if mobile:
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0,
                              "touch": True}})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    return driver


def wait_for(driver: webdriver.Chrome, css: str, timeout: float = 20):
    """The first element matching `css` once it is visible."""
    return WebDriverWait(driver, timeout).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css)))


def wait_for_text(driver: webdriver.Chrome, css: str, timeout: float = 20) -> None:
    """Until an element matching `css` shows some text (a map's names: its count lines
    may be drawn empty where they do not fit, and an empty text is not visible)."""
    wait_until(driver, lambda d: any(e.text.strip() for e in
                                     d.find_elements(By.CSS_SELECTOR, css)), timeout)


# A Dash page redraws parts of itself whenever a callback answers: an element found a
# moment ago may be gone (stale), not there yet, or covered while it moves. Each of these
# means "not yet", so the predicate is asked again instead of failing the test.
NOT_YET = (StaleElementReferenceException, NoSuchElementException,
           ElementClickInterceptedException, ElementNotInteractableException)


def wait_until(driver: webdriver.Chrome, predicate, timeout: float = 20, step: float = 0.2):
    """`predicate(driver)` once it is truthy; polled (the step is a poll, not a wait)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate(driver)
        except NOT_YET:
            value = None
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout} s")


def act(driver: webdriver.Chrome, action, timeout: float = 20):
    """Find and act in one step, again until it goes through.

    `action(driver)` finds its element and acts on it (click, type) and returns something
    truthy; done in two steps, the page can redraw between the find and the act.
    """
    return wait_until(driver, action, timeout)


def click_text(driver: webdriver.Chrome, css: str, text: str, timeout: float = 20) -> None:
    """Click the element matching `css` whose text is `text`, found and clicked at once."""
    def press(d):
        element = next((e for e in d.find_elements(By.CSS_SELECTOR, css) if e.text == text),
                       None)
        if element is None:
            return False
        element.click()
        return True
    act(driver, press, timeout)


def login(driver: webdriver.Chrome, base_url: str, username: str, password: str,
          target: str = "/") -> None:
    """Log in through the form, then open `target`; returns once its page has rendered."""
    driver.get(f"{base_url}/login?next={target}")
    driver.find_element(By.ID, "login-username").send_keys(username)
    driver.find_element(By.ID, "login-password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    wait_until(driver, lambda d: "/login" not in d.current_url)


def session_cookie(driver: webdriver.Chrome) -> str:
    return driver.get_cookie("cityops_session")["value"]


def console_errors(driver: webdriver.Chrome) -> list[str]:
    """SEVERE console entries since the last call (the log is drained by reading)."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE"]


def requested_hosts(driver: webdriver.Chrome) -> set[str]:
    """Hosts of every request the page made since the last call (performance log)."""
    hosts = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.startswith(("http://", "https://", "ws://", "wss://")):
                hosts.add(urlsplit(url).netloc)
    return hosts


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    """Save the viewport as docs/screenshots/<name>.png (kept in the repository)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(target))
    return target
