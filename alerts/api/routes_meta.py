"""`GET /healthz` and `GET /api/v1/openapi.json`: open to anyone, they hold no city data."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, jsonify

from identity.pool import connection

bp = Blueprint("meta", __name__)

OPENAPI_FILE = Path(__file__).with_name("openapi.json")


@cache
def openapi_document() -> dict:
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


@bp.get("/healthz")
def healthz():
    try:
        with connection().cursor() as cur:
            cur.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - health reports the failure, it must not raise
        return jsonify(ok=False, database=type(exc).__name__), 503
    return jsonify(ok=True)


@bp.get("/api/v1/openapi.json")
def openapi():
    return jsonify(openapi_document())
