"""Good messages pass ingest's own decoders and checks; broken ones fail for the stated reason."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from devices.profiles import default_set
from ingest import formats
from ingest.errors import BadMessage
from ingest.validate import TimeWindow, check_incident, check_readings
from sim.kinds import TYPES

PROFILES = default_set()
METRICS = PROFILES.metrics

WINDOW = TimeWindow(timedelta(days=90))


def decode(m):
    """ingest's decode and database-free checks, as its pipeline runs them."""
    now = datetime.fromtimestamp(m.t, UTC)
    if m.topic == "readings":
        records = formats.decode_readings(m.headers, m.value, PROFILES)
        check_readings(records, WINDOW, now, METRICS)
        return records
    decoder = formats.incident_decoder(m.headers, m.value)
    if decoder is formats.open311.decode:
        records = decoder(m.value, source=formats.header(m.headers, "source"))
    else:
        records = decoder(m.value)
    for incident in records:
        check_incident(incident, WINDOW, now)
    return records


def test_good_messages_are_accepted_with_catalogue_metrics(stream) -> None:
    seen = Counter()
    for m in stream:
        if m.topic == "truth" or m.malformed:
            continue
        for record in decode(m):
            if m.topic == "readings":
                kind = next(t for t in TYPES if m.key.decode().startswith(t.prefix + "-")).kind
                assert kind in PROFILES.kinds_of(record.metric)
                assert record.device_id == m.key.decode()
                seen[record.metric] += 1
            else:
                assert record.lon is not None and record.address
    # every metric a simulated type reports is exercised
    assert set(seen) == {m for t in TYPES for m in t.metrics}


def test_incidents_carry_categories_people_and_chinese_text(stream) -> None:
    incidents = [r for m in stream if m.topic == "incidents" and not m.malformed
                 for r in decode(m)]
    assert {i.source for i in incidents} == {"hotline", "patrol", "sensor"}
    assert {"市容环境", "公用设施", "街面秩序", "房屋土地"} <= {i.category for i in incidents}
    callers = [i for i in incidents if i.source == "hotline"]
    assert all(len(i.reporter_phone) == 11 and i.reporter_phone.startswith("1")
               for i in callers)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in i.description) for i in incidents)


@pytest.mark.parametrize("topic", ["readings", "incidents"])
def test_broken_messages_fail_for_their_reason(stream, topic) -> None:
    reasons = Counter()
    for m in stream:
        if m.topic != topic or not m.malformed:
            continue
        if m.malformed == "outside_city":  # needs the city's outline: checked by ingest
            assert decode(m)[0].lat > 35
            continue
        with pytest.raises(BadMessage) as caught:
            decode(m)
        assert caught.value.reason == m.malformed
        reasons[m.malformed] += 1
    assert len(reasons) >= 2
