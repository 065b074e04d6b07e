"""Decoders and steps on their own: examples decode right, every bad message is refused
with its reason. The device registry and the city are small stand-ins built here."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.enrich import IncidentPlacer
from ingest.errors import BadMessage
from ingest.formats import native, open311, senml
from ingest.pipeline import IncidentSteps, ReadingSteps
from ingest.validate import TimeWindow
from tests.bad_messages import KNOWN_DEVICE, corpus

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "formats"
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


class Registry:
    """Stands in for DeviceCheck: knows one device."""

    registry = None  # no aliases: decoders see ids as they are

    def check(self, readings) -> None:
        for r in readings:
            if r.device_id != KNOWN_DEVICE:
                raise BadMessage("unknown_device", r.device_id)


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def test_native_reading_example() -> None:
    rows = native.decode_readings(example("native-reading.json"))
    assert {(r.device_id, r.metric, r.value) for r in rows} == {
        ("streetlight-00042", "lamp_on", 1.0), ("streetlight-00042", "current_a", 0.42),
        ("streetlight-00042", "voltage_v", 221.5)}
    assert rows[0].ts == datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def test_senml_example_resolves_base_fields() -> None:
    rows = senml.decode(example("senml-pack.json"))
    got = [(r.device_id, r.metric, r.value, int(r.ts.timestamp())) for r in rows]
    assert got == [("air_station-00007", "pm25_ugm3", 38.5, 1795586400),
                   ("air_station-00007", "pm10_ugm3", 61.0, 1795586400),
                   ("air_station-00007", "no2_ugm3", 29.4, 1795586460),
                   ("manhole-00313", "water_ingress", 1.0, 1795586400)]


def test_senml_relative_time_counts_from_now() -> None:
    pack = json.dumps([{"bn": "gauge-1/", "n": "level_m", "v": 2.0, "t": -30}]).encode()
    (row,) = senml.decode(pack, now=NOW.timestamp())
    assert row.ts == NOW - timedelta(seconds=30)
    assert (row.device_id, row.metric) == ("gauge-1", "level_m")


def test_native_incident_example() -> None:
    (incident,) = native.decode_incident(example("native-incident.json"))
    assert (incident.source, incident.source_id) == ("hotline", "12345-20261125-000981")
    assert incident.reporter_phone == "13812345678" and incident.subcategory == "井盖破损"
    assert incident.reported_at == datetime(2026, 11, 24, 22, 12, tzinfo=UTC)


def test_open311_example_maps_service_code() -> None:
    (incident,) = open311.decode(example("open311-request.json"), source="patrol")
    assert (incident.source, incident.category, incident.subcategory) == (
        "patrol", "街面秩序", "占道经营")
    assert incident.reporter_name == "李建国"
    assert (incident.lon, incident.lat) == (121.4737, 31.2304)


def test_schemas_are_json_and_name_required_fields() -> None:
    reading = json.loads(example("native-reading.schema.json"))
    incident = json.loads(example("native-incident.schema.json"))
    assert reading["required"] == ["device", "ts", "values"]
    assert incident["required"] == ["source", "source_id", "reported_at"]


@pytest.fixture(scope="module")
def steps(small_city):
    from geo.addresses import AddressBook
    from geo.assignment import Assigner
    window = TimeWindow(timedelta(days=90))
    placer = IncidentPlacer(Assigner.from_areas(small_city), AddressBook(small_city))
    return {"readings": ReadingSteps(window, Registry(), clock=lambda: NOW),
            "incidents": IncidentSteps(window, placer, clock=lambda: NOW)}


@pytest.fixture(scope="module")
def small_city():
    """Two real districts of the demo city (黄浦, 静安), built in memory."""
    from geo.demo import build_demo
    return build_demo(seed=1, districts=["310101", "310106"], cell_size_m=1000)


def test_the_corpus_is_big_and_varied() -> None:
    bad = corpus(NOW)
    assert len(bad) >= 40
    assert len({b.reason for b in bad}) >= 25
    assert len({b.name for b in bad}) == len(bad)


@pytest.mark.parametrize("bad", corpus(NOW), ids=lambda b: b.name)
def test_every_bad_message_is_refused_with_its_reason(steps, bad) -> None:
    with pytest.raises(BadMessage) as err:
        steps[bad.stream](list(bad.headers), bad.value)
    assert err.value.reason == bad.reason, err.value.detail


def test_a_good_incident_is_placed_in_its_grid(steps) -> None:
    doc = {"source": "patrol", "source_id": "p-1", "reported_at": NOW.isoformat(),
           "lon": 121.4737, "lat": 31.2304}
    (incident,) = steps["incidents"]([], json.dumps(doc).encode())
    assert incident.district_code == "310101"
    assert incident.grid_code and incident.grid_code.startswith(incident.street_code)


def test_an_address_only_incident_is_placed_approximately(steps) -> None:
    doc = {"source": "hotline", "source_id": "h-1", "reported_at": NOW.isoformat(),
           "address": "上海市黄浦区南京东路街道某小区"}
    (incident,) = steps["incidents"]([], json.dumps(doc, ensure_ascii=False).encode())
    assert incident.location_approx is True
    assert incident.street_code is not None and incident.district_code == "310101"
