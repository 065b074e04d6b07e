"""Dispatch (派遣) of cases to grid workers: rosters, on-duty schedules, choosing the worker,
the dispatch transaction, the `city.dispatch` message and the optional signed webhook.

See docs/dispatch.md.
"""
