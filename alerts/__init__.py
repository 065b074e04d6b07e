"""Alerts: from readings and reports to cases, and cases through their flow.

One sub-package per capability:

- `engine/`: the stream consumer that evaluates the rules and writes cases;
- `rules/` (with `rules/evaluate/`): rules as data, and their edge-triggered evaluation;
- `muting/`: silences, maintenance windows and inhibition;
- `cases/`: the one door for every change to a case, and the vocabulary of the flow;
- `sla/`: clocks, the working calendar and the escalation ticker;
- `dispatch/`: rosters, duty schedules, choosing the worker, telling them;
- `api/`: the HTTP API of cases.

`commands.py` is `cityops alerts` (run the engine, check rules, manage silences).
"""
