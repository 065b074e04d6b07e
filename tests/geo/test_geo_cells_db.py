"""`cityops geo cells` on a real database: a city that imported only its streets gets
communities and grid cells, once; the demo refuses a database that holds another city."""

import argparse

import pytest

from geo import store
from geo.commands import cells_handler, import_handler
from geo.demo import build_demo
from ops.demo import OtherCity, _prepare_city
from store import db
from store.migrate import migrate

BINJIANG = "330108"  # 滨江区, Hangzhou: three streets


@pytest.fixture(scope="module")
def streets_only(base_settings, databases, tmp_path_factory):
    """A database of its own holding Hangzhou's city row, 滨江区 and its imported streets."""
    owner_url = databases.create("geocells")
    conn = db.connect(owner_url)
    migrate(conn, base_settings.timescale)
    conn.close()
    settings = databases.world(base_settings, owner_url)
    demo = build_demo(seed=4, cell_size_m=1000, districts=[BINJIANG], city="330100")
    conn = db.connect(settings.database_url)
    store.write_areas(conn, demo[demo["level"].isin(["city", "district"])])
    conn.close()
    path = tmp_path_factory.mktemp("geocells") / "streets.geojson"
    streets = demo[demo["level"] == "street"][["code", "name_zh", "parent_code", "geometry"]]
    streets.to_file(path, driver="GeoJSON")
    imported = argparse.Namespace(
        paths=[str(path)], level="street", crs="wgs84", code_field=None, name_field=None,
        parent_field=None, parent_code=None, layer=None, tolerance=0.001, dry_run=False)
    assert import_handler(imported, settings) == 0
    return settings


def _levels(settings):
    conn = db.connect(settings.database_url)
    try:
        return store.read_areas(conn)
    finally:
        conn.close()


@pytest.mark.integration
def test_cells_fill_communities_and_grid_under_imported_streets_once(streets_only, capsys):
    args = argparse.Namespace(cell_size=500.0, cells_per_community=None, shape="hexagon", seed=1)
    assert cells_handler(args, streets_only) == 0
    areas = _levels(streets_only)
    streets = areas[areas["level"] == "street"]
    communities = areas[areas["level"] == "community"]
    grid = areas[areas["level"] == "grid"]
    assert len(streets) == 3 and not streets["is_generated"].any()  # imported, kept as they were
    assert set(communities["parent_code"]) == set(streets["code"])
    assert set(grid["parent_code"]) == set(communities["code"])
    assert (grid["district_code"] == BINJIANG).all() and grid["is_generated"].all()
    assert f"{len(communities)} community and {len(grid)} grid" in capsys.readouterr().out

    assert cells_handler(args, streets_only) == 0
    assert len(_levels(streets_only)) == len(areas)
    assert "0 community and 0 grid" in capsys.readouterr().out


@pytest.mark.integration
def test_the_demo_refuses_a_database_of_another_city(streets_only):
    conn = db.connect(streets_only.database_url)
    try:
        with pytest.raises(OtherCity, match=r"杭州市 \(330100\).*--city 310000"):
            _prepare_city(conn, streets_only.replace(city="310000"))
        _prepare_city(conn, streets_only.replace(city="330100"))  # its own city: nothing to do
    finally:
        conn.close()
