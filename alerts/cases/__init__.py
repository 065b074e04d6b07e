"""Cases: the one door for every change to a case, and what a case is made of.

A case (案件) is what users see move through 立案 → 派遣 → 处置 → 核查 → 结案. Every change
of its state, tier, assignee, version, SLA markers and timeline is written here:

- `flow.py`: the move table (`MOVES`), who may make which move from which state;
- `guards.py`: the rules about people and the case that the table cannot hold;
- `moves.py`: opening a case and making a move, one transaction, with its event;
- `assignment.py`: the assignee and the dispatch row, written as a move's effects;
- `bookkeeping.py`: writes that change no version (repeats, merges, SLA markers);
- `history.py`: cases that already happened, loaded in bulk;
- `rating.py`, `notes.py`, `timeline.py`: the caller's rating, progress notes, the timeline;
- `grouping/`: one case per problem, reports of it merged into one case;
- `states.py`, `tiers.py`, `errors.py`: the vocabulary of the flow.

Nothing outside this package writes the `alerts` table (tests/unit/test_layers.py). The
table keeps its first name: `alerts`, `alert_events` and `alert_id` are in every backup,
migration and integration that reads the database, and renaming them would buy nothing a
user sees. In code and on screen the thing is a case; `alert_id` is the case's id.
"""
