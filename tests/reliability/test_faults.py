"""Faults under load, against a private broker and database (issue 8, item 1).

Each scenario starts ingest and the alerts engine (and the dashboard where it is the one
killed) on a world of its own, sends two minutes of simulated load with a ledger of what
the broker acknowledged, does its fault about 40 % of the way in, and then checks: every
good message stored exactly once (counts and checksums), every breach and incident in
exactly one case, the hold timers pending at the fault kept, every consumer group back at
zero lag, and the time to recover. The broker and the database are a stack of this
module's own (tests/reliability/faults/stack.py), so stopping them breaks nobody's run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cityops.settings import Settings
from tests.conftest import Databases
from tests.reliability.faults import scenario
from tests.reliability.faults import stack as fault_stack
from tests.reliability.faults.load import Plan
from tests.reliability.faults.world import delete_topics, make_world

pytestmark = pytest.mark.reliability

DEVICES = 200
LOAD = Plan(instants=600, per_second=5)          # 1,000 readings/s for 2 minutes
OUTAGE_S = 30


@pytest.fixture(scope="module")
def private_stack(base_settings: Settings) -> Iterator[Settings]:
    settings = fault_stack.private_settings(base_settings)
    try:
        fault_stack.up(settings)
        yield settings
    finally:
        fault_stack.down(settings)


@pytest.fixture(scope="module")
def private_databases(private_stack: Settings) -> Iterator[Databases]:
    made = Databases(private_stack)
    yield made
    made.drop_all()


def _stop_kafka(world, _load) -> float:
    return fault_stack.stop_kafka_for(world.settings, OUTAGE_S)


def _restart_postgres(world, _load) -> float:
    return fault_stack.restart_postgres(world.settings)


FAULTS = [
    (scenario.Fault("kill -9 ingest", scenario.kill_9_and_restart("ingest")), LOAD),
    (scenario.Fault("kill -9 alerts engine", scenario.kill_9_and_restart("alerts")), LOAD),
    (scenario.Fault("kill -9 dashboard", scenario.kill_9_and_restart("dashboard"),
                    services=("ingest", "alerts", "dashboard")), LOAD),
    (scenario.Fault(f"Kafka broker stopped {OUTAGE_S} s", _stop_kafka), LOAD),
    (scenario.Fault("PostgreSQL restarted", _restart_postgres), LOAD),
    (scenario.Fault("dead-letter burst: 20,000 bad at once", scenario.bad_burst(20_000)),
     LOAD),
]


@pytest.mark.parametrize(("fault", "plan"), FAULTS, ids=[f.name for f, _ in FAULTS])
def test_fault_under_load(fault: scenario.Fault, plan: Plan, private_stack, private_databases,
                          small_city_areas, results,
                          tmp_path) -> None:
    label = "".join(c if c.isalnum() else "_" for c in fault.name.lower())[:30]
    world = make_world(private_stack, private_databases, label, tmp_path, DEVICES,
                       areas=small_city_areas)
    try:
        figures = scenario.run(world, plan, fault, label)
    finally:
        delete_topics(world)
    broken = scenario.passed(figures)
    scenario.record(results, fault.name, figures, broken)
    assert not broken, (broken, figures, {s: world.log_tail(s, 1500) for s in fault.services})
