"""Bad input: every decoder (reached through ingest's own steps, as the consumer reaches
it) and the rules loader, over generated and mutated inputs. Each input must give valid
records or a documented dead-letter reason (rules or a loader error), within its time
budget; tests/fuzz/ holds the generators, mutators and properties.

The short version (10,000 inputs in all, a fixed seed) runs in the default suite; the long
one (over 1,000,000 inputs, two processes) in `bin/cityops reliability`.
"""

from __future__ import annotations

import pytest

from tests.fuzz.campaign import Tally, fuzz

# target -> inputs of the long run; the loader is the slowest by far (pure-Python YAML).
LONG_RUN = {"native_readings": 240_000, "senml": 220_000, "native_incidents": 220_000,
            "open311": 200_000, "rules_loader": 120_000}
SHORT_RUN = 2_000  # each of five targets: 10,000 in all
FAMILY = "bad input"


def _record(results, tally: Tally) -> None:
    passed = tally.crashes == 0 and tally.hangs == 0
    results.add(FAMILY, tally.target, passed, **tally.figures())
    print(f"{tally.target}: {dict(tally.outcomes.most_common())}\n"
          f"slowest ({tally.slowest_ms:.1f} ms CPU): {tally.slowest}")
    shown = "\n".join(tally.failures)
    assert tally.crashes == 0, f"{tally.crashes} crashes in {tally.inputs} inputs:\n{shown}"
    assert tally.hangs == 0, f"{tally.hangs} over the time budget:\n{shown}"
    # Both sides of every target are reached: not all refused, not all accepted.
    assert 0 < tally.outcomes["accepted"] < tally.inputs, tally.outcomes


@pytest.mark.parametrize("target", sorted(LONG_RUN))
def test_short_fuzz(target: str, results) -> None:
    _record(results, fuzz(target, SHORT_RUN, seed=8))


@pytest.mark.reliability
@pytest.mark.parametrize("target", sorted(LONG_RUN))
def test_long_fuzz(target: str, results) -> None:
    _record(results, fuzz(target, LONG_RUN[target], seed=2026, processes=2))
