"""The escalation notice: tells a tier's responsible unit that a case is now theirs.

Sent on the dispatch topic when no worker of the new tier can take the case directly (it is
not in anyone's hands yet, or nobody of that tier is on duty). Keyed by the unit that answers
for the case's area at that tier, so a unit's desk reads its own notices in order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alerts.cases.tiers import TIER_NAMES
from alerts.dispatch.pools import CaseToDispatch
from alerts.sla.clocks import STAGES

SCHEMA = "cityops.escalation/1"


def notice_key(tier: str, area_code: str | None, unit_code: str | None) -> str:
    """The unit's code, or `tier:area` when no unit answers for the area yet."""
    return unit_code or f"{tier}:{area_code or '?'}"


def build_notice(delivery_id: str, case: CaseToDispatch, from_tier: str, stage: str,
                 unit_code: str | None, at: datetime) -> dict[str, Any]:
    area = case.areas.get(case.tier)
    return {
        "schema": SCHEMA,
        "delivery_id": delivery_id,
        "alert_id": case.alert_id,
        "version": case.version,
        "state": case.state,
        "title": case.title,
        "category": case.category,
        "severity": case.severity,
        "from_tier": from_tier,
        "tier": case.tier,
        "tier_name": TIER_NAMES.get(case.tier, case.tier),
        "area_code": area,
        "unit_code": unit_code,
        "stage": stage,
        "stage_name": STAGES.get(stage, stage),
        "location": {"lon": case.lon, "lat": case.lat, **{
            f"{tier}_code": case.areas.get(tier)
            for tier in ("grid", "community", "street", "district")}},
        "due_at": None if case.due_at is None else case.due_at.isoformat(),
        "escalated_at": at.isoformat(),
    }
