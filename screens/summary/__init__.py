"""The leaders' daily summary: each area's day (`areas.py`) and how its cases went
(`cases.py`)."""
