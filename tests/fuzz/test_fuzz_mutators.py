"""The mutators repeat for a seed and produce every kind of damage they promise; the
seeds they start from are valid, so the damage is what makes inputs fail."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from random import Random

import pytest
import yaml

from tests.fuzz import corpus
from tests.fuzz.hostile import hostile_strings, one_megabyte_description
from tests.fuzz.mutate import mutate_bytes, mutate_doc, to_json, to_yaml
from tests.fuzz.targets import TARGETS

DOC = {"device": "gauge-1", "ts": "2026-11-25T06:00:00Z", "values": {"level_m": 1.5}}


def _many(seed: int, n: int = 2000) -> list[bytes]:
    rng = Random(seed)
    return [to_json(rng, mutate_doc(rng, DOC)) for _ in range(n)] + [
        mutate_bytes(rng, json.dumps(DOC).encode()) for _ in range(n)]


def test_the_same_seed_gives_the_same_inputs() -> None:
    assert _many(7, 300) == _many(7, 300)
    assert _many(7, 300) != _many(8, 300)


def _not_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


@pytest.mark.parametrize("kind, seen", [
    ("invalid UTF-8", _not_utf8),
    ("truncated", lambda v: not v.rstrip().endswith(b"}")),
    ("NaN or Infinity", lambda v: b"NaN" in v or b"Infinity" in v),
    ("deep nesting", lambda v: b"[" * 200 in v),
    ("huge integer", lambda v: b"9" * 4301 in v or b"0" * 308 in v),
    ("long string", lambda v: b"x" * 4001 in v),
    ("missing field", lambda v: b'"values"' not in v and v.startswith(b"{")),
    ("wrong type", lambda v: b'"values": [' in v or b'"device": null' in v),
    ("hostile text", lambda v: b"<script>" in v or b"DROP TABLE" in v),
])
def test_every_kind_of_damage_is_made(kind: str, seen) -> None:
    assert any(seen(value) for value in _many(1)), kind


def test_seeds_are_valid_before_mutation() -> None:
    now = datetime.now(UTC)
    for name, make in TARGETS.items():
        target = make()
        try:
            if name == "rules_loader":  # every default rule in one file: the loader's seed
                texts = corpus.rule_texts().values()
                rules = [r for text in texts for r in yaml.safe_load(text)["rules"]]
                assert target.run(([], to_yaml(Random(3), {"rules": rules}))) == "accepted"
                continue
            valid = {"native_readings": corpus.reading, "senml": corpus.senml_pack,
                     "native_incidents": corpus.incident, "open311": corpus.open311_request}
            rng = Random(3)
            for _ in range(50):
                assert target.run(([], to_json(rng, valid[name](rng, now)))) == "accepted"
        finally:
            target.close()


def test_hostile_strings_are_text_and_the_big_one_is_a_megabyte() -> None:
    strings = hostile_strings()
    assert strings["sql drop table"] == "'); DROP TABLE incidents;--"
    assert all(s.encode("utf-8") and "\x00" not in s for s in strings.values())
    assert 999_000 < len(one_megabyte_description().encode()) <= 1_000_000
