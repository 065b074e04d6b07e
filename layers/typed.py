"""Plotly's typed arrays: coordinates travel as base64 binary, about a third of JSON text.

Only for what a refresh never patches element by element (positions, outlines): Patch
addresses list items, and a typed array is one string.
"""

from __future__ import annotations

import base64

import numpy as np


def typed(values, dtype: str = "f4") -> dict:
    """{"dtype", "bdata"} as plotly.js reads it; float32 keeps lon/lat to about a metre."""
    array = np.ascontiguousarray(np.asarray(values, dtype=float).astype(f"<{dtype}"))
    return {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}


def untyped(value) -> np.ndarray:
    """The numbers back from a typed array (or a plain list): for tests and tools."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=f"<{value['dtype']}")
    return np.asarray(value, dtype=float)
