"""Halving a refused batch finds each refused message and stores every other row once."""

from __future__ import annotations

import psycopg2
import pytest

from ingest.poison import isolate, refused_for_content


class _Refusal(psycopg2.DataError):
    pgcode = "22P02"


def _writer(stored: list):
    def write(rows: list) -> int:
        if any(r < 0 for r in rows):
            raise _Refusal("negative")
        stored.extend(rows)
        return len(rows)
    return write


def test_each_refused_message_is_found_and_the_rest_is_stored_in_order() -> None:
    rows = [1, 2, -3, 4, 5, 6, -7, -8, 9]
    parts = [(f"m{i}", i, i + 1) for i in range(len(rows))]
    stored: list = []
    count, refused = isolate(_writer(stored), rows, parts)
    assert stored == [1, 2, 4, 5, 6, 9] and count == 6
    assert sorted(r.message for r in refused) == ["m2", "m6", "m7"]


def test_a_message_with_several_rows_goes_whole() -> None:
    rows = [1, 2, 3, -4, 5]
    parts = [("a", 0, 2), ("b", 2, 4), ("c", 4, 5)]
    stored: list = []
    _, refused = isolate(_writer(stored), rows, parts)
    assert stored == [1, 2, 5] and [r.message for r in refused] == ["b"]


@pytest.mark.parametrize(("pgcode", "content"), [
    ("22P02", True),   # invalid text representation
    ("23514", True),   # check violation
    ("54000", True),   # program limit exceeded: psycopg2 calls it an OperationalError
    ("08006", False),  # connection failure
    ("42501", False),  # insufficient privilege: wait for the grant, never dead-letter
    ("57P01", False),  # admin shutdown
    (None, False),     # a connection lost before any answer
])
def test_only_content_classes_count_as_poison(pgcode, content) -> None:
    # pgcode is read-only on instances; a subclass states it as the server would.
    exc = type("Answer", (psycopg2.OperationalError,), {"pgcode": pgcode})("x")
    assert refused_for_content(exc) is content
