"""Shares honoured exactly, in an order that looks random.

A Weyl sequence (k·α mod 1 for an irrational α) spreads its points evenly, so after n
draws every share is off by O(log n / n): within 1% after a few hundred messages, which
independent coin flips only promise after tens of thousands.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

GOLDEN = (math.sqrt(5) - 1) / 2


class Mix:
    """Picks one of several names in given shares; a fresh Mix per purpose and seed."""

    def __init__(self, shares: Mapping[str, float], seed: int, alpha: float = GOLDEN) -> None:
        total = sum(shares.values())
        if total <= 0 or any(v < 0 for v in shares.values()):
            raise ValueError(f"shares must be non-negative and not all zero: {dict(shares)}")
        self.names = [n for n, v in shares.items() if v > 0]
        edges, running = [], 0.0
        for name in self.names:
            running += shares[name] / total
            edges.append(running)
        self.edges = edges
        self.alpha = alpha
        self.position = (seed * alpha * 7.0) % 1.0

    def next(self) -> str:
        self.position = (self.position + self.alpha) % 1.0
        for name, edge in zip(self.names, self.edges, strict=True):
            if self.position < edge:
                return name
        return self.names[-1]


class Fraction:
    """True for a given fraction of calls, evenly spread."""

    def __init__(self, share: float, seed: int, alpha: float = math.sqrt(2) - 1) -> None:
        if not 0 <= share <= 1:
            raise ValueError(f"a fraction is between 0 and 1, not {share}")
        self.share = share
        self.alpha = alpha
        self.position = (seed * alpha * 3.0) % 1.0

    def next(self) -> bool:
        self.position = (self.position + self.alpha) % 1.0
        return self.position < self.share


def parse_shares(text: str) -> dict[str, float]:
    """"native=0.7,senml=0.3" -> {"native": 0.7, "senml": 0.3}"""
    shares = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        try:
            shares[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"expected name=share, got {part!r}") from None
    return shares
