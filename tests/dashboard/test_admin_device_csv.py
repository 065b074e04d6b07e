"""Device CSV checks: every line judged at once, with a reason an admin can act on."""

import base64

import pytest

from dashboard.admin.device_csv import parse, template
from dashboard.admin.upload import UploadError, decode, upload_text
from dashboard.i18n import translate
from devices.profiles import default_set

HEADER = "device_id,kind,name,lon,lat,meta\n"


def reasons(text: str) -> dict[int, str]:
    return {note.line: note.reason.key for note in parse(text).rejected}


def test_the_template_is_a_clean_file_of_the_command_columns() -> None:
    checked = parse(template())
    assert checked.problem is None and not checked.rejected and not checked.ignored_columns
    assert [r["device_id"] for r in checked.rows] == ["streetlight-000001", "gauge-river-0001"]
    assert checked.rows[1]["meta"] == {"type": "river_gauge"}
    assert checked.rows[0]["lon"] == pytest.approx(121.4903)


def test_every_bad_line_is_reported_with_its_line_number() -> None:
    text = HEADER + "\n".join([
        "ok-1,streetlight,灯1,121.49,31.23,",              # 2 good
        ",streetlight,,121.49,31.23,",                      # 3 no id
        "ok-2,,x,121.49,31.23,",                            # 4 no kind
        "ok-3,streetlihgt,x,121.49,31.23,",                 # 5 typo
        "ok-4,manhole,x,east,31.23,",                       # 6 not a number
        "ok-5,manhole,x,221.49,31.23,",                     # 7 out of range
        "ok-6,manhole,x,121.49,,",                          # 8 half a position
        'ok-7,manhole,x,121.49,31.23,"{bad json"',          # 9 meta
        'ok-8,manhole,x,121.49,31.23,"[1, 2]"',             # 10 meta not an object
        "ok-1,manhole,x,121.49,31.23,",                     # 11 duplicate of line 2
        "bad id,manhole,x,121.49,31.23,",                   # 12 space in id
        "ok-9,bridge,,,,",                                  # 13 good, no position
    ]) + "\n"
    assert reasons(text) == {
        3: "admin.devices.reason.no_id", 4: "admin.devices.reason.no_kind",
        5: "admin.devices.reason.unknown_kind", 6: "admin.devices.reason.not_number",
        7: "admin.devices.reason.out_of_range", 8: "admin.devices.reason.half_position",
        9: "admin.devices.reason.bad_meta", 10: "admin.devices.reason.meta_not_object",
        11: "admin.devices.reason.duplicate", 12: "admin.devices.reason.bad_id"}
    checked = parse(text)
    assert [(r["device_id"], r["line"]) for r in checked.rows] == [("ok-1", 2), ("ok-9", 13)]
    assert checked.rows[1]["lon"] is None and checked.rows[1]["lat"] is None
    duplicate = next(n for n in checked.rejected if n.line == 11)
    assert duplicate.reason.values == {"line": 2}


def test_reasons_read_in_both_languages_with_their_values() -> None:
    note = next(n for n in parse(HEADER + "a,streetlihgt,,,,\n").rejected)
    zh = translate("zh-CN", note.reason.key, **note.reason.values)
    en = translate("en", note.reason.key, **note.reason.values)
    assert "streetlihgt" in zh and "未知的设备类型" in zh
    assert "unknown kind streetlihgt" in en and "streetlight" in en


def test_a_quoted_field_over_two_lines_keeps_later_line_numbers_right() -> None:
    text = HEADER + 'a,streetlight,"two\nlines",121.4,31.2,\nb,nope,,,,\n'
    assert reasons(text) == {4: "admin.devices.reason.unknown_kind"}


def test_blank_lines_are_skipped_and_unknown_columns_named() -> None:
    text = "device_id,kind,owner,grid_code\na,manhole,水务局,310101001001001\n,,,\n"
    checked = parse(text)
    assert len(checked.rows) == 1 and not checked.rejected
    assert checked.ignored_columns == ["owner"]  # grid_code is a registry column: ignored quietly


@pytest.mark.parametrize(("text", "key"), [
    ("", "admin.devices.file.empty"),
    ("name,lon,lat\nx,1,2\n", "admin.devices.file.missing_columns"),
])
def test_a_file_that_cannot_be_read_says_so_once(text, key) -> None:
    checked = parse(text)
    assert checked.problem is not None and checked.problem.key == key
    assert checked.rows == [] and checked.rejected == []


def test_kinds_are_the_profiles_kinds() -> None:
    kinds = default_set().kinds
    assert {"streetlight", "manhole", "gauge", "smoke_detector"} <= set(kinds)
    assert "river_gauge" not in kinds  # a type (meta.type), not a kind


def test_uploads_in_utf8_with_bom_and_in_gbk_both_read() -> None:
    text = "device_id,kind,name\nlamp-1,streetlight,外滩路灯\n"
    for raw in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("gbk")):
        contents = "data:text/csv;base64," + base64.b64encode(raw).decode()
        assert parse(upload_text(contents)).rows[0]["name"] == "外滩路灯"
    assert decode("行".encode()) == "行"


@pytest.mark.parametrize("contents", [None, "", "data:text/csv;base64,!!notbase64!!"])
def test_an_unreadable_upload_is_refused_with_a_catalogue_key(contents) -> None:
    with pytest.raises(UploadError) as refused:
        upload_text(contents)
    assert refused.value.key.startswith("admin.upload.")
