"""Every page, for every role it is for, renders in Chromium without a console error; and
in English no string of the Chinese catalogue is left on the screen."""

import re

import pytest
from selenium.webdriver.common.by import By

from dashboard.access import PAGE_ROLES
from dashboard.i18n import catalogue
from sim.incidents import CATEGORIES
from tests.browser.harness import chrome, console_errors, login, wait_for, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ACCOUNT_OF_ROLE = {"admin": "admin", "operator": "operator", "leader": "leader",
                   "manager": "manager_hp", "worker": "worker_hp", "unit": "unit_road"}
CASES = [(page, role) for page, roles in PAGE_ROLES.items() for role in sorted(roles)]


@pytest.fixture(scope="module")
def driver():
    browser = chrome()
    yield browser
    browser.quit()


def _open(driver, world, page: str, role: str, language: str = "zh-CN") -> str:
    driver.delete_all_cookies()
    driver.get(f"{world.url}/login")
    driver.add_cookie({"name": "cityops_lang", "value": language, "path": "/"})
    login(driver, world.url, world.users[ACCOUNT_OF_ROLE[role]], world.password,
          target=f"/{page}")
    wait_for(driver, f".page-{page}")
    # Rendered: the page's callbacks have run once nothing is loading any more.
    wait_until(driver, lambda d: not d.find_elements(By.CSS_SELECTOR,
                                                     "[data-dash-is-loading='true']"))
    return driver.find_element(By.TAG_NAME, "body").text


@pytest.mark.parametrize(("page", "role"), CASES)
def test_page_renders_without_console_errors(driver, dashboard_world, page, role) -> None:
    text = _open(driver, dashboard_world, page, role)
    assert not driver.find_elements(By.ID, "shell-denied")
    assert text.strip()
    assert console_errors(driver) == []


def _chinese_ui_strings() -> set[str]:
    """Chinese catalogue strings that differ in English, less the words that are also case
    data (a category named 其他 is the city's record, not interface text)."""
    chinese, english = catalogue("zh-CN"), catalogue("en")
    data = {c.category for c in CATEGORIES} | {c.subcategory for c in CATEGORIES}
    return {text for key, text in chinese.items()
            if re.search(r"[\u4e00-\u9fff]", text) and english.get(key) != text
            and "{" not in text and len(text) >= 2 and text not in data}


def test_catalogues_have_the_same_keys() -> None:
    assert set(catalogue("zh-CN")) == set(catalogue("en"))


@pytest.mark.parametrize("page", list(PAGE_ROLES))
def test_english_switch_leaves_no_chinese_interface_string(driver, dashboard_world,
                                                           page) -> None:
    role = sorted(PAGE_ROLES[page])[0]
    text = _open(driver, dashboard_world, page, role, language="en")
    # Data (case titles, names, addresses) stays as recorded; interface strings may not.
    # A catalogue string counts only as a whole line or cell, never inside data.
    shown = {line.strip() for line in text.splitlines()}
    left = sorted(_chinese_ui_strings() & shown)
    assert left == [], f"Chinese interface strings on the English {page} page: {left}"
    assert console_errors(driver) == []
