"""Each defect kind, planted in a small crafted file, is reported by name and code."""

import geopandas as gpd
import pytest
import shapely

from geo.coordinates import wgs84_to_gcj02
from geo.importing import read_boundaries
from geo.validation import check

STREET = "310101002"


def _parent():
    return gpd.GeoDataFrame(
        {"code": [STREET], "name_zh": ["南京东路街道"]},
        geometry=[shapely.box(121.0, 31.0, 121.02, 31.02)],
        crs="EPSG:4326",
    )


def _good_rows():
    return [
        {
            "code": "310101002001",
            "name": "甲社区",
            "parent_code": STREET,
            "geometry": shapely.box(121.0, 31.0, 121.01, 31.02),
        },
        {
            "code": "310101002002",
            "name": "乙社区",
            "parent_code": STREET,
            "geometry": shapely.box(121.01, 31.0, 121.02, 31.02),
        },
    ]


def _write(tmp_path, rows, driver="GeoJSON", suffix=".geojson"):
    path = tmp_path / f"communities{suffix}"
    gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").to_file(path, driver=driver)
    return path


def _problems(tmp_path, rows, **options):
    areas = read_boundaries(_write(tmp_path, rows), "community", "wgs84", **options)
    return check(areas, _parent())


def test_clean_file_has_no_problems(tmp_path):
    assert _problems(tmp_path, _good_rows()) == []


@pytest.mark.filterwarnings("ignore:Column names longer", "ignore:Normalized/laundered")
@pytest.mark.parametrize("driver,suffix", [("GPKG", ".gpkg"), ("ESRI Shapefile", ".shp")])
def test_geopackage_and_shapefile_read_alike(tmp_path, driver, suffix):
    areas = read_boundaries(_write(tmp_path, _good_rows(), driver, suffix), "community", "cgcs2000")
    assert list(areas["code"]) == ["310101002001", "310101002002"]
    assert list(areas["name_zh"]) == ["甲社区", "乙社区"]
    assert check(areas, _parent()) == []


def _defect(kind):
    rows = _good_rows()
    if kind == "missing_code":
        rows[0]["code"] = ""
    elif kind == "missing_name":
        rows[1]["name"] = None
    elif kind == "duplicate_code":
        rows[1]["code"] = rows[0]["code"]
    elif kind == "empty_geometry":
        rows[1]["geometry"] = shapely.Polygon()
    elif kind == "invalid_geometry":  # a bow-tie: the ring crosses itself
        rows[1]["geometry"] = shapely.Polygon(
            [(121.01, 31.0), (121.02, 31.02), (121.02, 31.0), (121.01, 31.02)]
        )
    elif kind == "unknown_parent":
        rows[1]["parent_code"] = "310101999"
    elif kind == "outside_parent":
        rows[1]["geometry"] = shapely.box(121.01, 31.0, 121.03, 31.02)
    elif kind == "overlap":
        rows[1]["geometry"] = shapely.box(121.005, 31.0, 121.02, 31.02)
    elif kind == "gap":
        rows[1]["geometry"] = shapely.box(121.012, 31.0, 121.02, 31.02)
    return rows


@pytest.mark.parametrize(
    "kind",
    [
        "missing_code",
        "missing_name",
        "duplicate_code",
        "empty_geometry",
        "invalid_geometry",
        "unknown_parent",
        "outside_parent",
        "overlap",
        "gap",
    ],
)
def test_each_defect_is_caught_and_named(tmp_path, kind):
    problems = _problems(tmp_path, _defect(kind))
    assert kind in {p.kind for p in problems}
    problem = next(p for p in problems if p.kind == kind)
    if kind == "gap":
        assert (problem.code, problem.name) == (STREET, "南京东路街道")
    elif kind == "missing_code":
        assert problem.name == "甲社区"
    else:
        assert problem.code in {"310101002001", "310101002002"}
    assert problem.code or problem.name in str(problem)


def test_slivers_within_tolerance_pass(tmp_path):
    rows = _good_rows()
    rows[1]["geometry"] = shapely.box(121.01, 31.0, 121.020005, 31.02)  # 0.05% pokes out
    assert _problems(tmp_path, rows) == []
    rows[1]["geometry"] = shapely.box(121.01, 31.0, 121.0201, 31.02)  # 1% pokes out
    assert [p.kind for p in _problems(tmp_path, rows)] == ["outside_parent"]


def test_gcj02_files_are_converted_to_wgs84(tmp_path):
    rows = _good_rows()
    for row in rows:
        ring = shapely.get_coordinates(row["geometry"])
        lon, lat = wgs84_to_gcj02(ring[:, 0], ring[:, 1])
        row["geometry"] = shapely.Polygon(list(zip(lon, lat, strict=True)))
    areas = read_boundaries(_write(tmp_path, rows), "community", "gcj02")
    original = [shapely.MultiPolygon([r["geometry"]]) for r in _good_rows()]
    assert all(
        shapely.hausdorff_distance(a, b) < 1e-7
        for a, b in zip(areas.geometry, original, strict=True)
    )
    assert check(areas, _parent()) == []


def test_fields_can_be_named(tmp_path):
    rows = [
        {"adm_code": r["code"], "zh": r["name"], "up": r["parent_code"], "geometry": r["geometry"]}
        for r in _good_rows()
    ]
    areas = read_boundaries(
        _write(tmp_path, rows),
        "community",
        "wgs84",
        code_field="adm_code",
        name_field="zh",
        parent_field="up",
    )
    assert list(areas["parent_code"]) == [STREET, STREET]
    with pytest.raises(ValueError, match="no field 'nope'"):
        read_boundaries(_write(tmp_path, rows), "community", "wgs84", code_field="nope")
