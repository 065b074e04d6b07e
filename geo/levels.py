"""The levels of the city's areas, the one definition: city -> district -> street ->
community -> grid cell. Light on purpose (no geometry libraries), so that identity, the
rules and the pages can import it."""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("city", "district", "street", "community", "grid")

# The levels a point is placed in (and a rule counts or inhibits per), finest first.
PLACED_LEVELS: tuple[str, ...] = tuple(reversed(LEVELS[1:]))
