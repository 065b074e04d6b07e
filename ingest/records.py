"""The internal records every format decodes into."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from store.readings import Reading

__all__ = ["Incident", "Reading"]


@dataclass
class Incident:
    source: str               # hotline | patrol | sensor | other
    source_id: str            # unique within the source: the natural key
    reported_at: datetime
    category: str | None = None
    subcategory: str | None = None
    description: str | None = None
    lon: float | None = None
    lat: float | None = None
    address: str | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    location_approx: bool = False
    grid_code: str | None = None
    community_code: str | None = None
    street_code: str | None = None
    district_code: str | None = None
    media_url: str | None = None  # a photo the reporter attached (Open311 media_url)
    payload: dict = field(default_factory=dict)  # the original, for audit and re-processing
