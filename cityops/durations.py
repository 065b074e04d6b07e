"""Durations as people write them in rule files: 90, "90s", "5m", "1h30m", "1d"."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_LONGEST = 10 * 366 * 86400


def parse_duration(value: object) -> float:
    """Seconds; raises ValueError with a hint when the text is not a duration."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or text like 90s, 5m, 1h30m")
    if isinstance(value, int | float):
        if not abs(value) <= _LONGEST:  # also NaN; and a huge int is beyond float()
            raise ValueError("a duration is at most 10 years")
        seconds = float(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace(" ", "")
        if len(text) > 40:  # findall over a long run of digits takes time squared in length
            raise ValueError(f"{value[:40]!r}... is not a duration (use e.g. 90s, 5m, 1h30m)")
        parts = _PART.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(f"{value!r} is not a duration (use e.g. 90s, 5m, 1h30m)")
        seconds = sum(float(n) * _UNIT[u] for n, u in parts)
    else:
        raise ValueError("a duration is a number of seconds or text like 90s, 5m, 1h30m")
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    if seconds > _LONGEST:  # "9999...9s" reads as infinity
        raise ValueError("a duration is at most 10 years")
    return seconds
