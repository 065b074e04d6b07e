"""Rules about the people and the case that the role table cannot express on its own."""

from __future__ import annotations

from dataclasses import dataclass

from alerts.cases.flow import Move, may
from alerts.cases.tiers import TIER_NAMES, TIERS, next_tier


@dataclass(frozen=True)
class CaseFacts:
    """What a guard needs to know about the case as it stands."""

    state: str
    version: int
    handled_by: str | None
    auto_resolve: bool
    tier: str = "grid"
    unit_code: str | None = None  # the unit holding the case, if a unit does


def refusal(move: Move, actor: str, note: str | None, case: CaseFacts) -> str | None:
    """Why this actor may not make this move on this case now, or None when they may."""
    if move.needs_note and not (note and note.strip()):
        return f"{move.action} ({move.name}) needs a reason in the note"
    if move.action == "verify" and case.handled_by is not None and actor == case.handled_by:
        # Separation of duties: whoever reported the fix cannot also sign it off.
        return (f"{actor} handled this case and so may not verify it; "
                "another person must check the work")
    if move.action == "resolve" and not case.auto_resolve:
        return "this case does not resolve by itself; its rule did not ask for auto-resolve"
    if move.raises_tier:
        return _tier_refusal(case.tier)
    return None


def _tier_refusal(tier: str) -> str | None:
    if tier not in TIERS:
        return f"the case is at an unknown tier {tier!r}"
    if next_tier(tier) is None:
        return f"the case is already at the {tier} ({TIER_NAMES[tier]}) tier; nobody is higher"
    return None


def could(role: str, action: str, state: str, tier: str) -> bool:
    """Whether to offer a move at all: the table allows it and no guard that can be asked
    without the case's people says no (the note is asked for when the move is made)."""
    verdict = may(role, action, state)
    if not verdict:
        return False
    return refusal(verdict.move, "-", "-", CaseFacts(state, 0, None, True, tier)) is None
