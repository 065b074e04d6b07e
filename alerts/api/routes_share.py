"""`/share/v1/<dataset>`: the sharing API for other systems, with API keys (sharing/).

Every request is written to the access log, whatever its answer: 401 without a valid key,
403 for a dataset, area or category the key does not cover, 400 for a malformed query,
200 with the rows. A key never sees more than its areas, its categories and, unless made
for it, citizens' masked details.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from identity.pool import connection, read_connection
from sharing import access_log, keys, reads

bp = Blueprint("share", __name__)

ZONE_KEY = "CITYOPS_SHARE_ZONE"
PREFIX = "/share/v1/"


def _answer(dataset: str) -> tuple[object, int, int | None, keys.Checked]:
    """(body, status, rows returned, the key check) of one request."""
    # The key on the primary: a revoked key stops at once, not a replica's delay later.
    with connection().cursor() as cur:
        checked = keys.check(cur, request.headers.get("Authorization"))
    if checked.key is None:
        return {"error": checked.problem}, 401, None, checked
    if dataset not in checked.key.datasets:
        return {"error": f"this key may not read {dataset}"}, 403, None, checked
    with read_connection().cursor() as cur:
        try:
            query = reads.parse(dataset, request.args)
            if dataset == "kpis":
                zone = current_app.config.get(ZONE_KEY)
                if zone is None:
                    return {"error": "this server has no city time zone"}, 503, None, checked
                found = reads.kpis(cur, checked.key, query, zone)
            else:
                found = getattr(reads, dataset)(cur, checked.key, query)
        except reads.BadQuery as exc:
            return {"error": str(exc)}, 400, None, checked
        except reads.OutsideKey as exc:
            return {"error": str(exc)}, 403, None, checked
    more = len(found) == query.limit
    return ({"dataset": dataset, "rows": found, "offset": query.offset, "limit": query.limit,
             "next_offset": query.offset + len(found) if more else None},
            200, len(found), checked)


def serve(dataset: str):
    conn = connection()
    status, rows, checked = 500, None, keys.Checked(None)
    try:
        body, status, rows, checked = _answer(dataset)
    finally:
        conn.rollback()  # reads only; a failed read must not take the log row with it
        read_connection().rollback()
        key = checked.key
        access_log.record(conn, checked.key_id, key.client if key else None,
                          request.path, dataset, request.args.to_dict(), rows, status,
                          request.remote_addr)
    response = jsonify(body)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'ApiKey realm="cityops-share"'
    return response, status


for _name in keys.DATASETS:
    bp.add_url_rule(f"{PREFIX}{_name}", f"share_{_name}",
                    lambda _name=_name: serve(_name), methods=["GET"])
