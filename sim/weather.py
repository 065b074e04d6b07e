"""Rain over the simulated city, the one weather that moves its sensors together.

Rain episodes are drawn per calendar day from the seed, so any instant can be asked
about in any order and the answer never changes. Underpasses flood while it rains;
rivers rise later and fall slowly, as the drains empty into them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

DAY_S = 86400


@lru_cache(maxsize=64)
def episodes(seed: int, day: int) -> tuple[tuple[float, float, float], ...]:
    """(centre epoch seconds, width seconds, peak 0..1) of the rain showers of one day."""
    rng = np.random.default_rng([seed, 7919, day])
    showers = []
    for _ in range(int(rng.poisson(0.9))):
        centre = day * DAY_S + rng.uniform(0, DAY_S)
        showers.append((centre, rng.uniform(0.5, 2.5) * 3600, rng.uniform(0.3, 1.0)))
    return tuple(showers)


def _showers(seed: int, t: np.ndarray) -> list[tuple[float, float, float]]:
    first, last = int(t.min() // DAY_S) - 1, int(t.max() // DAY_S) + 1
    return [s for day in range(first, last + 1) for s in episodes(seed, day)]


def rain(seed: int, t: np.ndarray | float) -> np.ndarray:
    """Rain intensity, 0 (dry) to about 1 (a downpour)."""
    t = np.atleast_1d(np.asarray(t, dtype=float))
    total = np.zeros_like(t)
    for centre, width, peak in _showers(seed, t):
        total += peak * np.exp(-0.5 * ((t - centre) / width) ** 2)
    return np.clip(total, 0, 1.2)


def runoff(seed: int, t: np.ndarray | float) -> np.ndarray:
    """How far rivers are up: follows rain by about two hours and drains over half a day."""
    t = np.atleast_1d(np.asarray(t, dtype=float))
    total = np.zeros_like(t)
    for centre, width, peak in _showers(seed, t):
        since = t - (centre - width)
        rising = np.clip(since / (2 * width + 2 * 3600), 0, 1)
        draining = np.exp(-np.clip(since - (2 * width + 2 * 3600), 0, None) / (10 * 3600))
        total += peak * rising * draining
    return total
