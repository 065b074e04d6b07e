"""Silences, pure: which fires a silence's matchers cover, and which silences are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.cases.grouping.facts import Facts
from alerts.muting.silences import SilenceInvalid, check_matchers, create, matches

TILT = Facts(rule_id="manhole-tilted", rule_kind="threshold", category="井盖破损",
             kind="sensor", areas=("310101001001", "310101001", "310101001000", "310101"),
             device_id="mh-1", source=None)


@pytest.mark.parametrize("matchers, expected", [
    ({"rule_id": "manhole-tilted"}, True),
    ({"rule_id": ["smoke-detected", "manhole-tilted"]}, True),
    ({"rule_id": "smoke-detected"}, False),
    ({"area": "310101"}, True),                       # a district code prefix
    ({"area": "310106"}, False),
    ({"device_id": "mh-1", "category": "井盖破损"}, True),
    ({"device_id": "mh-1", "category": "路面积水"}, False),  # every matcher must match
    ({"kind": "sensor", "rule_kind": "threshold"}, True),
    ({"source": "hotline"}, False),
])
def test_every_matcher_must_match(matchers, expected) -> None:
    assert matches(matchers, TILT) is expected


def test_matchers_are_checked_before_they_are_stored() -> None:
    assert check_matchers({"rule_id": "a", "area": ["31", "32"]}) == \
        {"rule_id": ["a"], "area": ["31", "32"]}
    with pytest.raises(SilenceInvalid, match="at least one matcher"):
        check_matchers({})
    with pytest.raises(SilenceInvalid, match="unknown matcher 'rule'"):
        check_matchers({"rule": "a"})
    with pytest.raises(SilenceInvalid, match="text or a list"):
        check_matchers({"rule_id": 3})


def test_a_silence_ends_after_it_starts_and_says_who_set_it() -> None:
    now = datetime.now(UTC)
    with pytest.raises(SilenceInvalid, match="ends after it starts"):
        create(None, {"rule_id": "x"}, now, now - timedelta(hours=1), "ops:li")
    with pytest.raises(SilenceInvalid, match="who sets"):
        create(None, {"rule_id": "x"}, now, now + timedelta(hours=1), "")
