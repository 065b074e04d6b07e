"""Strings built to break things, in a case's title and its citizen's report, are shown as
the text they are: no script runs, no markup is made, the words are on the screen."""

import json
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By

from tests.browser.harness import act, chrome, console_errors, login, wait_for, wait_until
from tests.fuzz.hostile import hostile_strings

pytestmark = [pytest.mark.integration, pytest.mark.browser]

# Payloads that set a marker if any page ever runs them.
TRAPS = {"script tag": "<script>window.__owned = 1</script>",
         "img onerror": '<img src=x onerror="window.__owned = 2">',
         "svg onload": '"><svg onload="window.__owned = 3">'}
SHOWN = {**TRAPS, **{name: text for name, text in hostile_strings().items()
                     if name in ("sql drop table", "template braces", "html attribute break")}}


@pytest.fixture(scope="module")
def hostile_case(dashboard_world) -> Iterator[int]:
    """A new 黄浦 case whose title is a trap and whose source report holds them all."""
    description = "\n".join(SHOWN.values())
    conn = dashboard_world.connect()
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO incidents (source, source_id, category, description, "
                    "reporter_name, district_code, reported_at) VALUES ('hotline', "
                    "'hostile-1', '其他', %s, %s, '310101', now())",
                    (description, TRAPS["img onerror"]))
        cur.execute("INSERT INTO alerts (fingerprint, kind, title, description, severity, "
                    "district_code, labels) VALUES ('hostile-1', 'incident', %s, %s, 'major', "
                    "'310101', %s) RETURNING id",
                    (TRAPS["script tag"], description,
                     json.dumps({"detail": {"source_id": "hostile-1"}})))
        case_id = cur.fetchone()[0]
        cur.execute("INSERT INTO alert_events (alert_id, actor, action, to_state) "
                    "VALUES (%s, 'system', 'open', 'new')", (case_id,))
    conn.close()
    yield case_id
    # Off the queue afterwards, so later tests (and the triage screenshot) on this shared
    # world open an ordinary case.
    conn = dashboard_world.connect()
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE alerts SET state = 'rejected', closed_at = now() WHERE id = %s",
                    (case_id,))
        cur.execute("INSERT INTO alert_events (alert_id, actor, action, to_state) "
                    "VALUES (%s, 'system', 'reject', 'rejected')", (case_id,))
    conn.close()


def _click_title(driver, case_id: int) -> bool:
    """Click the case's title in the queue, found and clicked at once (rows redraw)."""
    for row in driver.find_elements(By.CSS_SELECTOR, "#triage-queue .ag-row"):
        if row.find_element(By.CSS_SELECTOR, "[col-id='id']").text == str(case_id):
            row.find_element(By.CSS_SELECTOR, "[col-id='title']").click()
            return True
    return False


def test_hostile_text_is_shown_escaped_in_the_triage_console(dashboard_world,
                                                              hostile_case) -> None:
    driver = chrome()
    try:
        login(driver, dashboard_world.url, dashboard_world.users["manager_hp"],
              dashboard_world.password, target="/triage")
        wait_for(driver, "#triage-queue .ag-center-cols-container .ag-row")
        act(driver, lambda d: _click_title(d, hostile_case))
        detail = wait_until(driver, lambda d: (
            d.find_element(By.ID, "triage-detail").text
            if f"#{hostile_case}" in d.find_element(By.ID, "triage-detail").text else None))
        wait_for(driver, "#triage-sources")
        page = driver.find_element(By.TAG_NAME, "body").text
        assert TRAPS["script tag"] in detail   # the title, as written
        for text in SHOWN.values():
            assert text in page, text
        assert driver.execute_script("return window.__owned") is None
        # No element was made from the text: markup stays text.
        assert not driver.find_elements(By.CSS_SELECTOR, "#triage-detail svg[onload], "
                                                         "#triage-detail img[onerror]")
        assert console_errors(driver) == []
    finally:
        driver.quit()
