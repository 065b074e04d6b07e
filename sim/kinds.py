"""The simulated device types: what each is, how common it is and how often it reports.

A type maps onto one device kind of the metric catalogue; river and underpass gauges
are both `gauge` devices that behave differently, so the simulator tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceType:
    name: str            # the simulator's own name, also the device id prefix
    kind: str            # the catalogue's device kind
    label_zh: str        # how the registry names such a device
    share: float         # of all simulated devices
    interval_s: float    # a real sensor's reporting interval
    metrics: tuple[str, ...]

    @property
    def prefix(self) -> str:
        return self.name.replace("_", "-")


# Shares follow what a Chinese city actually installs: lamps and smoke detectors by the
# hundred thousand, bridges and river gauges by the hundred.
TYPES: tuple[DeviceType, ...] = (
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

BY_NAME: dict[str, DeviceType] = {t.name: t for t in TYPES}


def counts(total: int) -> list[int]:
    """How many devices of each type make `total`, every type at least one when it fits."""
    raw = [max(1, round(total * t.share)) if total >= len(TYPES) else 0 for t in TYPES]
    if total < len(TYPES):
        raw = [1 if i < total else 0 for i in range(len(TYPES))]
    raw[0] += total - sum(raw)  # streetlights absorb the rounding
    return raw


def natural_rate(total: int) -> float:
    """Messages per second that `total` devices send at their real reporting intervals."""
    return sum(n / t.interval_s for n, t in zip(counts(total), TYPES, strict=True))
