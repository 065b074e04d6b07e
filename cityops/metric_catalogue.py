"""The metrics CityOps understands: which device kind reports them, their unit and the
physical range a real sensor can produce. A value outside the range is a broken sensor or
a broken message, never a reading, so ingest refuses it before it reaches the store.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    name: str
    kind: str
    unit: str
    low: float
    high: float


METRICS: dict[str, Metric] = {m.name: m for m in [
    Metric("lamp_on", "streetlight", "1", 0, 1),
    Metric("current_a", "streetlight", "A", 0, 20),
    Metric("voltage_v", "streetlight", "V", 0, 300),
    Metric("tilt_deg", "manhole", "deg", 0, 90),
    Metric("displacement_mm", "manhole", "mm", 0, 500),
    Metric("water_ingress", "manhole", "1", 0, 1),
    Metric("strain_ue", "bridge", "ue", -5000, 5000),
    Metric("vibration_mms", "bridge", "mm/s", 0, 500),
    Metric("pressure_kpa", "water_main", "kPa", 0, 2500),
    Metric("flow_m3h", "water_main", "m3/h", 0, 10000),
    Metric("level_m", "gauge", "m", -10, 30),
    Metric("pm25_ugm3", "air_station", "ug/m3", 0, 1000),
    Metric("pm10_ugm3", "air_station", "ug/m3", 0, 2000),
    Metric("no2_ugm3", "air_station", "ug/m3", 0, 2000),
    Metric("o3_ugm3", "air_station", "ug/m3", 0, 1000),
    Metric("smoke_dbm", "smoke_detector", "dB/m", 0, 20),
    Metric("temperature_c", "smoke_detector", "Cel", -50, 200),
]}
