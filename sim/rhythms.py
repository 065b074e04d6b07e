"""Daily rhythms of a city, as shares of their daily peak, by local hour (Shanghai, UTC+8).

Every function takes an array (or scalar) of epoch seconds, so a tick's devices are
computed together.
"""

from __future__ import annotations

import numpy as np

UTC_OFFSET_S = 8 * 3600


def local_hour(t: np.ndarray | float) -> np.ndarray:
    return ((np.asarray(t, dtype=float) + UTC_OFFSET_S) % 86400) / 3600


def local_weekday(t: np.ndarray | float) -> np.ndarray:
    """0 for Monday to 6 for Sunday, in local time (1970-01-01 was a Thursday)."""
    return ((np.asarray(t, dtype=float) + UTC_OFFSET_S) // 86400 + 3) % 7


def _bump(hour: np.ndarray, centre: float, width: float) -> np.ndarray:
    # Distance around the clock, so a bump at 23h also lifts 1h.
    d = (hour - centre + 12) % 24 - 12
    return np.exp(-0.5 * (d / width) ** 2)


def traffic(t: np.ndarray | float) -> np.ndarray:
    """Road traffic: morning and evening rush hours, quiet nights."""
    h = local_hour(t)
    return np.clip(0.08 + 0.85 * _bump(h, 8.3, 1.3) + 0.9 * _bump(h, 18.0, 1.6)
                   + 0.45 * _bump(h, 13.0, 3.5), 0, 1)


def water_demand(t: np.ndarray | float) -> np.ndarray:
    """Household water use: breakfast and evening peaks, a trough before dawn."""
    h = local_hour(t)
    return np.clip(0.15 + 0.75 * _bump(h, 7.5, 1.5) + 0.85 * _bump(h, 19.5, 2.0)
                   + 0.3 * _bump(h, 12.0, 2.0), 0, 1)


def sunshine(t: np.ndarray | float) -> np.ndarray:
    """Sun and warmth: peaks early afternoon."""
    return _bump(local_hour(t), 14.0, 3.0)


def darkness(t: np.ndarray | float, offset_h: np.ndarray | float = 0.0) -> np.ndarray:
    """1 between dusk and dawn (18:00-06:00, shifted per lamp by its photocell), else 0."""
    h = (local_hour(t) - offset_h) % 24
    return ((h >= 18.0) | (h < 6.0)).astype(float)


def tide(t: np.ndarray | float) -> np.ndarray:
    """The Huangpu river is tidal: a semi-diurnal swing of -1..1 (12.42 h period)."""
    return np.sin(2 * np.pi * np.asarray(t, dtype=float) / (12.42 * 3600))


def calls(t: np.ndarray | float) -> np.ndarray:
    """12345 calls and patrol reports: office hours with an evening tail, little at night."""
    h = local_hour(t)
    return np.clip(0.05 + 0.9 * _bump(h, 10.0, 2.0) + 0.8 * _bump(h, 15.0, 2.2)
                   + 0.45 * _bump(h, 20.0, 1.5), 0, 1)


CALLS_MEAN = float(np.mean(calls(np.arange(0, 86400, 60) - UTC_OFFSET_S)))
