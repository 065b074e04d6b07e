"""Logging in through the form in Chromium: each role lands on its page, sees only the pages
it may open, and is refused the others."""

import pytest
from selenium.webdriver.common.by import By

from dashboard.access import HOME_PAGE, PAGE_ROLES
from tests.browser.harness import chrome, console_errors, login, wait_for, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ACCOUNTS = ("admin", "operator", "leader", "manager_hp", "worker_hp")


@pytest.fixture(scope="module")
def driver():
    browser = chrome()
    yield browser
    browser.quit()


@pytest.mark.parametrize("account", ACCOUNTS)
def test_each_role_lands_on_its_page_with_its_nav(driver, dashboard_world, account) -> None:
    # Leave the previous account's page first: the wall polls every few seconds, and a poll
    # sent after the cookies are gone is answered 401, in this account's console.
    driver.get("about:blank")
    console_errors(driver)  # drain what the previous page logged
    driver.delete_all_cookies()
    login(driver, dashboard_world.url, dashboard_world.users[account], dashboard_world.password)
    with dashboard_world.connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT role FROM users WHERE username = %s",
                    (dashboard_world.users[account],))
        role = cur.fetchone()[0]
    home = HOME_PAGE[role]
    assert driver.current_url.endswith(f"/{home}")
    if home != "wall":  # the wall is full screen: no nav bar
        wait_for(driver, "#shell-user")
        shown = {link.get_attribute("id").removeprefix("shell-nav-")
                 for link in driver.find_elements(By.CSS_SELECTOR, ".shell-links a")}
        assert shown == {page for page, roles in PAGE_ROLES.items() if role in roles}
    assert console_errors(driver) == []


def test_a_page_not_for_the_role_shows_the_refusal(driver, dashboard_world) -> None:
    driver.delete_all_cookies()
    login(driver, dashboard_world.url, "worker_hp", dashboard_world.password)
    driver.get(f"{dashboard_world.url}/admin")
    refusal = wait_for(driver, "#shell-denied")
    assert "无权访问" in refusal.text
    assert not driver.find_elements(By.ID, "admin-body")


def test_wrong_password_stays_on_the_login_with_a_message(driver, dashboard_world) -> None:
    driver.delete_all_cookies()
    driver.get(f"{dashboard_world.url}/login")
    driver.find_element(By.ID, "login-username").send_keys("operator")
    driver.find_element(By.ID, "login-password").send_keys("not-the-password")
    driver.find_element(By.ID, "login-submit").click()
    assert "用户名或密码错误" in wait_for(driver, "#login-error").text
    assert driver.get_cookie("cityops_session") is None


def test_logout_ends_the_session(driver, dashboard_world) -> None:
    driver.delete_all_cookies()
    login(driver, dashboard_world.url, "leader", dashboard_world.password)
    wait_for(driver, "#shell-logout").click()
    # Leaving is a form POST now: let it land before going elsewhere, or the next
    # navigation cancels it.
    wait_until(driver, lambda d: "/login" in d.current_url)
    driver.get(f"{dashboard_world.url}/summary")
    assert "/login" in driver.current_url
