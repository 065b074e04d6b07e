"""The escalation ladder: an overdue case goes up one tier (小事不出社区,大事不出街道)."""

from __future__ import annotations

TIERS: tuple[str, ...] = ("grid", "community", "street", "district", "city")

TIER_NAMES: dict[str, str] = {
    "grid": "网格",
    "community": "社区",
    "street": "街道",
    "district": "区",
    "city": "市",
}


def next_tier(tier: str) -> str | None:
    """The tier above `tier`; None at the city, where there is nobody higher to ask."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; the tiers are {' → '.join(TIERS)}")
    position = TIERS.index(tier)
    return TIERS[position + 1] if position + 1 < len(TIERS) else None
