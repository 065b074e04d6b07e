"""The simulated device types: what each is, how common it is and how often it reports.

A type maps onto one device kind of the profiles; river and underpass gauges are both
`gauge` devices that behave differently, so the simulator tells them apart. The kinds
below have models of their own (sim/readings.py); any other kind a profile gives a
`share` is simulated from its profile alone (interval, metrics and their typical bands).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from devices.profile import Profile, ProfileSet
from devices.profiles import default_set


@dataclass(frozen=True)
class DeviceType:
    name: str            # the simulator's own name, also the device id prefix
    kind: str            # the catalogue's device kind
    label_zh: str        # how the registry names such a device
    share: float         # of all simulated devices
    interval_s: float    # a real sensor's reporting interval
    metrics: tuple[str, ...]
    # metric -> (low, high, typical low, typical high, 0/1 state), from its profile
    bands: tuple[tuple[str, tuple[float, float, float, float, bool]], ...] = ()

    def band(self, metric: str) -> tuple[float, float, float, float, bool]:
        return dict(self.bands)[metric]

    @property
    def prefix(self) -> str:
        return self.name.replace("_", "-")


# Shares follow what a Chinese city actually installs: lamps and smoke detectors by the
# hundred thousand, bridges and river gauges by the hundred.
MODELLED: tuple[DeviceType, ...] = (
    DeviceType("streetlight", "streetlight", "路灯", 0.36, 300,
               ("lamp_on", "current_a", "voltage_v")),
    DeviceType("manhole", "manhole", "井盖", 0.20, 600,
               ("tilt_deg", "displacement_mm", "water_ingress")),
    DeviceType("smoke_detector", "smoke_detector", "烟感", 0.20, 600,
               ("smoke_dbm", "temperature_c")),
    DeviceType("water_main", "water_main", "供水管网", 0.09, 60, ("pressure_kpa", "flow_m3h")),
    DeviceType("air_station", "air_station", "空气质量站", 0.04, 300,
               ("pm25_ugm3", "pm10_ugm3", "no2_ugm3", "o3_ugm3")),
    DeviceType("bridge", "bridge", "桥梁", 0.03, 60, ("strain_ue", "vibration_mms")),
    DeviceType("river_gauge", "gauge", "河道水位计", 0.04, 300, ("level_m",)),
    DeviceType("underpass_gauge", "gauge", "下立交积水监测", 0.04, 120, ("level_m",)),
)



def _bands(profile: Profile) -> tuple:
    found = []
    for m in profile.metrics:
        low, high = m.typical or (m.low + 0.3 * (m.high - m.low), m.low + 0.5 * (m.high - m.low))
        found.append((m.name, (m.low, m.high, low, high, m.boolean)))
    return tuple(found)


def types_for(profiles: ProfileSet) -> tuple[DeviceType, ...]:
    """The modelled types whose kind the profiles have, then one type for each other kind
    with a `share`; shares are scaled to add up to one."""
    found = [replace(t, bands=_bands(profiles.profiles[t.kind]))
             for t in MODELLED if t.kind in profiles.profiles]
    modelled = {t.kind for t in found}
    found += [DeviceType(p.kind, p.kind, p.name_zh, p.share, p.interval_s, p.metric_names(),
                         _bands(p))
              for p in profiles.profiles.values() if p.share > 0 and p.kind not in modelled]
    total = sum(t.share for t in found)
    return tuple(replace(t, share=t.share / total) for t in found)


# The packaged profiles' types: the simulator's unless it is given the profiles in force.
TYPES: tuple[DeviceType, ...] = types_for(default_set())
BY_NAME: dict[str, DeviceType] = {t.name: t for t in TYPES}


def counts(total: int, types: tuple[DeviceType, ...] = TYPES) -> list[int]:
    """How many devices of each type make `total`, every type at least one when it fits."""
    raw = [max(1, round(total * t.share)) if total >= len(types) else 0 for t in types]
    if total < len(types):
        raw = [1 if i < total else 0 for i in range(len(types))]
    raw[0] += total - sum(raw)  # streetlights absorb the rounding
    return raw


def natural_rate(total: int, types: tuple[DeviceType, ...] = TYPES) -> float:
    """Messages per second that `total` devices send at their real reporting intervals."""
    return sum(n / t.interval_s for n, t in zip(counts(total, types), types, strict=True))
