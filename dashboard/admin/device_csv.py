"""Checking a device CSV line by line before it goes the way of `cityops devices import`.

`store.device_file.read` stops at the first bad row, which suits a terminal; a page should say
what is wrong with every line at once and import the good ones. The good rows come out in
the shape `registry.read` gives, so placement and the upsert are the command's own code.
Reasons are catalogue keys with values, so they read in the admin's language.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from devices.profiles import default_set
from store.device_file import FIELDS

REQUIRED = ("device_id", "kind")
# Codes in a file are not trusted (devices are placed by their coordinates), but a file
# written by the simulator carries them, so they are accepted and ignored.
KNOWN = frozenset(FIELDS) | {"placed"}
MAX_ROWS = 200_000
DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}")

TEMPLATE_ROWS = (
    ("streetlight-000001", "streetlight", "外滩路灯1", "121.4903", "31.2397",
     '{"type": "streetlight"}'),
    ("gauge-river-0001", "gauge", "苏州河水位计1", "121.4735", "31.2418",
     '{"type": "river_gauge"}'),
)


@dataclass(frozen=True)
class Reason:
    """Why a line was refused or noted: a catalogue key and the values it names."""

    key: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LineNote:
    line: int
    device_id: str
    reason: Reason


@dataclass
class DeviceCsv:
    rows: list[dict]                 # good rows, as store.device_file.read gives them (+ "line")
    rejected: list[LineNote]
    problem: Reason | None = None    # the file as a whole cannot be read
    ignored_columns: list[str] = field(default_factory=list)


def template() -> str:
    """The CSV an admin fills in: the columns `cityops devices import` reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("device_id", "kind", "name", "lon", "lat", "meta"))
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


def _coordinate(raw: dict, name: str, low: float,
                high: float) -> tuple[float | None, Reason | None]:
    text = (raw.get(name) or "").strip()
    if not text:
        return None, None
    try:
        value = float(text)
    except ValueError:
        return None, Reason("admin.devices.reason.not_number", {"column": name, "value": text})
    if not math.isfinite(value) or not low <= value <= high:
        return None, Reason("admin.devices.reason.out_of_range",
                            {"column": name, "value": text, "low": low, "high": high})
    return value, None


def _meta(text: str | None) -> tuple[dict, Reason | None]:
    if not text or not text.strip():
        return {}, None
    try:
        meta = json.loads(text)
    except ValueError as exc:
        return {}, Reason("admin.devices.reason.bad_meta", {"error": str(exc)})
    if not isinstance(meta, dict):
        return {}, Reason("admin.devices.reason.meta_not_object", {})
    return meta, None


def check_row(raw: dict, kinds: Collection[str]) -> tuple[dict | None, Reason | None]:
    """One CSV row -> a registry row, or the first reason it cannot be one. `kinds`: the
    device kinds of the profiles in force."""
    device_id = (raw.get("device_id") or "").strip()
    kind = (raw.get("kind") or "").strip()
    if not device_id:
        return None, Reason("admin.devices.reason.no_id")
    if not DEVICE_ID.fullmatch(device_id):
        return None, Reason("admin.devices.reason.bad_id", {"device_id": device_id})
    if not kind:
        return None, Reason("admin.devices.reason.no_kind")
    if kind not in kinds:
        return None, Reason("admin.devices.reason.unknown_kind",
                            {"kind": kind, "known": ", ".join(sorted(kinds))})
    lon, problem = _coordinate(raw, "lon", -180.0, 180.0)
    if problem:
        return None, problem
    lat, problem = _coordinate(raw, "lat", -90.0, 90.0)
    if problem:
        return None, problem
    if (lon is None) != (lat is None):
        return None, Reason("admin.devices.reason.half_position")
    meta, problem = _meta(raw.get("meta"))
    if problem:
        return None, problem
    name = (raw.get("name") or "").strip() or None
    return {"device_id": device_id, "kind": kind, "name": name, "lon": lon, "lat": lat,
            "meta": meta}, None


def parse(text: str, kinds: Collection[str] | None = None) -> DeviceCsv:
    """Every line checked; the good rows and the refused ones with their reasons. Kinds are
    those of the profiles in force (default: the packaged profiles)."""
    kinds = kinds if kinds is not None else default_set().kinds
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [c.strip() for c in (reader.fieldnames or []) if c]
    if not columns:
        return DeviceCsv([], [], Reason("admin.devices.file.empty"))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        return DeviceCsv([], [], Reason("admin.devices.file.missing_columns",
                                        {"columns": ", ".join(missing)}))
    reader.fieldnames = columns
    good: list[dict] = []
    rejected: list[LineNote] = []
    first_seen: dict[str, int] = {}
    try:
        for raw in reader:
            line = reader.line_num
            if len(good) + len(rejected) >= MAX_ROWS:
                return DeviceCsv([], [], Reason("admin.devices.file.too_many",
                                                {"limit": MAX_ROWS}))
            if not any((v or "").strip() for k, v in raw.items() if k):
                continue  # a blank line in a spreadsheet export
            row, reason = check_row(raw, kinds)
            device_id = (raw.get("device_id") or "").strip()
            if reason is None and device_id in first_seen:
                reason = Reason("admin.devices.reason.duplicate", {"line": first_seen[device_id]})
            if reason is not None:
                rejected.append(LineNote(line, device_id, reason))
                continue
            first_seen[device_id] = line
            good.append({**row, "line": line})
    except csv.Error as exc:
        return DeviceCsv([], [], Reason("admin.devices.file.not_csv",
                                        {"line": reader.line_num, "error": str(exc)}))
    ignored = [c for c in columns if c not in KNOWN]
    return DeviceCsv(good, rejected, None, ignored)
