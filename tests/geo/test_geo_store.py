import argparse

import numpy as np
import pytest
import shapely

from geo import store
from geo.assignment import Assigner
from geo.commands import import_handler
from geo.demo import build_demo


@pytest.fixture(scope="module")
def huangpu():
    return build_demo(seed=2, districts=["310101"], cell_size_m=1000)


@pytest.mark.integration
def test_areas_round_trip_through_the_database(db, huangpu):
    written = store.write_areas(db, huangpu, commit=False)  # the fixture rolls back
    assert written == len(huangpu)
    back = store.read_areas(db)
    mine = back[back["code"].isin(huangpu["code"])].set_index("code").loc[huangpu["code"]]
    assert list(mine["level"]) == list(huangpu["level"])
    assert list(mine["name_zh"]) == list(huangpu["name_zh"])
    assert list(mine["street_code"]) == list(huangpu["street_code"])
    assert list(mine["is_generated"]) == list(huangpu["is_generated"])
    assert mine["properties"].iat[0]["seed"] == 2
    assert shapely.equals_exact(mine.geometry.values, huangpu.geometry.values, tolerance=0).all()
    grid = store.read_areas(db, ["grid"])
    assert set(grid["level"]) == {"grid"}


@pytest.mark.integration
def test_assignment_from_database_areas(db, huangpu):
    store.write_areas(db, huangpu, commit=False)
    areas = store.read_areas(db)
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = huangpu.total_bounds
    lon, lat = rng.uniform(minx, maxx, 5000), rng.uniform(miny, maxy, 5000)
    ours = Assigner.from_areas(huangpu).assign(lon, lat)
    theirs = Assigner.from_areas(areas).assign(lon, lat)
    assert ours["grid_code"].astype(object).equals(theirs["grid_code"].astype(object))


@pytest.mark.integration
def test_import_refuses_a_file_with_problems(settings, tmp_path, capsys):
    import geopandas as gpd

    path = tmp_path / "streets.geojson"
    frame = gpd.GeoDataFrame(
        {"code": ["310101002", "310101002"], "name": ["南京东路街道", "外滩街道"]},
        geometry=[
            shapely.box(121.0, 31.0, 121.01, 31.01),
            shapely.box(121.01, 31.0, 121.02, 31.01),
        ],
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GeoJSON")
    args = argparse.Namespace(
        paths=[str(path)],
        level="street",
        crs="wgs84",
        code_field=None,
        name_field=None,
        parent_field=None,
        parent_code="310101",
        layer=None,
        tolerance=0.001,
        dry_run=False,
    )
    assert import_handler(args, settings) == 1
    err = capsys.readouterr().err
    assert "duplicate_code" in err and "310101002" in err and "外滩街道" in err
