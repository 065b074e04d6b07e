import numpy as np
import pytest
import shapely

from geo.assignment import RESULT_COLUMNS, Assigner
from geo.hierarchy import level_of


def _points(areas, count: int, seed: int):
    """Random points over (and beyond) the city, plus points exactly on borders."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = areas.total_bounds
    pad = 0.05
    grid = level_of(areas, "grid").geometry.values
    corners = shapely.get_coordinates(shapely.boundary(grid))
    corners = corners[rng.choice(len(corners), count // 5)]
    edges = shapely.get_coordinates(
        shapely.boundary(areas[areas["level"] == "district"].geometry.values)
    )
    edges = edges[rng.choice(len(edges), min(len(edges), count // 50), replace=False)]
    rest = count - len(corners) - len(edges)
    spread = np.column_stack(
        [rng.uniform(minx - pad, maxx + pad, rest), rng.uniform(miny - pad, maxy + pad, rest)]
    )
    points = np.concatenate([corners, edges, spread])
    return points[:, 0], points[:, 1]


def _brute_force(polygons, lon, lat) -> np.ndarray:
    """Lowest-positioned polygon whose closure holds each point, by testing every polygon."""
    answer = np.full(len(lon), -1)
    for position in range(len(polygons) - 1, -1, -1):  # last write = lowest position
        minx, miny, maxx, maxy = polygons[position].bounds
        near = np.flatnonzero((lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy))
        hit = shapely.intersects_xy(polygons[position], lon[near], lat[near])
        answer[near[hit]] = position
    return answer


@pytest.mark.parametrize("city", ["small_city", "hexagon_city"])
def test_assignment_agrees_with_brute_force(request, city):
    areas = request.getfixturevalue(city)
    lon, lat = _points(areas, 100_000, seed=5)
    placed = Assigner.from_areas(areas).assign(lon, lat)
    grid = level_of(areas, "grid")
    expected = _brute_force(grid.geometry.values, lon, lat)
    codes = np.append(grid["code"].to_numpy(dtype=object), None)[expected]
    assert (placed["grid_code"].to_numpy(dtype=object, na_value=None) == codes).all()
    inside = expected >= 0
    assert 0.05 < inside.mean() < 0.95  # the sample really has both kinds
    ancestors = grid.set_index("code").loc[codes[inside]]
    for column in RESULT_COLUMNS[1:]:
        assert (placed[column].to_numpy(dtype=object)[inside] == ancestors[column].to_numpy()).all()
    assert placed.loc[~inside, list(RESULT_COLUMNS)].isna().all().all()
    assert (placed["level"].to_numpy(dtype=object)[inside] == "grid").all()


def test_border_points_go_to_the_lowest_code(small_city):
    grid = level_of(small_city, "grid")
    left, right = shapely.STRtree(grid.geometry.values).query(
        grid.geometry.values, predicate="touches"
    )
    pair = np.flatnonzero(left < right)[0]
    a, b = left[pair], right[pair]
    shared = shapely.intersection(grid.geometry.values[a], grid.geometry.values[b])
    lon, lat = shapely.get_coordinates(shared)[0]
    placed = Assigner.from_areas(small_city).assign([lon], [lat])
    assert placed["grid_code"].iat[0] == min(grid["code"].iat[a], grid["code"].iat[b])


def test_points_without_a_grid_cell_fall_back_to_the_community(small_city):
    community = small_city[small_city["level"] == "community"]["code"].iat[10]
    areas = small_city[small_city["parent_code"] != community]  # drop that community's cells
    point = shapely.point_on_surface(areas.set_index("code").geometry[community])
    placed = Assigner.from_areas(areas).assign([point.x, 0.0], [point.y, 0.0])
    assert placed["level"].iat[0] == "community" and placed["level"].isna().iat[1]
    assert placed["community_code"].iat[0] == community
    assert placed["grid_code"].isna().iat[0]
    assert placed["street_code"].iat[0] == community[:9]


def test_empty_input_and_far_away_points(small_city):
    assigner = Assigner.from_areas(small_city)
    assert len(assigner.assign([], [])) == 0
    far = assigner.assign([0.0, 180.0, 116.4], [0.0, -90.0, 39.9])
    assert far[list(RESULT_COLUMNS)].isna().all().all()
