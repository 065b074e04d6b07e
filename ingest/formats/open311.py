"""Open311 GeoReport v2 service requests into incidents, as servers send them.

A message is one service request as GeoReport v2 returns it from GET requests.json
(service_request_id, service_code, description, lat, long, address, requested_datetime,
media_url, status, ...), or the response's array of them, plus the request's contact
fields (first_name, last_name, phone). Servers write ids and codes as numbers as often as
text; both are kept as text. `media_url` is kept as the report's photo link. A later
message about the same request (status closed, status_notes, updated_datetime) updates the
same incident: the store upserts by (source, service_request_id). service_code maps to
CityOps's categories; unknown codes keep their service_name.
"""

from __future__ import annotations

from typing import Any

from ingest.errors import BadMessage
from ingest.formats.common import Context, json_body, number, text, timestamp
from ingest.records import Incident

MAX_REQUESTS = 100

# Service codes of the demo city's 12345 hotline -> (category, subcategory).
SERVICE_CODES: dict[str, tuple[str, str]] = {
    "city-appearance": ("市容环境", "暴露垃圾"),
    "illegal-ads": ("宣传广告", "非法小广告"),
    "construction": ("施工管理", "施工扰民"),
    "street-order": ("街面秩序", "占道经营"),
    "emergency": ("突发事件", "路面塌陷"),
    "public-facility": ("公用设施", "井盖破损"),
    "road-traffic": ("道路交通", "道路破损"),
    "greenery": ("园林绿化", "绿地脏乱"),
    "housing-land": ("房屋土地", "违章搭建"),
    "streetlight": ("公用设施", "路灯不亮"),
}


def _identifier(raw: Any, field: str, limit: int, required: bool = False) -> str | None:
    """Text, or an integer written as a number (GeoReport's examples do both)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    return text(raw, field, limit, required)


def _media_url(raw: Any) -> str | None:
    url = text(raw, "media_url", 1000)
    if url is None:
        return None
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise BadMessage("bad_value", "media_url must be an http(s) link")
    return url


def _incident(doc: Any, source: str) -> Incident:
    if not isinstance(doc, dict):
        raise BadMessage("wrong_type", "a service request is a JSON object")
    request_id = _identifier(doc.get("service_request_id"), "service_request_id", 128,
                             required=True)
    code = _identifier(doc.get("service_code"), "service_code", 64, required=True)
    category, subcategory = SERVICE_CODES.get(code, (None, None))
    if category is None:
        category = text(doc.get("service_name"), "service_name", 64)
    lat, lon = doc.get("lat"), doc.get("long")
    names = [text(doc.get(f), f, 50) for f in ("last_name", "first_name")]
    return Incident(
        source=source,
        source_id=request_id,
        reported_at=timestamp(doc.get("requested_datetime"), "requested_datetime"),
        category=category,
        subcategory=subcategory,
        description=text(doc.get("description"), "description", 4000),
        lon=None if lon is None else number(lon, "long"),
        lat=None if lat is None else number(lat, "lat"),
        address=text(doc.get("address") or doc.get("address_string"), "address", 500),
        reporter_name="".join(n for n in names if n) or None,
        reporter_phone=text(doc.get("phone"), "phone", 32),
        media_url=_media_url(doc.get("media_url")),
        payload=doc,
    )


def decode(value: bytes | None, ctx: Context | None = None,
           source: str = "hotline") -> list[Incident]:
    doc = json_body(value)
    requests = doc if isinstance(doc, list) else [doc]
    if not requests or len(requests) > MAX_REQUESTS:
        raise BadMessage("wrong_type", f"a message holds 1 to {MAX_REQUESTS} service requests")
    return [_incident(request, source) for request in requests]
