"""Reading a roster file (YAML or CSV): responsible units, their areas, workers and shifts.

Every problem is reported with the file and line (YAML) or row (CSV) at once, so a
roster with ten mistakes needs one round of fixing, not ten. Format: docs/dispatch.md.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from alerts.cases.tiers import TIERS
from alerts.dispatch.errors import RosterError, ScheduleError
from alerts.dispatch.schedule import parse_schedule

WORKER_KEYS = {"id", "name", "phone", "tier", "grid", "unit", "lon", "lat", "schedule",
               "active"}
UNIT_KEYS = {"code", "name", "phone", "areas"}
CSV_COLUMNS = {"worker_id": "id", "name": "name", "phone": "phone", "tier": "tier",
               "grid_code": "grid", "unit_code": "unit", "lon": "lon", "lat": "lat",
               "shifts": "schedule", "active": "active"}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    phone: str | None
    areas: tuple[str, ...]
    where: str  # "file:line", for messages about it later (e.g. an unknown area)


@dataclass(frozen=True)
class Worker:
    worker_id: str
    name: str
    phone: str | None
    tier: str
    grid_code: str | None
    unit_code: str | None
    lon: float | None
    lat: float | None
    schedule: Any  # as written; checked by parse_schedule
    active: bool
    where: str


@dataclass(frozen=True)
class Roster:
    units: tuple[Unit, ...]
    workers: tuple[Worker, ...]


def read_roster(path: Path) -> Roster:
    """Read and check a .yaml/.yml or .csv roster; RosterError lists every problem."""
    text = path.read_text(encoding="utf-8-sig")  # spreadsheets often save a BOM
    if path.suffix.lower() == ".csv":
        return _checked(path, [], [(f"{path}:row {n}", item)
                                   for n, item in _csv_items(text)])
    if path.suffix.lower() in (".yaml", ".yml"):
        units, workers = _yaml_items(path, text)
        return _checked(path, units, workers)
    raise RosterError(f"{path}: a roster is a .yaml, .yml or .csv file")


def _yaml_items(path: Path, text: str) -> tuple[list, list]:
    try:
        data, node = yaml.safe_load(text) or {}, yaml.compose(text)
    except yaml.YAMLError as exc:
        raise RosterError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or set(data) - {"units", "workers"}:
        raise RosterError(f"{path}: a roster has the keys units and workers")
    lines = {key.value: [item.start_mark.line + 1 for item in value.value]
             for key, value in node.value if isinstance(value, yaml.SequenceNode)}
    return ([(f"{path}:{line}", item) for line, item in
             zip(lines.get("units", []), data.get("units") or [], strict=False)],
            [(f"{path}:{line}", item) for line, item in
             zip(lines.get("workers", []), data.get("workers") or [], strict=False)])


def _csv_items(text: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    unknown = set(reader.fieldnames or []) - set(CSV_COLUMNS)
    if unknown:
        raise RosterError(f"unknown CSV columns {sorted(unknown)}; known: "
                          f"{', '.join(CSV_COLUMNS)}")
    items = []
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        item = {CSV_COLUMNS[k]: v.strip() for k, v in row.items() if k and v and v.strip()}
        if "schedule" in item:  # "mon-fri 08:00-17:00; sat 22:00-06:00"
            item["schedule"] = [s.strip() for s in item["schedule"].split(";") if s.strip()]
        items.append((number, item))
    return items


def _checked(path: Path, units: list, workers: list) -> Roster:
    problems: list[str] = []
    read_units = [u for where, item in units if (u := _unit(where, item, problems))]
    read_workers = [w for where, item in workers if (w := _worker(where, item, problems))]
    seen: set[str] = set()
    for worker in read_workers:
        if worker.worker_id in seen:
            problems.append(f"{worker.where}: worker {worker.worker_id} appears twice")
        seen.add(worker.worker_id)
    if problems:
        raise RosterError(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return Roster(tuple(read_units), tuple(read_workers))


def _unit(where: str, item: Any, problems: list[str]) -> Unit | None:
    if not isinstance(item, dict) or set(item) - UNIT_KEYS or not item.get("code"):
        problems.append(f"{where}: a unit has a code and a name, optionally phone and areas "
                        f"(known keys: {', '.join(sorted(UNIT_KEYS))})")
        return None
    areas = item.get("areas") or []
    return Unit(str(item["code"]), str(item.get("name") or item["code"]), _text(item, "phone"),
                tuple(str(a) for a in (areas if isinstance(areas, list) else [areas])), where)


def _worker(where: str, item: Any, problems: list[str]) -> Worker | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: a worker is a mapping of {', '.join(sorted(WORKER_KEYS))}")
        return None
    mistakes = _worker_mistakes(item)
    problems.extend(f"{where}: worker {item.get('id', '?')}: {m}" for m in mistakes)
    if mistakes:
        return None
    return Worker(str(item["id"]), str(item["name"]), _text(item, "phone"),
                  item.get("tier", "grid"), _text(item, "grid"), _text(item, "unit"),
                  _number(item.get("lon")), _number(item.get("lat")),
                  item.get("schedule") or [], _flag(item.get("active", True)), where)


def _worker_mistakes(item: dict) -> list[str]:
    mistakes = [f"unknown key {k!r}" for k in sorted(set(item) - WORKER_KEYS)]
    mistakes += [f"{k} is required" for k in ("id", "name") if not item.get(k)]
    tier = item.get("tier", "grid")
    if tier not in TIERS:
        mistakes.append(f"tier {tier!r} is not one of {', '.join(TIERS)}")
    elif tier == "grid" and not item.get("grid") and not item.get("unit"):
        mistakes.append("a grid worker needs a grid or a unit: that is where they work")
    elif tier != "grid" and not item.get("unit"):
        mistakes.append(f"a {tier} worker needs a unit: the unit's areas are where they work")
    try:
        _number(item.get("lon")), _number(item.get("lat"))
        _flag(item.get("active", True))
        parse_schedule(item.get("schedule") or [])
    except (ValueError, ScheduleError) as exc:
        mistakes.append(str(exc))
    return mistakes


def _text(item: dict, key: str) -> str | None:
    value = item.get(key)
    return None if value is None or value == "" else str(value)


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"lon and lat are numbers, not {value!r}") from None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "yes", "1", "是"):
        return True
    if str(value).strip().lower() in ("false", "no", "0", "否"):
        return False
    raise ValueError(f"active is true or false, not {value!r}")
