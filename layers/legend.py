"""A legend entry: what one colour of a layer means. Pages draw legends themselves (large
enough to read across a room), so a layer only says what to draw."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Legend:
    key: str            # catalogue key of the entry's label
    colour: str
    shape: str = "dot"  # dot, diamond, square, line, shade
