"""The dashboard's pages, one module each. A page module has:

- `PAGE`: its name, which is also its path (`/wall`) and its component-id prefix;
- `layout(**query)`: the page's components, wrapped in `shell.frame(PAGE, ...)`;
- `register(app, context)`: its callbacks, on this app (no global callback list).
"""

from __future__ import annotations

PAGE_MODULES: tuple[str, ...] = ("wall", "map", "triage", "worker", "summary", "assessment",
                                 "admin")
