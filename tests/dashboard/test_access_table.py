"""The page/role table and the reading of callback outputs (pure)."""

import pytest

from dashboard.access import HOME_PAGE, PAGE_ROLES, callback_page, may_call, output_ids


def test_every_role_has_a_home_it_may_open() -> None:
    for role, page in HOME_PAGE.items():
        assert role in PAGE_ROLES[page]


@pytest.mark.parametrize(("output", "ids"), [
    ("wall-map.figure", ["wall-map"]),
    ("..wall-a.children...wall-b.figure..", ["wall-a", "wall-b"]),
    ('{"index":3,"type":"triage-move"}.n_clicks', ["triage-move"]),
    ('..{"index":["ALL"],"type":"worker-accept"}.disabled...worker-msg.children..',
     ["worker-accept", "worker-msg"]),
])
def test_output_ids(output, ids) -> None:
    assert output_ids(output) == ids


@pytest.mark.parametrize(("output", "page"), [
    ("wall-map.figure", "wall"),
    ("_pages_content.children", ""),
    ("..wall-a.children...admin-b.data..", None),   # two pages in one callback: refused
    ("secret-x.data", None),
    ("", None),
    ("{not json}.x", None),
])
def test_callback_page(output, page) -> None:
    assert callback_page(output) == page


def test_may_call_follows_the_table() -> None:
    assert may_call("admin", "admin-users.data")
    assert not may_call("worker", "admin-users.data")
    assert not may_call("admin", "worker-tasks.children")
    assert may_call("worker", "_pages_content.children")
