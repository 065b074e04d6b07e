"""Injected problems with their ground truth, so detection can be scored.

Each anomaly changes the stream (a value held past a threshold, a value climbing fast,
a device gone silent, a burst of complaints, one broken manhole cover seen by its
sensor, a caller and a patrol) and ends with a label naming the messages that show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.incidents import BY_SUBCATEGORY, Reports, iso
from sim.lane import WHOLE, Lane
from sim.placement import Devices

SHARES = {"threshold_breach": 0.32, "rapid_rise": 0.2, "device_offline": 0.2,
          "complaint_cluster": 0.16, "multi_source": 0.12}
# type: (metric, level held during a breach)
BREACH = {"manhole": ("tilt_deg", 25.0), "smoke_detector": ("smoke_dbm", 6.0),
          "water_main": ("pressure_kpa", 110.0), "underpass_gauge": ("level_m", 0.45),
          "river_gauge": ("level_m", 4.8), "air_station": ("pm25_ugm3", 260.0),
          "bridge": ("vibration_mms", 35.0), "streetlight": ("current_a", 3.5)}
# type: (metric, rise over the anomaly)
RISE = {"river_gauge": ("level_m", 1.8), "underpass_gauge": ("level_m", 0.6),
        "smoke_detector": ("temperature_c", 60.0), "air_station": ("pm25_ugm3", 200.0),
        "water_main": ("flow_m3h", 600.0)}
CLUSTER_SUBCATEGORIES = ("暴露垃圾", "施工扰民", "占道经营", "路面积水", "非法小广告")
MINUTE = 60.0


@dataclass
class Anomaly:
    label_id: str
    kind: str
    start: float
    end: float
    device: int | None = None
    metric: str | None = None
    change: float = 0.0          # the held level, or the total rise
    refs: list[str] = field(default_factory=list)
    detail: dict = field(default_factory=dict)

    def saw(self, ref: str, when: float) -> None:
        """A message of the anomaly's device went out."""
        if self.kind == "device_offline":
            if when < self.start:  # the tick began before the silence did
                self.refs[:] = [ref]
        elif self.metric and self.start <= when <= self.end:
            self.refs.append(ref)

    def override(self, t: np.ndarray, value: np.ndarray) -> np.ndarray:
        inside = (t >= self.start) & (t <= self.end)
        if self.kind == "rapid_rise":
            progress = np.clip((t - self.start) / (self.end - self.start), 0, 1)
            return np.where(inside, value + self.change * progress, value)
        return np.where(inside, self.change, value)


class Injector:
    """Starts anomalies, bends the readings of their devices and writes their labels."""

    def __init__(self, devices: Devices, reports: Reports, intervals: np.ndarray,
                 seed: int, lane: Lane = WHOLE) -> None:
        self.devices = devices
        self.lane = lane
        self.reports = reports
        self.intervals = intervals
        self.seed = seed
        self.active: dict[int, Anomaly] = {}
        self.count = 0
        self.types = devices.types
        self.by_type = {i: np.flatnonzero(devices.type_index == i)
                        for i in range(len(self.types))}

    def start(self, rng: np.random.Generator, t: float, schedule, last_ref: dict) -> None:
        """Begin one anomaly at t; incidents and the label go to `schedule(t, what, item)`."""
        kind = str(rng.choice(list(SHARES), p=list(SHARES.values())))
        self.count += 1
        label = f"GT-{self.seed}-{self.lane.number(self.count):06d}"
        if kind == "complaint_cluster":
            anomaly = self._cluster(rng, label, t, schedule)
        elif kind == "multi_source":
            anomaly = self._broken_cover(rng, label, t, schedule)
        else:
            anomaly = self._on_device(rng, label, kind, t, last_ref)
        if anomaly is not None:
            schedule(anomaly.end + 1.0, "label", anomaly)

    def _idle_device(self, rng: np.random.Generator, candidates: np.ndarray) -> int | None:
        for device in rng.choice(candidates, size=min(5, len(candidates)), replace=False):
            if int(device) not in self.active:
                return int(device)
        return None

    def _on_device(self, rng: np.random.Generator, label: str, kind: str, t: float,
                   last_ref: dict) -> Anomaly | None:
        table = RISE if kind == "rapid_rise" else BREACH
        types = [i for i, k in enumerate(self.types)
                 if k.name in table and len(self.by_type[i])]
        type_index = int(rng.choice(types))
        device = self._idle_device(rng, self.by_type[type_index])
        if device is None or (kind == "device_offline" and device not in last_ref):
            return None
        metric, change = table.get(self.types[type_index].name, (None, 0.0))
        minutes = {"threshold_breach": (5, 20), "rapid_rise": (10, 30),
                   "device_offline": (10, 40)}[kind]
        duration = max(rng.uniform(*minutes) * MINUTE, 3.5 * self.intervals[device])
        anomaly = Anomaly(label, kind, t, t + duration, device,
                          None if kind == "device_offline" else metric, change)
        if kind == "device_offline":
            anomaly.refs.append(last_ref[device])  # the last word before the silence
        self.active[device] = anomaly
        return anomaly

    def _cluster(self, rng: np.random.Generator, label: str, t: float, schedule) -> Anomaly:
        category = BY_SUBCATEGORY[str(rng.choice(CLUSTER_SUBCATEGORIES))]
        cell = self.reports.where(rng, t)
        times = t + np.sort(rng.uniform(0, 45 * MINUTE, int(rng.integers(3, 7))))
        anomaly = Anomaly(label, "complaint_cluster", t, float(times[-1]))
        for when in times:
            doc = self.reports.report(rng, float(when), "hotline", category, cell)
            anomaly.refs.append(f"hotline:{doc['source_id']}")
            schedule(float(when), "incident", doc)
        anomaly.detail = {"grid_code": str(self.reports.cells.codes[cell]),
                          "category": category.category, "subcategory": category.subcategory}
        return anomaly

    def _broken_cover(self, rng: np.random.Generator, label: str, t: float,
                      schedule) -> Anomaly | None:
        manholes = self.by_type.get(next((i for i, k in enumerate(self.types)
                                          if k.name == "manhole"), -1), np.array([], int))
        device = self._idle_device(rng, manholes) if len(manholes) else None
        if device is None:
            return None
        cell = int(self.devices.cell[device])
        spot = (float(self.devices.lon[device]), float(self.devices.lat[device]))
        category = BY_SUBCATEGORY["井盖破损"]
        times = {source: t + rng.uniform(low, high) * MINUTE
                 for source, (low, high) in (("sensor", (1, 3)), ("hotline", (5, 20)),
                                             ("patrol", (10, 40)))}
        end = max(t + max(rng.uniform(30, 90) * MINUTE, 3.5 * self.intervals[device]),
                  *times.values())
        anomaly = Anomaly(label, "multi_source", t, end, device, "tilt_deg", 25.0)
        for source, when in times.items():
            near = (spot[0] + rng.normal(0, 0.0002), spot[1] + rng.normal(0, 0.0002))
            doc = self.reports.report(rng, when, source, category, cell,
                                      spot if source == "sensor" else near)
            anomaly.refs.append(f"{source}:{doc['source_id']}")
            schedule(when, "incident", doc)
        anomaly.detail = {"grid_code": str(self.reports.cells.codes[cell]),
                          "category": category.category, "subcategory": category.subcategory}
        self.active[device] = anomaly
        return anomaly

    def finish(self, anomaly: Anomaly) -> dict:
        """The ground-truth label, once every message it names has been sent."""
        if self.active.get(anomaly.device) is anomaly:
            del self.active[anomaly.device]
        device = None if anomaly.device is None else self.devices.ids[anomaly.device]
        if device is not None:
            cell = self.devices.cell[anomaly.device]
            anomaly.detail.setdefault("grid_code", str(self.reports.cells.codes[cell]))
        return {"label_id": anomaly.label_id, "kind": anomaly.kind,
                "start": iso(anomaly.start, "milliseconds"),
                "end": iso(anomaly.end, "milliseconds"), "device": device,
                "metric": anomaly.metric, **anomaly.detail, "refs": anomaly.refs}
