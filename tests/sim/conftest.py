"""A small simulated city and two hours of its stream, built once per run without a database."""

import pytest

from geo.demo import build_demo
from sim.placement import Cells, place
from sim.plan import Plan
from sim.stream import Stream

START = 1795132800.0  # 2026-11-20 08:00 Shanghai: a weekday morning
PLAN = Plan(devices=300, rate=50.0, seed=5, start=START, duration=2 * 3600.0,
            reading_formats={"native": 0.6, "senml": 0.4},
            incident_formats={"native": 0.5, "open311": 0.5}, malformed=0.05)


@pytest.fixture(scope="session")
def small_areas():
    return build_demo(seed=1, districts=["310101", "310104"])


@pytest.fixture(scope="session")
def cells(small_areas):
    return Cells.from_areas(small_areas)


def simulate(cells, plan: Plan) -> list:
    return list(Stream(cells, place(cells, plan.devices, plan.seed), plan))


@pytest.fixture(scope="session")
def stream(cells):
    return simulate(cells, PLAN)
