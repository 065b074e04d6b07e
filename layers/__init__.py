"""Map layers: one module per layer, registered in `LAYERS` below (and nowhere else).

A layer module has:

- `NAME`: its catalogue key (`layers.<NAME>` is its title, `layers.<NAME>.<entry>` its
  legend entries' labels);
- `LEGEND`: a tuple of `Legend` entries (what each colour means), drawn by the page;
- `query(cur, scope, frame)`: its rows for the area `scope` at `frame.now` (SQL lives
  here, parameterised and scoped);
- `traces(data, lang, scale=1.0)`: its Plotly traces as plain dicts (sizes times `scale`,
  for screens wider than 1920 px), always the same number of them
  (so the next layer's traces keep their places and a refresh can address them);
- `memory(data)`: the little a screen keeps of what it drew (JSON), for the next refresh;
- `patch(traces, old, data)`: write into `traces` (one `dash.Patch` per trace of this
  layer) what changed since `old`; return False when the layer's shape changed and only a
  full redraw will do;
- optionally `LIVE = False`: the layer never changes while a screen is open (boundaries),
  so a refresh does not query it;
- optionally `refresh_query(cur, scope, frame)`: what `memory` and `patch` need, when
  that is much less than `query` returns (a refresh asks this instead of `query`);
- optionally `legend(level)`: the entries for a map of that area level, when what the
  layer draws changes with the level (layers/detail.py: counts per part above a street).

A new layer is one file here and one name in `LAYERS`. Layers draw in the order listed,
bottom first.
"""

from __future__ import annotations

from types import ModuleType

from layers import boundaries, cases, cells, devices, hotspots, incidents, names, workers
from layers.legend import Legend

__all__ = ["LAYERS", "Legend", "by_name", "legend_for"]

LAYERS: tuple[ModuleType, ...] = (incidents, cells, boundaries, devices, workers, cases,
                                  hotspots, names)


def by_name(names: list[str] | tuple[str, ...] | None = None) -> tuple[ModuleType, ...]:
    """The registered layers with these names, in drawing order (all when None)."""
    if names is None:
        return LAYERS
    unknown = set(names) - {layer.NAME for layer in LAYERS}
    if unknown:
        raise ValueError(f"unknown map layers {sorted(unknown)}")
    return tuple(layer for layer in LAYERS if layer.NAME in names)


def legend_for(level: str, layer: ModuleType) -> tuple[Legend, ...]:
    """What `layer` draws on a map of an area of this level."""
    chosen = getattr(layer, "legend", None)
    return chosen(level) if chosen is not None else layer.LEGEND
