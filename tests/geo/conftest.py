"""Small demo cities shared by the geography tests (built once per run)."""

import pytest

from geo.demo import build_demo

# Huangpu and Xuhui are dense and urban; Chongming is three islands of towns.
SMALL = ["310101", "310104", "310151"]


@pytest.fixture(scope="session")
def small_city():
    return build_demo(seed=7, districts=SMALL)


@pytest.fixture(scope="session")
def hexagon_city():
    return build_demo(
        seed=3, cells_per_community=4, shape="hexagon", districts=["310101", "310104"]
    )
