"""The queries behind each screen, keyed by the screen that shows them.

`wall/` is the wall screen (the city's vital signs and the case flow's), `summary/` the
leaders' daily summary, `triage/` the grid managers' console, `tasks.py` a grid worker's
tasks, `admin/` the administrators' lists. Each reads through the viewer's scope
(`identity.scope`); none writes. Dash callbacks call these and hold no SQL themselves.
"""
