"""A photo or other media a report links to (Open311's `media_url`), shown with the report."""

from __future__ import annotations

from store.features import Features

DESCRIPTION = "incidents: media_url"


def apply(cur, features: Features) -> None:
    cur.execute("ALTER TABLE incidents ADD COLUMN media_url text")
