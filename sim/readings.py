"""What each device measures at an instant: rhythm, weather, its own bias, drift and noise.

Values stay inside the metric catalogue's physical ranges: out-of-range readings are
the malformed messages' business, not a healthy sensor's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim import rhythms, weather
from sim.kinds import DeviceType
from sim.lane import WHOLE, Lane
from sim.placement import Devices

Values = dict[str, np.ndarray]
STUCK_SHARE = 0.005  # devices whose value freezes at some point of the run


class Behaviour:
    """Per-device character (bias, size, drift, when it gets stuck) drawn from the seed."""

    def __init__(self, devices: Devices, seed: int, start: float, lane: Lane = WHOLE) -> None:
        rng = np.random.default_rng(lane.entropy(seed, 202))  # the weather keeps `seed`
        n = len(devices.ids)
        self.seed = seed
        self.bias = rng.standard_normal(n)
        self.size = rng.uniform(0.5, 1.5, n)
        self.photocell_h = rng.uniform(-0.3, 0.3, n)
        self.drift_per_day = rng.normal(0, 0.01, n)
        self.low_lying = rng.random(n) < 0.25
        stuck = rng.random(n) < STUCK_SHARE
        self.stuck_from = np.where(stuck, start + rng.uniform(0, 2 * 86400, n), np.inf)
        self.stuck_value: dict[tuple[int, str], float] = {}
        self.start = start
        self.types = devices.types

    def values(self, type_index: int, idx: np.ndarray, t: np.ndarray,
               rng: np.random.Generator) -> Values:
        """Readings of the devices `idx` (all of one type) at their times `t`."""
        kind = self.types[type_index]
        noise = lambda: rng.standard_normal(len(idx))  # noqa: E731 - a local shorthand
        model = MODELS.get(kind.name)
        found = model(self, idx, t, noise) if model else _from_profile(self, kind, idx, noise)
        drift = 1 + self.drift_per_day[idx] * (t - self.start) / 86400
        for metric, value in found.items():
            low, high, _, _, state = kind.band(metric)
            found[metric] = np.clip(value if state else value * drift, low, high)
        self._freeze(idx, t, found)
        return found

    def _freeze(self, idx: np.ndarray, t: np.ndarray, found: Values) -> None:
        stuck = np.flatnonzero(t >= self.stuck_from[idx])
        for row in stuck:  # a handful at most: a Python loop is fine
            for metric, value in found.items():
                key = (int(idx[row]), metric)
                value[row] = self.stuck_value.setdefault(key, float(value[row]))


Noise = Callable[[], np.ndarray]


def _streetlight(b: Behaviour, idx: np.ndarray, t: np.ndarray, noise: Noise) -> Values:
    on = rhythms.darkness(t, b.photocell_h[idx])
    load = rhythms.traffic(t)  # the grid sags when the city cooks and commutes
    return {"lamp_on": on,
            "current_a": on * (0.75 + 0.1 * b.size[idx] + 0.02 * noise()) + 0.01,
            "voltage_v": 228 - 6 * load + 1.5 * b.bias[idx] + 0.8 * noise()}


def _manhole(b: Behaviour, idx: np.ndarray, t: np.ndarray, noise: Noise) -> Values:
    wet = weather.rain(b.seed, t) * b.low_lying[idx] > 0.5
    return {"tilt_deg": np.abs(0.4 + 0.15 * b.bias[idx] + 0.05 * noise()),
            "displacement_mm": np.abs(1.0 + 0.3 * b.bias[idx] + 0.1 * noise()),
            "water_ingress": wet.astype(float)}


def _smoke(b: Behaviour, idx: np.ndarray, t: np.ndarray, noise: Noise) -> Values:
    return {"smoke_dbm": np.abs(0.02 + 0.01 * noise()),
            "temperature_c": 17 + 6 * rhythms.sunshine(t) + 1.5 * b.bias[idx] + 0.2 * noise()}


def _water_main(b: Behaviour, idx: np.ndarray, t: np.ndarray, noise: Noise) -> Values:
    demand = rhythms.water_demand(t)
    return {"pressure_kpa": 360 - 70 * demand + 12 * b.bias[idx] + 3 * noise(),
            "flow_m3h": 240 * b.size[idx] * (0.25 + demand) * (1 + 0.03 * noise())}


def _air(b: Behaviour, idx: np.ndarray, t: np.ndarray, noise: Noise) -> Values:
    traffic = rhythms.traffic(t)
    washed = 1 - 0.45 * np.clip(weather.rain(b.seed, t), 0, 1)  # rain clears the air
    pm25 = (28 + 26 * traffic + 6 * b.bias[idx]) * washed * (1 + 0.06 * noise())
    return {"pm25_ugm3": pm25, "pm10_ugm3": pm25 * (1.6 + 0.05 * noise()),
            "no2_ugm3": (18 + 42 * traffic + 4 * b.bias[idx]) * (1 + 0.05 * noise()),
            "o3_ugm3": 25 + 95 * rhythms.sunshine(t) * washed + 3 * noise()}


def _bridge(b: Behaviour, idx: np.ndarray, t: np.ndarray, noise: Noise) -> Values:
    traffic = rhythms.traffic(t)
    return {"strain_ue": 180 * b.size[idx] + 160 * traffic + 40 * rhythms.sunshine(t)
            + 8 * noise(),
            "vibration_mms": np.abs(0.3 + 2.6 * traffic * b.size[idx] + 0.15 * noise())}


def _river(b: Behaviour, idx: np.ndarray, t: np.ndarray, noise: Noise) -> Values:
    return {"level_m": 2.9 + 0.25 * b.bias[idx] + 0.35 * rhythms.tide(t)
            + 1.3 * weather.runoff(b.seed, t) + 0.01 * noise()}


def _underpass(b: Behaviour, idx: np.ndarray, t: np.ndarray, noise: Noise) -> Values:
    pooled = np.clip(weather.rain(b.seed, t) - 0.15, 0, None) * 0.5 * b.size[idx]
    return {"level_m": np.abs(0.01 + pooled + 0.004 * noise())}


def _from_profile(b: Behaviour, kind: DeviceType, idx: np.ndarray, noise: Noise) -> Values:
    """A kind with no model of its own: each metric inside its profile's typical band, each
    device a little off the middle, with noise; 0/1 states are mostly 0 (all quiet)."""
    found = {}
    for metric in kind.metrics:
        _, _, low, high, state = kind.band(metric)
        if state:
            found[metric] = (0.02 * noise() > 0.05).astype(float)
            continue
        middle, half = (low + high) / 2, (high - low) / 2
        found[metric] = middle + half * (0.4 * np.tanh(b.bias[idx]) + 0.1 * noise())
    return found


MODELS: dict[str, Callable[..., Values]] = {
    "streetlight": _streetlight, "manhole": _manhole, "smoke_detector": _smoke,
    "water_main": _water_main, "air_station": _air, "bridge": _bridge,
    "river_gauge": _river, "underpass_gauge": _underpass,
}
