"""Identifier patterns match the whole text: a trailing newline is not part of an id.

`^...$` with `re.match` accepts "dev1\\n" ($ matches before a final newline). With
CITYOPS_UNKNOWN_DEVICE=register such an id was registered and broke the COPY text of the
next batch: ingest refused the batch for its content and replayed it forever (issue 13).
"""

from __future__ import annotations

import pytest

from alerts.dispatch.schedule import ScheduleError, parse_span
from dashboard.admin.people_rows import USERNAME
from ingest.errors import BadMessage
from ingest.formats.common import device_id, metric_name
from store.partitions import _NAME as PARTITION_NAME


@pytest.mark.parametrize("bad", ["dev1\n", "dev1\r\n", "\ndev1"])
def test_ingest_refuses_a_device_id_with_a_line_break(bad: str) -> None:
    with pytest.raises(BadMessage):
        device_id(bad)


def test_ingest_refuses_a_metric_name_with_a_line_break() -> None:
    with pytest.raises(BadMessage):
        metric_name("pm25\n")
    assert metric_name("pm25") == "pm25"


def test_usernames_and_partition_names_match_whole() -> None:
    assert USERNAME.fullmatch("wang.li") and not USERNAME.fullmatch("wang.li\n")
    assert not PARTITION_NAME.fullmatch("readings_p20261204\n")


def test_a_shift_clock_with_a_line_break_is_refused() -> None:
    with pytest.raises(ScheduleError):
        parse_span("08:00\n", "17:00")
