"""How serious a case is: the one definition of severity, its order and its colour.

Rules name a severity, the engine copies it onto the case, and every screen sorts, filters
and colours by it from here; the words are in the UI catalogues (`*.severity.<code>`).
"""

from __future__ import annotations

# From the least to the most serious: the order the map draws them in (most severe on top).
SEVERITIES: tuple[str, ...] = ("info", "minor", "major", "critical")

# The order people read them in: the most serious first.
MOST_SEVERE_FIRST: tuple[str, ...] = tuple(reversed(SEVERITIES))

# The wall screen's colours (the map's layer and its legend); every other view uses them.
COLOURS: dict[str, str] = {"critical": "#ff2d55", "major": "#ff9f1c", "minor": "#ffd166",
                           "info": "#4cc9f0"}
