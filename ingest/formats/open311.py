"""Open311 GeoReport v2 service requests into incidents.

A message is one service request as GeoReport v2 returns it from GET requests.json
(service_request_id, service_code, description, lat, long, address, requested_datetime,
...), plus the request's contact fields (first_name, last_name, phone). service_code
maps to CityOps's categories; unknown codes keep their service_name.
"""

from __future__ import annotations

from ingest.errors import BadMessage
from ingest.formats.common import Context, json_body, number, text, timestamp
from ingest.records import Incident

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


def decode(value: bytes | None, ctx: Context | None = None,
           source: str = "hotline") -> list[Incident]:
    doc = json_body(value)
    if isinstance(doc, list) and len(doc) == 1:
        doc = doc[0]  # GeoReport wraps single requests in an array
    if not isinstance(doc, dict):
        raise BadMessage("wrong_type", "a service request is a JSON object")
    request_id = text(doc.get("service_request_id"), "service_request_id", 128, required=True)
    code = text(doc.get("service_code"), "service_code", 64, required=True)
    category, subcategory = SERVICE_CODES.get(code, (None, None))
    if category is None:
        category = text(doc.get("service_name"), "service_name", 64)
    lat, lon = doc.get("lat"), doc.get("long")
    names = [text(doc.get(f), f, 50) for f in ("last_name", "first_name")]
    return [Incident(
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
        payload=doc,
    )]
