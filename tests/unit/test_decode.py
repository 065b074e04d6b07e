import json
from datetime import UTC, datetime, timedelta

import pytest

from ingest.decode import BadMessage, decode_native

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
AGE = timedelta(days=90)


def msg(**doc) -> bytes:
    return json.dumps(doc).encode()


def test_one_message_gives_one_reading_per_metric() -> None:
    rows = decode_native(msg(device="SL-1", ts="2026-11-25T07:59:00Z",
                             values={"current_a": 0.4, "voltage_v": 220}), NOW, AGE)
    assert [(r.device_id, r.metric, r.value) for r in rows] == [
        ("SL-1", "current_a", 0.4), ("SL-1", "voltage_v", 220.0)]
    assert rows[0].ts == datetime(2026, 11, 25, 7, 59, tzinfo=UTC)


def test_epoch_seconds_are_accepted() -> None:
    rows = decode_native(msg(device="A", ts=NOW.timestamp() - 5, values={"x": 1}), NOW, AGE)
    assert rows[0].ts == NOW - timedelta(seconds=5)


@pytest.mark.parametrize(("raw", "reason"), [
    (None, "empty"),
    (b"{not json", "malformed_json"),
    (b"\xff\xfe", "invalid_utf8"),
    (b"[1, 2]", "wrong_type"),
    (msg(ts="2026-11-25T07:59:00Z", values={"x": 1}), "bad_device"),
    (msg(device="bad id\n", ts="2026-11-25T07:59:00Z", values={"x": 1}), "bad_device"),
    (msg(device="A", ts="yesterday", values={"x": 1}), "bad_timestamp"),
    (msg(device="A", ts="2026-11-25T07:59:00", values={"x": 1}), "bad_timestamp"),
    (msg(device="A", ts="2027-01-01T00:00:00Z", values={"x": 1}), "ts_in_future"),
    (msg(device="A", ts="2020-01-01T00:00:00Z", values={"x": 1}), "ts_too_old"),
    (msg(device="A", ts="2026-11-25T07:59:00Z"), "missing_values"),
    (msg(device="A", ts="2026-11-25T07:59:00Z", values={"Bad Metric": 1}), "bad_metric"),
    (msg(device="A", ts="2026-11-25T07:59:00Z", values={"x": "1"}), "bad_value"),
    (msg(device="A", ts="2026-11-25T07:59:00Z", values={"x": True}), "bad_value"),
    (b'{"device": "A", "ts": "2026-11-25T07:59:00Z", "values": {"x": NaN}}', "bad_value"),
    (b'{"device": "A", "ts": "2026-11-25T07:59:00Z", "values": {"x": Infinity}}', "bad_value"),
    (b"x" * 70_000, "oversized"),
])
def test_bad_messages_are_refused_with_a_reason(raw: bytes | None, reason: str) -> None:
    with pytest.raises(BadMessage) as err:
        decode_native(raw, NOW, AGE)
    assert err.value.reason == reason
