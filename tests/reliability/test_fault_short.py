"""kill -9 of the alerts engine under a stream, then restart: the short fault.

It was the default suite's fault until #18, whose group test kills an engine member
mid-run on the three-broker cluster and holds its cases to a single engine's
(tests/cluster/test_engine_group.py); the suite needed its 19 s.

The long versions (every service, the broker, the database, a dead-letter burst) are in
tests/reliability/test_faults.py. This one runs on the shared stack, since it stops
nothing but its own engine: afterwards every reading and incident is stored exactly once,
every breach has exactly one case whose hold began at the breach's first reading (the
hold timer pending at the kill survived it), and both consumer groups are at zero lag.
"""

from __future__ import annotations

import pytest

from tests.reliability.conftest import results  # noqa: F401 - the reliability table
from tests.reliability.faults import scenario
from tests.reliability.faults.load import Plan
from tests.reliability.faults.world import delete_topics, make_world

pytestmark = [pytest.mark.integration, pytest.mark.reliability]


def test_kill_9_of_the_alerts_engine_under_a_stream(base_settings, databases, results,  # noqa: F811
                                                    tmp_path) -> None:
    world = make_world(base_settings, databases, "fault_short", tmp_path, devices=80)
    fault = scenario.Fault("kill -9 alerts engine (short)",
                           scenario.kill_9_and_restart("alerts"))
    try:
        figures = scenario.run(world, Plan(instants=80, per_second=8), fault, "short",
                               settle_s=40)
    finally:
        delete_topics(world)
    broken = scenario.passed(figures)
    scenario.record(results, "kill -9 alerts engine under a stream (short)", figures, broken)
    assert not broken, (broken, figures, world.log_tail("alerts"))
