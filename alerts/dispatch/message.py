"""The dispatch message: one JSON document, the same bytes on Kafka and in the webhook body."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from alerts.cases.tiers import TIER_NAMES
from alerts.dispatch.chooser import Choice
from alerts.dispatch.pools import CaseToDispatch

SCHEMA = "cityops.dispatch/1"


def _common(delivery_id: str, case: CaseToDispatch, tier: str, actor: str, at: datetime,
            version: int) -> dict[str, Any]:
    """What every dispatch message says, whoever receives it."""
    return {
        "schema": SCHEMA,
        "delivery_id": delivery_id,
        "alert_id": case.alert_id,
        "version": version,
        "title": case.title,
        "category": case.category,
        "severity": case.severity,
        "tier": tier,
        "tier_name": TIER_NAMES.get(tier, tier),
        "location": {"lon": case.lon, "lat": case.lat, **{
            f"{level}_code": case.areas.get(level)
            for level in ("grid", "community", "street", "district")}},
        "due_at": _iso(case.due_at),
        "dispatched_at": _iso(at),
        "dispatched_by": actor,
    }


def build_message(delivery_id: str, case: CaseToDispatch, choice: Choice, actor: str,
                  at: datetime, version: int) -> dict[str, Any]:
    worker = choice.worker
    return {**_common(delivery_id, case, choice.tier, actor, at, version),
            "worker": {"id": worker.worker_id, "name": worker.name, "phone": worker.phone,
                       "unit_code": worker.unit_code},
            "area_code": choice.area_code,
            "distance_m": None if choice.distance_m is None else round(choice.distance_m)}


def build_unit_message(delivery_id: str, case: CaseToDispatch, unit: dict[str, Any],
                       actor: str, at: datetime, version: int) -> dict[str, Any]:
    """The same document for a dispatch to a department or unit: `unit` instead of `worker`."""
    return {**_common(delivery_id, case, unit["tier"], actor, at, version),
            "worker": None, "unit": unit}


def encode(message: dict[str, Any]) -> bytes:
    """Sorted keys and no spaces: the body a receiver verifies is exactly these bytes."""
    return json.dumps(message, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
