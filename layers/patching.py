"""Turning "what the screen shows" and "what is true now" into the smallest Patch.

A list that kept its length gets one assignment per changed item, or is sent whole when
so many changed that the whole list is smaller (a refresh's bytes are what this is for).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import Patch

# Beyond this share of changed items, one assignment of the whole list is smaller.
WHOLE_ABOVE = 0.3


def changed_items(old: Sequence[Any] | None, new: Sequence[Any]) -> list[int] | None:
    """Indexes where `new` differs from `old`; None when the lengths differ."""
    if old is None or len(old) != len(new):
        return None
    return [k for k, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]


def patch_list(parent: Patch, key: str, old: Sequence[Any] | None,
               new: Sequence[Any]) -> int:
    """Bring `parent[key]` from `old` to `new`: item assignments, or the whole list when
    that is smaller or the length changed. Returns the number of operations written."""
    changed = changed_items(old, new)
    if changed is None or len(changed) > WHOLE_ABOVE * max(len(new), 1):
        parent[key] = list(new)
        return 1
    for k in changed:
        parent[key][k] = new[k]
    return len(changed)


def patch_grid(parent: Patch, key: str, old: list[list[Any]] | None,
               new: list[list[Any]]) -> int:
    """A list of rows (a heatmap's z): one assignment per changed cell while the shape
    holds, else the whole grid."""
    if old is None or len(old) != len(new) or any(
            len(a) != len(b) for a, b in zip(old, new, strict=True)):
        parent[key] = [list(row) for row in new]
        return 1
    operations = 0
    for r, (row_old, row_new) in enumerate(zip(old, new, strict=True)):
        for c in changed_items(row_old, row_new) or []:
            parent[key][r][c] = row_new[c]
            operations += 1
    return operations


def patch_memory(parent: Patch, key: str, old: Any, new: Any) -> int:
    """Bring a JSON value at `parent[key]` from `old` to `new` with the fewest, smallest
    operations: dicts key by key, lists of lists row by row, flat lists item by item."""
    if isinstance(new, dict) and isinstance(old, dict):
        operations = 0
        for name, value in new.items():
            operations += patch_memory(parent[key], name, old.get(name), value)
        return operations
    if isinstance(new, list) and isinstance(old, list) and len(old) == len(new):
        if new and all(isinstance(item, list) for item in new):
            return sum(patch_memory(parent[key], k, old[k], new[k]) for k in range(len(new)))
        return patch_list(parent, key, old, new) if old != new else 0
    if old == new:
        return 0
    parent[key] = new
    return 1
