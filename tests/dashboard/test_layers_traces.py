"""Map layers as pure functions: registry, traces, legends, patches, the offline base."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from dash import Patch

import layers
from dashboard.i18n import catalogue
from layers import by_name, cases, cells, devices, incidents, workers
from layers.basemap import tile_images, zoom_for
from layers.drill import clicked_code
from layers.figure import MapOptions, axes_layout
from layers.frame import Frame
from layers.patching import patch_list, patch_memory
from layers.typed import typed, untyped

NOW = datetime(2025, 5, 10, 6, 0, tzinfo=UTC)
FRAME = Frame(NOW, (121.40, 31.20, 121.50, 31.26))


def operations(patch: Patch) -> list[dict]:
    return patch.to_plotly_json()["operations"]


def test_every_layer_is_registered_once_with_the_whole_contract() -> None:
    names = [layer.NAME for layer in layers.LAYERS]
    assert len(names) == len(set(names))
    for layer in layers.LAYERS:
        for attribute in ("LEGEND", "query", "traces", "memory", "patch"):
            assert hasattr(layer, attribute), (layer.NAME, attribute)


def test_every_legend_label_is_in_both_catalogues() -> None:
    for layer in layers.LAYERS:
        for entry in layer.LEGEND:
            for lang in ("zh-CN", "en"):
                assert entry.key in catalogue(lang), (lang, entry.key)


def test_by_name_keeps_drawing_order_and_refuses_unknown_names() -> None:
    assert [layer.NAME for layer in by_name(["cases", "devices"])] == ["devices", "cases"]
    with pytest.raises(ValueError, match="unknown map layers"):
        by_name(["weather"])


def test_devices_are_one_webgl_trace_coloured_by_status_code() -> None:
    data = devices.Devices(["a", "b", "c"], [121.41, 121.42, 121.43], [31.21, 31.22, 31.23],
                           [0, 1, 2])
    trace, counts = devices.traces(data, "zh-CN")
    assert counts["name"] == "devices-parts" and counts["text"] == []
    assert trace["type"] == "scattergl"
    assert trace["marker"]["color"] == [0, 1, 2]
    assert list(untyped(trace["x"])) == pytest.approx([121.41, 121.42, 121.43], abs=1e-5)
    scale = dict((round(stop, 2), colour) for stop, colour in devices.colour_scale())
    assert scale[0.0] == devices.COLOURS["normal"] and scale[1.0] == devices.COLOURS["offline"]


def test_a_device_changing_status_is_one_patch_operation() -> None:
    ids, places = list("abcdefghij"), [float(k) for k in range(10)]
    before = devices.Devices(ids, places, places, [0] * 10)
    after = devices.Devices(ids, places, places, [0, 1] + [0] * 8)
    figure = Patch()
    assert devices.patch([figure["data"][3]], devices.memory(before), after)
    assert operations(figure) == [{"operation": "Assign", "location":
                                   ["data", 3, "marker", "color", 1], "params": {"value": 1}}]


def test_a_new_device_needs_a_full_redraw() -> None:
    before = devices.Devices(["a"], [1.0], [1.0], [0])
    after = devices.Devices(["a", "b"], [1.0, 2.0], [1.0, 2.0], [0, 0])
    assert not devices.patch([Patch()], devices.memory(before), after)


def test_cases_resend_only_the_severity_whose_cases_changed() -> None:
    point = cases.Point(1, 121.41, 31.21, "井盖破损")
    before = {"critical": [point], "major": [], "minor": [], "info": []}
    after = {**before, "minor": [cases.Point(2, 121.42, 31.22, "暴露垃圾")]}
    traces = cases.traces(after, "zh-CN")
    assert [t["name"] for t in traces] == [f"cases-{s}" for s in cases.SEVERITIES] + \
        ["cases-parts"]
    figure = Patch()
    assert cases.patch([figure["data"][k] for k in range(4)], cases.memory(before), after)
    touched = {tuple(op["location"][:2]) for op in operations(figure)}
    assert touched == {("data", cases.SEVERITIES.index("minor"))}
    unchanged = Patch()
    cases.patch([unchanged["data"][k] for k in range(4)], cases.memory(after), after)
    assert operations(unchanged) == []


def test_counts_per_part_patch_their_text_and_switch_modes_by_redrawing() -> None:
    from layers.detail import Count
    codes = ["310101", "310104", "310105", "310106"]
    before = devices.Parts([Count(c, 121.4, 31.2, "a") for c in codes[:3]]
                           + [Count(codes[3], 121.5, 31.3, "")])
    after = devices.Parts([Count(c, 121.4, 31.2, "a") for c in codes[:3]]
                          + [Count(codes[3], 121.5, 31.3, "b")])
    figure = Patch()
    assert devices.patch([figure["data"][0], figure["data"][1]], devices.memory(before), after)
    assert operations(figure) == [{"operation": "Assign", "location": ["data", 1, "text", 3],
                                   "params": {"value": "b"}}]
    single = devices.Devices(["a"], [1.0], [1.0], [0])
    assert not devices.patch([Patch(), Patch()], devices.memory(single), after)
    assert not devices.patch([Patch(), Patch()], devices.memory(after), single)


def test_district_and_street_shades_are_shares_of_the_busiest() -> None:
    assert cells.share_bins({"a": 40, "b": 3}) == (1, 10, 20, 30)
    assert cells.share_bins({"a": 2}) == (1, 2, 3, 4)  # four shades stay four
    assert cells.share_bins({}) == (1, 2, 3, 4)


def test_cell_shades_follow_the_bins() -> None:
    bins = cells.BINS["open_cases"]
    assert [cells.shade_of(n, bins) for n in (0, 1, 2, 3, 4, 5, 40)] == \
        [None, 0, 1, 2, 2, 3, 3]


def test_incident_density_patches_only_changed_bins_and_the_ceiling() -> None:
    before = incidents.Density(121.4, 31.2, 0.01, 0.01, [[0, 1], [2, 0]])
    after = incidents.Density(121.4, 31.2, 0.01, 0.01, [[0, 1], [3, 0]])
    (trace,) = incidents.traces(after, "en")
    assert trace["type"] == "heatmap" and trace["zmin"] == 0
    figure = Patch()
    assert incidents.patch([figure["data"][0]], incidents.memory(before), after)
    assert [op["location"] for op in operations(figure)] == [["data", 0, "z", 1, 0]]


def test_the_density_ceiling_ignores_a_single_hot_spot() -> None:
    z = [[1] * 99 + [500]]
    assert incidents.ceiling(z) < 500
    assert incidents.ceiling([[0, 0]]) == 4


def test_workers_on_duty_redraw_when_the_shift_changes() -> None:
    before = workers.OnDuty(["w1"], ["张三"], [121.41], [31.21])
    after = workers.OnDuty(["w1", "w2"], ["张三", "李四"], [121.41, 121.42], [31.21, 31.22])
    figure = Patch()
    workers.patch([figure["data"][0]], workers.memory(before), after)
    assert {op["location"][-1] for op in operations(figure)} == {"x", "y", "text"}


def test_patch_list_sends_items_or_the_whole_list_whichever_is_smaller() -> None:
    parent = Patch()
    assert patch_list(parent, "y", [1, 2, 3, 4, 5], [1, 2, 9, 4, 5]) == 1
    assert operations(parent)[0]["location"] == ["y", 2]
    whole = Patch()
    patch_list(whole, "y", [1, 2, 3], [7, 8, 9])
    assert operations(whole) == [{"operation": "Assign", "location": ["y"],
                                  "params": {"value": [7, 8, 9]}}]


def test_patch_memory_walks_dicts_and_rows() -> None:
    root = Patch()
    old = {"codes": [0, 0, 0, 0], "members": [["a"], ["b"]], "zmax": 4}
    new = {"codes": [0, 2, 0, 0], "members": [["a"], ["b", "c"]], "zmax": 4}
    patch_memory(root, "devices", old, new)
    assert [op["location"] for op in operations(root)] == [
        ["devices", "codes", 1], ["devices", "members", 1]]


def test_typed_arrays_round_trip_to_about_a_metre() -> None:
    values = [121.473701, 31.230416, float("nan")]
    back = untyped(json.loads(json.dumps(typed(values))))
    assert back[0] == pytest.approx(values[0], abs=1e-5)
    assert back[2] != back[2]  # NaN survives: it breaks outlines into rings


def test_offline_map_is_plain_axes_with_no_images_and_equal_aspect() -> None:
    layout = axes_layout(FRAME, MapOptions())
    assert "images" not in layout and "map" not in layout and "mapbox" not in layout
    assert layout["yaxis"]["scaleanchor"] == "x"
    assert layout["yaxis"]["scaleratio"] == pytest.approx(1 / 0.8558, rel=1e-3)


def test_a_tile_url_lays_tiles_under_the_same_axes() -> None:
    url = "http://tiles.intranet.example/{z}/{x}/{y}.png"
    layout = axes_layout(FRAME, MapOptions(tile_url=url))
    images = layout["images"]
    zoom = zoom_for(FRAME.extent)
    assert images and all(image["source"].startswith(f"http://tiles.intranet.example/{zoom}/")
                          for image in images)
    assert all(image["layer"] == "below" and image["xref"] == "x" for image in images)
    west = min(image["x"] for image in images)
    east = max(image["x"] + image["sizex"] for image in images)
    assert west <= FRAME.extent[0] and east >= FRAME.extent[2]
    assert tile_images(url, FRAME.extent) == images


def test_a_click_on_a_name_gives_its_area_code() -> None:
    assert clicked_code({"points": [{"customdata": "310101002", "text": "外滩街道"}]}) == \
        "310101002"
    assert clicked_code({"points": [{"customdata": 17}]}) is None
    assert clicked_code(None) is None
