"""What the fuzzers found, one minimal input each, so the fixes stay fixed.

Decoders: huge integers and offsets PostgreSQL cannot read escaped as exceptions or, worse,
were accepted and then failed the whole database batch, which stops the stream. The
rules loader let PyYAML's own exceptions out, and spent seconds to hours on some files.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from psycopg2.extras import Json

from alerts.rules import RuleSet, reload
from ingest.enrich import IncidentPlacer
from ingest.errors import BadMessage
from ingest.pipeline import IncidentSteps, ReadingSteps
from tests.fuzz.targets import WINDOW, KnownDevices

NOW = datetime.now(UTC) - timedelta(minutes=1)
READINGS = ReadingSteps(WINDOW, KnownDevices())
INCIDENTS = IncidentSteps(WINDOW, IncidentPlacer(None, None))
INCIDENT = (b'{"source": "hotline", "source_id": "f-1", "lon": 121.47, "lat": 31.23, '
            b'"reported_at": "%s"%s}')


def _incident(extra: bytes = b"", when: str | None = None) -> bytes:
    return INCIDENT % ((when or NOW.isoformat()).encode(), extra)


def _refused(steps, value: bytes) -> str:
    with pytest.raises(BadMessage) as refused:
        steps([], value)
    return refused.value.reason


@pytest.mark.parametrize("value", [
    b'{"device": "corpus-gauge-1", "ts": 1795586400, "values": {"level_m": 1%s}}' % (
        b"0" * 400),
    b'{"device": "corpus-gauge-1", "ts": 1795586400, "values": {"level_m": 1%s}}' % (
        b"0" * 5000)])
def test_huge_integers_are_bad_values(value: bytes) -> None:
    assert _refused(READINGS, value) == "bad_value"  # was OverflowError / ValueError


def test_huge_coordinate_is_a_bad_value() -> None:
    assert _refused(INCIDENTS, _incident().replace(b"121.47", b"9" * 400)) == "bad_value"


@pytest.mark.parametrize("extra", [b', "note": "a\\u0000b"', b', "\\u0000": 1',
                                   b', "description": "\\ud800"', b', "x": ["\\udfff"]'])
def test_text_postgresql_cannot_hold_is_refused(extra: bytes) -> None:
    assert _refused(INCIDENTS, _incident(extra)) == "bad_text"


def test_escaped_backslash_before_u0000_is_plain_text() -> None:
    (incident,) = INCIDENTS([], _incident(b', "note": "C:\\\\u0000"'))
    assert incident.payload["note"] == "C:\\u0000"


@pytest.mark.parametrize("offset", [timedelta(hours=20), timedelta(hours=-16),
                                    timedelta(hours=5, minutes=30, seconds=15)])
def test_any_offset_python_reads_is_stored(offset: timedelta, db) -> None:
    when = NOW.astimezone(timezone(offset)).isoformat()
    (incident,) = INCIDENTS([], _incident(when=when))
    reading = READINGS([], b'{"device": "corpus-gauge-1", "ts": "%s", "values": '
                           b'{"level_m": 1.0}}' % when.encode())[0]
    with db.cursor() as cur:  # PostgreSQL refused these offsets, failing the whole batch
        cur.execute("SELECT %s::timestamptz, %s::timestamptz, %s::jsonb",
                    (incident.reported_at, reading.ts, Json(incident.payload)))
        stored_incident, stored_reading, _ = cur.fetchone()
    assert stored_incident == stored_reading == NOW


RULE = """rules:
  - id: bridge-strain-high
    kind: threshold
    name: {zh: 桥梁应变过大, en: Bridge strain high}
    category: 桥梁结构异常
    severity: major
    match: {device_kind: bridge, metric: strain_ue}
    params: {op: ">=", value: VALUE, for: FOR}
"""


@pytest.mark.parametrize("text", [
    "rules: " + "[" * 5000 + "]" * 5000,          # RecursionError
    "rules:\n  - {[1]: 2}\n",                      # TypeError: unhashable key
    "rules:\n  - id: 2026-02-30\n",                # ValueError: no such date
    "rules:\n  - id: " + "1" * 5000 + "\n",        # ValueError: int() digit limit
    "rules:\n  - {id: !!timestamp nonsense}\n",    # AttributeError inside PyYAML
    RULE.replace("VALUE", "1" + "0" * 400).replace("FOR", "2m"),   # OverflowError
    RULE.replace("VALUE", "3000").replace("FOR", "1" + "0" * 400),  # OverflowError
    RULE.replace("VALUE", ".nan").replace("FOR", "2m"),             # accepted NaN
    RULE.replace("VALUE", "3000").replace("FOR", "2m" + "9" * 20_000),  # 9 s: O(n^2)
])
def test_bad_rule_files_give_errors_quickly(text: str, tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    start = time.perf_counter()
    found = reload(tmp_path)
    assert time.perf_counter() - start < 1
    assert not isinstance(found, RuleSet) and found and all(e.problem for e in found)


def test_a_megabyte_of_flow_openers_is_refused_at_once(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text("rules: " + "[ " * 500_000, encoding="utf-8")
    start = time.perf_counter()
    (error,) = reload(tmp_path)
    assert time.perf_counter() - start < 1 and "nested too deeply" in error.problem


def test_the_rule_used_above_loads(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(RULE.replace("VALUE", "3000").replace("FOR", "2m"),
                                         encoding="utf-8")
    assert len(reload(tmp_path)) == 1
