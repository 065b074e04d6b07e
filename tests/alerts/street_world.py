"""A street of Huangpu (city → district → street) in a test world, plus a producer, for
tests that add their own communities, grid cells and workers under it."""

from __future__ import annotations

from cityops.stream import kafka_client
from store import db as store_db

AREAS = [("310000", "city", None, "上海市", None, None),
         ("310101", "district", "310000", "黄浦区", "310101", None),
         ("310101002", "street", "310101", "南京东路街道", "310101", "310101002")]


def open_street_world(settings):
    """(connection, producer); the caller closes both."""
    conn = store_db.connect(settings.database_url)
    with conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO areas (code, level, parent_code, name_zh, district_code, street_code)"
            " VALUES (%s, %s, %s, %s, %s, %s)", AREAS)
    return conn, kafka_client.producer(settings)
