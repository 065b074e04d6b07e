"""Properties of the decoders, checked by Hypothesis over values it builds and shrinks:
whatever JSON arrives, ingest's steps give valid records or a documented dead-letter
reason; whatever text an incident carries, it is kept exactly or refused with a reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.enrich import IncidentPlacer
from ingest.errors import BadMessage
from ingest.pipeline import IncidentSteps, ReadingSteps
from tests.fuzz.check import check_incidents, check_readings, documented_reasons
from tests.fuzz.corpus import DEVICES
from tests.fuzz.targets import WINDOW, KnownDevices

REASONS = documented_reasons()
READINGS = ReadingSteps(WINDOW, KnownDevices())
INCIDENTS = IncidentSteps(WINDOW, IncidentPlacer(None, None))
FAST = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                           max_leaves=20)


def _reason_or_rows(steps, headers: list, value: bytes) -> list | None:
    try:
        return steps(headers, value)
    except BadMessage as bad:
        assert bad.reason in REASONS, bad
        return None


@FAST
@given(json_values, st.sampled_from([[], [("format", b"native")], [("format", b"senml")]]))
def test_any_json_reading_is_valid_or_refused(doc, headers) -> None:
    value = json.dumps(doc, allow_nan=True).encode()
    rows = _reason_or_rows(READINGS, headers, value)
    if rows is not None:
        check_readings(rows, WINDOW, datetime.now(UTC))


reading_docs = st.fixed_dictionaries({
    "device": st.sampled_from(DEVICES) | st.text(max_size=70),
    "ts": st.floats() | st.integers() | st.datetimes(timezones=st.timezones()).map(str),
    "values": st.dictionaries(st.text(max_size=20), scalars, max_size=5)})


@FAST
@given(reading_docs)
def test_any_native_reading_is_valid_or_refused(doc) -> None:
    rows = _reason_or_rows(READINGS, [], json.dumps(doc, allow_nan=True).encode())
    if rows is not None:
        check_readings(rows, WINDOW, datetime.now(UTC))


@FAST
@given(json_values, st.sampled_from([[], [("format", b"native")], [("format", b"open311")]]))
def test_any_json_incident_is_valid_or_refused(doc, headers) -> None:
    value = json.dumps(doc, allow_nan=True).encode()
    rows = _reason_or_rows(INCIDENTS, headers, value)
    if rows is not None:
        check_incidents(rows, WINDOW, datetime.now(UTC))


@FAST
@given(st.text(max_size=200), st.sampled_from(["description", "category", "address"]),
       st.booleans())
def test_any_incident_text_is_kept_exactly_or_refused(text, field, ascii_only) -> None:
    now = datetime.now(UTC) - timedelta(minutes=1)
    doc = {"source": "patrol", "source_id": "prop-1", "reported_at": now.isoformat(),
           "lon": 121.47, "lat": 31.23, field: text}
    value = json.dumps(doc, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    rows = _reason_or_rows(INCIDENTS, [], value)
    if rows is None:  # refused: only text that breaks a documented rule
        assert "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text) \
            or len(text) > 64, text
        return
    check_incidents(rows, WINDOW, datetime.now(UTC))
    assert getattr(rows[0], field) == (text or None)
