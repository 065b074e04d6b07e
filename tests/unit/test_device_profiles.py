"""Device profiles: files read with every problem at its line, the packaged set, and names
and units resolved through aliases and Pint."""

import pytest

from devices.profile import ProfileError
from devices.profiles import ProfileProblems, default_set, load_texts
from devices.units import UnitError, conversion

GOOD = """\
kind: noise_monitor
name: {zh: 噪声监测, en: Noise monitor}
interval: 1m
offline_after: 5m
symbol: {shape: circle, colour: "#ffaa00"}
metrics:
  - name: laeq_db
    unit: dB
    range: [20, 140]
    aggregate: mean
    aliases:
      - {name: LAeq, unit: dB, origin: sdm}
"""


def problems(text: str, name: str = "bad.yaml") -> list[str]:
    with pytest.raises(ProfileProblems) as caught:
        load_texts({"base.yaml": GOOD, name: text} if name != "base.yaml" else {name: text})
    return [str(p) for p in caught.value.problems]


def test_the_packaged_set_holds_the_old_catalogue() -> None:
    profiles = default_set()
    assert {"streetlight", "manhole", "smoke_detector", "water_main", "air_station", "bridge",
            "gauge"} <= set(profiles.kinds)
    spec = profiles.metric("pressure_kpa")
    assert (spec.kind, spec.unit, spec.low, spec.high) == ("water_main", "kPa", 0, 2500)
    assert profiles.kinds_of("temperature_c") == {"smoke_detector", "air_station", "water_quality"}
    assert profiles.profile("streetlight").offline_after_s == 1200


def test_every_problem_is_reported_at_its_line() -> None:
    text = GOOD.replace("interval: 1m", "interval: 10m").replace("unit: dB\n", "unit: decibelz\n")
    text = text.replace("aggregate: mean", "aggregate: median\n    colour: red")
    found = problems(text.replace("noise_monitor", "noise2"))
    assert any(p.startswith("bad.yaml:4: offline_after") for p in found), found
    assert any(p.startswith("bad.yaml:8:") and "decibelz" in p for p in found), found
    assert any(p.startswith("bad.yaml:10:") and "aggregate" in p for p in found), found
    assert any(p.startswith("bad.yaml:11:") and "'colour'" in p for p in found), found


def test_a_kind_twice_and_a_metric_meaning_two_things_are_refused() -> None:
    assert any("already defined" in p for p in problems(GOOD, "again.yaml"))
    other = GOOD.replace("noise_monitor", "street_noise").replace("[20, 140]", "[0, 200]")
    assert any("laeq_db" in p and "another name" in p for p in problems(other))


def test_an_alias_in_a_unit_of_another_dimension_is_refused() -> None:
    text = GOOD.replace("noise_monitor", "noise2").replace("laeq_db", "laeq2_db").replace(
        "{name: LAeq, unit: dB, origin: sdm}", "{name: LAeq2, unit: m, origin: sdm}")
    assert any("LAeq2" in p for p in problems(text))


def test_broken_yaml_says_where() -> None:
    assert problems("kind: [oops\n")[0].startswith("bad.yaml:")


def test_names_and_units_resolve_to_the_canonical_metric() -> None:
    profiles = default_set()
    current = profiles.resolve("current", "mA")
    assert current.metric == "current_a" and current.convert(420) == pytest.approx(0.42)
    assert profiles.resolve("pressure_kpa", "MPa").convert(0.35) == pytest.approx(350)
    assert profiles.resolve("relativeHumidity").convert(0.8) == pytest.approx(80)  # SDM 0..1
    lamp = profiles.resolve("powerState")
    assert lamp.metric == "lamp_on" and lamp.values["on"] == 1
    assert profiles.resolve("temperature", "Cel", kind="smoke_detector").metric == "temperature_c"
    with pytest.raises(ProfileError) as caught:
        profiles.resolve("voltage", "A")
    assert caught.value.reason == "bad_unit"
    with pytest.raises(ProfileError) as caught:
        profiles.resolve("radon")
    assert caught.value.reason == "unknown_metric"


def test_pint_converts_multiples_and_offsets() -> None:
    assert conversion("mm", "m")(1500) == pytest.approx(1.5)
    assert conversion("degF", "Cel")(212) == pytest.approx(100)
    assert conversion("m3/s", "m3/h")(1) == pytest.approx(3600)
    with pytest.raises(UnitError):
        conversion("kPa", "A")
