"""Every published example of the formats CityOps reads (tests/data/formats/README.md) is
decoded into the right readings, or refused for the right reason, before any broker."""

from datetime import UTC, datetime

import pytest

from devices.profiles import default_set
from ingest import formats
from ingest.errors import BadMessage
from ingest.formats import open311
from tests.published_examples import EXPECTED, ExampleRegistry, example, headers

PROFILES = default_set()
REGISTRY = ExampleRegistry()


def decode(path: str):
    return formats.decode_readings(headers(path), example(path), PROFILES, REGISTRY)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_each_example_becomes_its_rows_or_its_reason(path: str) -> None:
    _, outcome = EXPECTED[path]
    if isinstance(outcome, str):
        with pytest.raises(BadMessage) as caught:
            decode(path)
        assert caught.value.reason == outcome
    else:
        assert len(decode(path)) == outcome


def values(path: str) -> dict[tuple[str, str, str], float]:
    return {(r.device_id, r.metric, r.ts.isoformat()): round(r.value, 6) for r in decode(path)}


def test_senml_names_units_and_times_are_the_rfcs() -> None:
    (one,) = decode("senml/5.1.1-single-datapoint.json")
    assert (one.device_id, one.metric, one.value) == ("urn:dev:ow:10e2073a01080063",
                                                      "temperature_c", 23.1)
    timed = values("senml/5.1.2-multiple-datapoints-time.json")
    base = datetime.fromtimestamp(1.276020076001e+09, UTC)
    assert timed[("urn:dev:ow:10e2073a0108006", "voltage_v", base.isoformat())] == 120.1
    # bu "A" applies to the currents; t is relative to bt
    assert timed[("urn:dev:ow:10e2073a0108006", "current_a",
                  datetime.fromtimestamp(1.276020076001e+09 - 5, UTC).isoformat())] == 1.2
    measured = values("senml/5.1.3-multiple-measurements.json")
    assert values("senml/5.1.4-resolved-data.json") == measured  # §5.1.4 resolves §5.1.3
    start = 1.320067464e+09
    device = "urn:dev:ow:10e2073a01080063"
    assert measured[(device, "battery_pct",
                     datetime.fromtimestamp(start + 150, UTC).isoformat())] == 98
    collection = values("senml/5.1.6-collection-of-resources.json")
    at = datetime.fromtimestamp(1.320078429e+09, UTC).isoformat()
    assert collection[("2001:db8::1", "humidity_pct", at)] == 67  # bn of the 3rd, bt of the 1st


def test_smart_data_models_map_through_profile_aliases_and_unit_codes() -> None:
    air = values("ngsi-v2/sdm-AirQualityObserved-normalized.json")
    at = "2016-03-15T11:00:00+00:00"  # NGSI: a time without a zone is UTC
    assert air[("air-madrid-28079004", "no2_ugm3", at)] == 69  # unitCode GQ
    assert air[("air-madrid-28079004", "co_mgm3", at)] == 500  # unitCode GP
    assert air[("air-madrid-28079004", "humidity_pct", at)] == 54  # relativeHumidity 0.54
    lamp = values("ngsi-v2/sdm-Streetlight-normalized.json")
    at = "2021-01-11T10:21:02+00:00"
    assert lamp[("lamp-guadalajara-4567", "lamp_on", at)] == 0  # powerState "off"
    assert lamp[("lamp-guadalajara-4567", "current_a", at)] == 0.25  # SDM current in mA
    assert values("ngsi-ld/sdm-Streetlight-normalized.jsonld") == lamp
    noise = values("ngsi-ld/sdm-NoiseLevelObserved-normalized.jsonld")
    assert noise[("noise-vitoria-1", "laeq_db", "2016-12-28T12:00:00+00:00")] == 67.8
    parking = decode("ngsi-ld/cygnus-notification-offstreetparking.json")
    free = next(r for r in parking if r.metric == "free_spaces")
    assert (free.device_id, free.value, free.ts.isoformat()) == (
        "parking-downtown-1", 122, "2017-07-29T12:05:02+00:00")


def test_thingsboard_gateway_names_devices_by_alias() -> None:
    found = values("thingsboard/gateway-telemetry.json")
    assert found[("tb-device-a", "humidity_pct", "2017-01-01T00:00:01+00:00")] == 82
    assert found[("tb-device-b", "temperature_c", "2017-01-01T00:00:00+00:00")] == 42


def test_open311_as_servers_send_it() -> None:
    with pytest.raises(BadMessage) as caught:  # the spec's own example: "service_code":006
        open311.decode(example("open311/georeport-v2-get-requests.json"))
    assert caught.value.reason == "malformed_json"  # JSON allows no leading zero
    closed, opened = open311.decode(example("open311/georeport-v2-get-requests-code-as-text.json"))
    assert (closed.source_id, opened.source_id) == ("638344", "638349")  # numeric ids
    assert closed.media_url == "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
    assert closed.payload["status"] == "closed" and opened.payload["status"] == "open"
    assert closed.reported_at.isoformat() == "2010-04-14T14:37:38+00:00"
    (single,) = open311.decode(example("open311/georeport-v2-get-request.json").replace(
        b'"service_code":006', b'"service_code":"006"'))
    assert single.source_id == "638344" and single.category == "Sidewalk and Curb Issues"
