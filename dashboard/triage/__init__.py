"""The triage console's pieces (the page itself is dashboard/pages/triage.py): the queue,
the detail panel and the moves of the case flow."""
