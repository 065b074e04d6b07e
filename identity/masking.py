"""Citizens' names and phone numbers, shown whole only to the roles that call people back.

Operators (受理/回访) and managers (值班长) phone reporters to confirm a case and to ask
for the rating, so they see the whole name and number. Leaders read summaries, workers
need the place rather than the caller, and admins run accounts: they see 王** and
138****5678. The hotline can still connect a worker through the desk.
"""

from __future__ import annotations

from typing import Any

SEES_CONTACTS: frozenset[str] = frozenset({"operator", "manager"})

CONTACT_FIELDS = ("reporter_name", "reporter_phone")


def mask_name(name: str | None) -> str | None:
    """Keep the family name (the first character): 王小明 -> 王**, Li -> L*."""
    if not name:
        return name
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str | None) -> str | None:
    """Keep the first three and last four digits of a mobile number: 138****5678.

    Landlines with their area code (021-63211234) are masked the same way; shorter numbers
    keep only their last two digits, since three plus four would show all of them.
    """
    if not phone:
        return phone
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]  # +86, China's country code, is not part of the number
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 1) + digits[-2:]


def needs_masking(role: str) -> bool:
    return role not in SEES_CONTACTS


def masked_incident(incident: dict[str, Any], role: str) -> dict[str, Any]:
    """A copy of the incident with the reporter's details masked for this role."""
    if not needs_masking(role):
        return dict(incident)
    shown = dict(incident)
    shown["reporter_name"] = mask_name(incident.get("reporter_name"))
    shown["reporter_phone"] = mask_phone(incident.get("reporter_phone"))
    return shown
