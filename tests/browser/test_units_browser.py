"""Units in the browser (issue #16), on a city whose units, responsibility list and staff the
demo's own seed wrote: a street desk blows the whistle on the triage console, choosing the
lead unit and a co-unit; the co-unit's staff see the case in their task view on a phone
and report in."""

from __future__ import annotations

import itertools

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from alerts.cases.moves import NewCase, open_case, transition
from alerts.dispatch.assign import dispatch
from cityops.stream import kafka_client
from geo import store as geo_store
from sim.seed import seed_city
from sim.seed import units as seed_units
from sim.seed.grid import read_cells
from store import db as store_db
from tests.browser.harness import (
    act,
    chrome,
    console_errors,
    login,
    screenshot,
    wait_for,
    wait_until,
)
from tests.process import serving

pytestmark = [pytest.mark.integration, pytest.mark.browser]

SERIAL = itertools.count(1)


class UnitsWorld:
    def __init__(self, settings, password: str, url: str, cases: dict[str, int]) -> None:
        self.settings, self.password, self.url, self.cases = settings, password, url, cases

    def one(self, sql: str, params: tuple):
        conn = store_db.connect(self.settings.database_url)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()


def _cases(conn, settings, cells) -> dict[str, int]:
    """A confirmed case in the street desk's street, and one the list sends to the roads
    bureau (which unit_road then sees in its tasks)."""
    street = seed_units.accounts(cells)[1][2]
    i = list(cells.street).index(street)
    place = {"grid_code": cells.codes[i], "community_code": cells.community[i],
             "street_code": street, "district_code": cells.district[i]}
    made = {}
    for key, category, major, title in (
            ("whistle", "违章搭建", "房屋土地", "某小区违章搭建占用消防通道"),
            ("routed", "道路破损", "道路交通", "人行道地砖破损")):
        alert_id = open_case(conn, NewCase(fingerprint=f"ub|{next(SERIAL)}", kind="incident",
                                           title=title, category=category,
                                           labels={"incident_category": major}, **place),
                             actor="test")
        transition(conn, alert_id, "confirm", "operator", "operator", 1)
        made[key] = alert_id
    producer = kafka_client.producer(settings)
    try:
        dispatch(conn, producer, made["routed"], "manager_hp", "manager", 2,
                 topic=settings.topic("dispatch"))
    finally:
        producer.close()
    return made


@pytest.fixture(scope="module")
def units_world(isolated, small_city_areas, tmp_path_factory):
    settings = isolated("units_browser")
    conn = store_db.connect(settings.database_url)
    geo_store.write_areas(conn, small_city_areas)
    report = seed_city(conn, devices_count=200, readings_devices=0, open_cases=20,
                       incidents_24h=200)
    cells = read_cells(conn)
    seed_units.write(conn, cells, report.password)
    cases = _cases(conn, settings, cells)
    conn.close()
    url = f"http://127.0.0.1:{settings.dashboard_port}"
    with serving(settings, tmp_path_factory.mktemp("units") / "dashboard.log", "dashboard",
                 health_url=f"{url}/healthz"):
        yield UnitsWorld(settings, report.password, url, cases)


def _choose(driver, dropdown_id: str, text: str) -> None:
    """Pick the option whose label holds `text`: done once the dropdown shows it as its
    value (clicked again from the start if the panel redrew meanwhile)."""
    def attempt(d) -> bool:
        chosen = d.find_elements(By.CSS_SELECTOR, f"#{dropdown_id} .dash-dropdown-value")
        hint = d.find_elements(By.CSS_SELECTOR, f"#{dropdown_id} .dash-dropdown-placeholder")
        if chosen and text in chosen[0].text and not hint:  # a value, not the placeholder
            return True
        options = [o for o in d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
                   if text in o.text]
        if options:
            options[0].click()
            d.switch_to.active_element.send_keys(Keys.ESCAPE)
        else:
            d.find_element(By.ID, dropdown_id).click()
        return False

    act(driver, attempt)


def _open_case(driver, case_id: int) -> bool:
    for row in driver.find_elements(By.CSS_SELECTOR,
                                    "#triage-queue .ag-center-cols-container .ag-row"):
        if row.find_element(By.CSS_SELECTOR, "[col-id='id']").text == str(case_id):
            row.find_element(By.CSS_SELECTOR, "[col-id='title']").click()
            return True
    return False


def test_a_street_desk_blows_the_whistle_on_the_console(units_world) -> None:
    driver = chrome(1920, 1080)
    try:
        login(driver, units_world.url, "desk_street", units_world.password, "/triage")
        wait_for(driver, "#triage-queue .ag-center-cols-container .ag-row")
        case_id = units_world.cases["whistle"]
        act(driver, lambda d: _open_case(d, case_id) or None)
        wait_until(driver, lambda d: any(b.text == "吹哨" for b in
                                         d.find_elements(By.CSS_SELECTOR, ".triage-move")))
        _choose(driver, "triage-unit", "房屋管理局")
        _choose(driver, "triage-co-units", "路政管理所")
        driver.find_element(By.ID, "triage-note").send_keys("违建占用消防通道，需联合处置")
        screenshot(driver, "triage-whistle-1920x1080")
        next(b for b in driver.find_elements(By.CSS_SELECTOR, ".triage-move")
             if b.text == "吹哨").click()
        shown = wait_for(driver, "#triage-message-text").text
        assert shown.startswith("已吹哨"), shown
        parts = dict(units_world.one("SELECT part, unit_code FROM case_units WHERE alert_id = %s "
                                     "ORDER BY part", (case_id,)))
        assert parts["lead"].endswith("-HOUSE") and parts["co"].endswith("-ROAD")
        assert console_errors(driver) == []
    finally:
        driver.quit()


def test_a_units_staff_see_their_tasks_and_report_in(units_world) -> None:
    whistled = units_world.cases["whistle"]  # the whistle of the test above called ROAD
    phone = chrome(390, 844, mobile=True)
    try:
        login(phone, units_world.url, "unit_road", units_world.password, "/worker")
        wait_for(phone, "#worker-list")
        shown = {int(c.get_attribute("id").removeprefix("worker-task-"))
                 for c in phone.find_elements(By.CSS_SELECTOR, "article.worker-task")}
        assert units_world.cases["routed"] in shown
        own_units = {row[0] for row in units_world.one(
            "SELECT a.id FROM alerts a WHERE a.unit_code LIKE %s OR a.id IN "
            "(SELECT alert_id FROM case_units WHERE unit_code LIKE %s)", ("%-ROAD", "%-ROAD"))}
        assert shown <= own_units
        assert phone.find_element(By.TAG_NAME, "h1").text == "单位任务"
        assert whistled in shown
        card = phone.find_element(By.ID, f"worker-task-{whistled}")
        card.find_element(By.CSS_SELECTOR, "button.worker-report_in").click()
        wait_until(phone, lambda d: "已报到" in d.find_element(By.ID, "worker-message").text)
        assert units_world.one("SELECT reported_by FROM case_units WHERE alert_id = %s AND "
                               "unit_code LIKE %s", (whistled, "%-ROAD")) == [("unit_road",)]
        phone.execute_script("window.scrollTo(0, 0)")
        screenshot(phone, "unit-tasks-390x844")
        assert console_errors(phone) == []
    finally:
        phone.quit()


def test_an_admin_edits_the_responsibility_list_on_the_admin_page(units_world) -> None:
    driver = chrome(1920, 1080)
    try:
        login(driver, units_world.url, "admin", units_world.password, "/admin?tab=units")
        wait_for(driver, "#admin-units-duties")
        before = units_world.one("SELECT count(*) FROM responsibilities", ())[0][0]
        wait_for(driver, "#admin-units-load").click()
        wait_until(driver, lambda d: "responsibilities:" in d.find_element(
            By.ID, "admin-units-text").get_attribute("value"))
        editor = driver.find_element(By.ID, "admin-units-text")
        editor.send_keys(Keys.CONTROL, Keys.END)
        editor.send_keys("\n- {category: 宣传广告, subtype: '*', area: '310101', "
                         "unit: 310101-GREEN}\n")
        driver.find_element(By.ID, "admin-units-check").click()
        wait_for(driver, "#admin-units-valid")
        screenshot(driver, "admin-units-1920x1080")
        driver.find_element(By.ID, "admin-units-save").click()
        wait_for(driver, "#admin-units-saved")
        assert units_world.one("SELECT count(*) FROM responsibilities", ())[0][0] == before + 1
        assert units_world.one(
            "SELECT actor, object_id FROM admin_events WHERE object_kind = 'responsibility'",
            ()) == [("admin:admin", "宣传广告/*/310101")]
        assert console_errors(driver) == []
    finally:
        driver.quit()
