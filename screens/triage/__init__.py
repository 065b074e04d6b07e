"""The triage console: the queue's choices, and around one case its sources, the readings
behind it and what lies near it."""
