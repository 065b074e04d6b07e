"""The published examples of the formats CityOps reads (tests/data/formats/, sources in its
README), the devices they name as a city would register them, and what each becomes."""

from __future__ import annotations

from pathlib import Path

from store.device_registry import Device

FOLDER = Path(__file__).resolve().parent / "data" / "formats"

# device id, kind, aliases: the names the examples use for them.
DEVICES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("urn:dev:ow:10e2073a01080063", "air_station", ()),
    ("urn:dev:ow:10e2073a0108006", "streetlight", ()),
    ("2001:db8::1", "air_station", ()), ("2001:db8::2", "air_station", ()),
    ("2001:db8::3", "streetlight", ()), ("2001:db8::4", "streetlight", ()),
    ("room-1", "air_station", ("Room1",)),
    ("air-madrid-28079004", "air_station", (
        "Madrid-AmbientObserved-28079004-2016-03-15T11:00:00",
        "urn:ngsi-ld:AirQualityObserved:Madrid-AmbientObserved-28079004-2016-03-15T11:00:00")),
    ("lamp-guadalajara-4567", "streetlight", (
        "streetlight:guadalajara:4567", "urn:ngsi-ld:Streetlight:streetlight:guadalajara:4567")),
    ("water-sevilla-d1", "water_quality", (
        "waterqualityobserved:Sevilla:D1",
        "urn:ngsi-ld:WaterQualityObserved:waterqualityobserved:Sevilla:D1")),
    ("noise-vitoria-1", "noise_monitor", (
        "Vitoria-NoiseLevelObserved-2016-12-28T11:00:00_2016-12-28T12:00:00",
        "urn:ngsi-ld:NoiseLevelObserved:Vitoria-NoiseLevelObserved-2016-12-28T11:00:00_2016-12-28T12:00:00")),
    ("parking-downtown-1", "parking_lot", ("urn:ngsi:ld:OffStreetParking:Downtown1",)),
    ("tb-device-a", "air_station", ("Device A",)),
    ("tb-device-b", "air_station", ("Device B",)),
    ("tb-sensor-1", "smoke_detector", ()),
)


class ExampleRegistry:
    """The examples' devices, looked up as ingest's registry looks them up (no database)."""

    def __init__(self) -> None:
        self.known: dict[str, Device] = {}
        for device_id, kind, aliases in DEVICES:
            device = Device(device_id, kind, None, None, None, None, None, None, None)
            for name in (device_id, *aliases):
                self.known[name] = device

    def device(self, name: str) -> Device | None:
        return self.known.get(name)

    def first(self, names) -> tuple[str, Device] | None:
        return next(((n, self.known[n]) for n in names if n in self.known), None)

    def canonical(self, name: str) -> str | None:
        found = self.known.get(name)
        return found.device_id if found else None


def example(path: str) -> bytes:
    return (FOLDER / path).read_bytes()


# path -> (format header, readings stored) or (format header, dead-letter reason).
THINGSBOARD_DEVICE = "tb-sensor-1"
EXPECTED: dict[str, tuple[str | None, int | str]] = {
    "senml/5.1.1-single-datapoint.json": (None, 1),
    # voltage is not an air station's metric (the same URN is an air station in §5.1.1)
    "senml/5.1.2-multiple-datapoints.json": (None, "unknown_metric"),
    "senml/5.1.2-multiple-datapoints-time.json": (None, 7),
    "senml/5.1.3-multiple-measurements.json": (None, 5),  # lon/lat: a position, skipped
    "senml/5.1.4-resolved-data.json": (None, 5),
    "senml/5.1.5-multiple-data-types.json": (None, "unsupported_value"),  # vs, vd
    "senml/5.1.6-collection-of-resources.json": (None, 4),
    "senml/5.1.7-setting-an-actuator.json": (None, "unknown_metric"),  # heat, fan: set points
    "senml/5.1.7-lights-on.json": (None, 2),
    "senml/5.1.7-lights-off.json": (None, 4),
    "ngsi-v2/orion-notification-normalized.json": (None, 2),
    "ngsi-v2/orion-notification-keyvalues.json": (None, 2),
    "ngsi-v2/orion-notification-simplified-normalized.json": ("ngsi-v2", 2),
    "ngsi-v2/orion-notification-simplified-keyvalues.json": ("ngsi-v2", 2),
    "ngsi-v2/orion-notification-values.json": (None, "unsupported_format"),
    "ngsi-v2/sdm-AirQualityObserved-normalized.json": ("ngsi-v2", 5),
    "ngsi-v2/sdm-AirQualityObserved-keyvalues.json": ("ngsi-v2", 4),  # no2 is "co2" there
    "ngsi-v2/sdm-Streetlight-normalized.json": ("ngsi-v2", 3),
    "ngsi-v2/sdm-Streetlight-keyvalues.json": ("ngsi-v2", 3),
    "ngsi-v2/sdm-WaterQualityObserved-normalized.json": ("ngsi-v2", 5),
    "ngsi-v2/sdm-WaterQualityObserved-keyvalues.json": ("ngsi-v2", 5),
    "ngsi-v2/sdm-NoiseLevelObserved-normalized.json": ("ngsi-v2", 2),
    "ngsi-v2/sdm-NoiseLevelObserved-keyvalues.json": ("ngsi-v2", 2),
    "ngsi-ld/cygnus-notification-offstreetparking.json": (None, 2),
    "ngsi-ld/sdm-AirQualityObserved-normalized.jsonld": (None, 5),
    "ngsi-ld/sdm-Streetlight-normalized.jsonld": ("ngsi-ld", 3),
    "ngsi-ld/sdm-WaterQualityObserved-normalized.jsonld": ("ngsi-ld", 5),
    "ngsi-ld/sdm-NoiseLevelObserved-normalized.jsonld": ("ngsi-ld", 2),
    "thingsboard/device-telemetry-temperature.json": ("thingsboard", 1),
    "thingsboard/telemetry-data-as-object.json": ("thingsboard", "unknown_metric"),
    "thingsboard/telemetry-data-as-array.json": ("thingsboard", "unknown_metric"),
    "thingsboard/telemetry-data-with-ts.json": ("thingsboard", "unknown_metric"),
    "thingsboard/gateway-telemetry.json": ("thingsboard-gateway", 6),
}


def headers(path: str) -> list[tuple[str, bytes]]:
    named, _ = EXPECTED[path]
    found = [("format", named.encode())] if named else []
    if named == "thingsboard":
        found.append(("device", THINGSBOARD_DEVICE.encode()))
    return found
