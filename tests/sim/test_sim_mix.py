"""Formats and the malformed share follow the plan within 1%."""

from collections import Counter

from conftest import PLAN


def shares(messages) -> dict[str, float]:
    counts = Counter(m.format for m in messages)
    return {name: n / len(messages) for name, n in counts.items()}


def test_reading_formats_match_the_plan(stream) -> None:
    good = [m for m in stream if m.topic == "readings" and not m.malformed]
    found = shares(good)
    for name, share in PLAN.reading_formats.items():
        assert abs(found[name] - share) < 0.01, found


def test_incident_formats_match_the_plan(stream) -> None:
    # A rating can only travel as native, so first reports carry the mix.
    reports = [m for m in stream if m.topic == "incidents" and not m.malformed
               and not m.ref.endswith("#closed")]
    assert len(reports) > 500
    found = shares(reports)
    for name, share in PLAN.incident_formats.items():
        assert abs(found[name] - share) < 0.01, found


def test_malformed_share_matches_the_plan(stream) -> None:
    sent = [m for m in stream if m.topic != "truth"]
    broken = sum(1 for m in sent if m.malformed)
    assert abs(broken / len(sent) - PLAN.malformed) < 0.01 * PLAN.malformed + 0.001
    reasons = Counter(m.malformed for m in sent if m.malformed)
    assert {"malformed_json", "invalid_utf8", "unknown_metric", "out_of_range",
            "outside_city", "no_location"} <= set(reasons)


def test_ratings_follow_closed_hotline_cases(stream) -> None:
    reports = {m.ref: m for m in stream if m.topic == "incidents" and not m.malformed}
    ratings = [m for ref, m in reports.items() if ref.endswith("#closed")]
    assert ratings
    for rating in ratings:
        first = reports[rating.ref.removesuffix("#closed")]
        assert first.t < rating.t
        assert first.key == rating.key and rating.ref.startswith("hotline:")
        assert rating.format == "native" and "satisfaction" in rating.value.decode()
