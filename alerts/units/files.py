"""Reading and writing the units and responsibility-list files people edit.

One YAML file may hold both lists:

    units:
      - {code: HP-ROAD, name: 黄浦区路政所, tier: district, area: "310101", serves: ["310101"]}
    responsibilities:
      - {category: 道路交通, subtype: 道路破损, area: "310101", unit: HP-ROAD}
      - {area: "310101002", unit: HP-S2-CG}          # the street's default (*, *)

The responsibility list also reads and writes as CSV with the header
`category,subtype,area_code,unit_code` (what a spreadsheet exports). Every problem is
reported with its line, all at once, so a file is fixed in one pass.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import yaml

from alerts.units.directory import TIERS, Unit
from alerts.units.responsibility import ANY, Duty
from cityops import marked_yaml

CSV_HEADER = ("category", "subtype", "area_code", "unit_code")
UNIT_KEYS = {"code", "name", "tier", "area", "phone", "serves"}
DUTY_KEYS = {"category", "subtype", "area", "unit"}


class ListProblems(ValueError):
    """The file cannot be used; `problems` are `name:line: what`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class UnitsFile:
    units: tuple[Unit, ...]
    duties: tuple[Duty, ...]


def read(name: str, text: str) -> UnitsFile:
    """A .csv (the list only) or a .yaml file; ListProblems when anything is wrong."""
    if name.lower().endswith(".csv"):
        return _csv_duties(name, text)
    return _yaml_file(name, text)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _csv_duties(name: str, text: str) -> UnitsFile:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or tuple(c.strip() for c in rows[0]) != CSV_HEADER:
        raise ListProblems([f"{name}:1: the header must be {','.join(CSV_HEADER)}"])
    problems: list[str] = []
    duties = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(CSV_HEADER):
            problems.append(f"{name}:{line}: {len(row)} columns, expected {len(CSV_HEADER)}")
            continue
        duty = _duty(f"{name}:{line}", dict(zip(("category", "subtype", "area", "unit"), row,
                                                strict=True)), problems)
        if duty:
            duties.append(duty)
    return _checked(name, (), tuple(duties), problems)


def _yaml_file(name: str, text: str) -> UnitsFile:
    try:
        data = marked_yaml.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ListProblems([f"{name}{line}: not YAML: {getattr(exc, 'problem', exc)}"]) from None
    if not isinstance(data, dict) or not set(data) <= {"units", "responsibilities"}:
        raise ListProblems([f"{name}:1: the file has the lists units and responsibilities"])
    problems: list[str] = []
    units = [u for where, item in _items(name, data, "units", problems)
             if (u := _unit(where, item, problems))]
    duties = [d for where, item in _items(name, data, "responsibilities", problems)
              if (d := _duty(where, item, problems, DUTY_KEYS))]
    return _checked(name, tuple(units), tuple(duties), problems)


def _items(name: str, data: dict, key: str, problems: list[str]) -> list[tuple[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list):
        problems.append(f"{name}:{data.line_of(key)}: {key} is a list")
        return []
    return [(f"{name}:{items.line_of(i)}", item) for i, item in enumerate(items)]


def _unit(where: str, item: Any, problems: list[str]) -> Unit | None:
    if not isinstance(item, dict) or set(item) - UNIT_KEYS:
        problems.append(f"{where}: a unit has {', '.join(sorted(UNIT_KEYS))}")
        return None
    code, name, tier = _text(item.get("code")), _text(item.get("name")), _text(item.get("tier"))
    serves = item.get("serves") or []
    mistakes = [m for m, bad in (
        ("a unit needs a code", not code), ("a unit needs a name", not name),
        (f"tier must be one of {', '.join(TIERS)}", tier not in TIERS),
        ("serves is a list of area codes", not isinstance(serves, list))) if bad]
    problems.extend(f"{where}: {m}" for m in mistakes)
    if mistakes:
        return None
    area = _text(item.get("area")) or None
    return Unit(code, name, tier, area, _text(item.get("phone")) or None,
                tuple(_text(s) for s in serves) or ((area,) if area else ()))


def _duty(where: str, item: Any, problems: list[str],
          keys: set[str] | None = None) -> Duty | None:
    if not isinstance(item, dict) or (keys and set(item) - keys):
        problems.append(f"{where}: a responsibility has {', '.join(sorted(DUTY_KEYS))}")
        return None
    area, unit = _text(item.get("area")), _text(item.get("unit"))
    if not area or not unit:
        problems.append(f"{where}: a responsibility needs an area and a unit")
        return None
    return Duty(_text(item.get("category")) or ANY, _text(item.get("subtype")) or ANY,
                area, unit)


def _checked(name: str, units: tuple[Unit, ...], duties: tuple[Duty, ...],
             problems: list[str]) -> UnitsFile:
    seen: dict[tuple, int] = {}
    for number, duty in enumerate(duties):
        if duty.key() in seen:
            problems.append(f"{name}: {'/'.join(duty.key())} is listed twice; one unit answers")
        seen[duty.key()] = number
    codes = [u.code for u in units]
    problems.extend(f"{name}: unit {c} is listed twice" for c in sorted(set(codes))
                    if codes.count(c) > 1)
    if problems:
        raise ListProblems(problems)
    return UnitsFile(units, duties)


def duties_csv(duties: list[Duty]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([d.category, d.subtype, d.area_code, d.unit_code] for d in duties)
    return out.getvalue()


def units_yaml(units: list[Unit], duties: list[Duty]) -> str:
    data = {"units": [u.as_file() for u in units],
            "responsibilities": [{"category": d.category, "subtype": d.subtype,
                                  "area": d.area_code, "unit": d.unit_code} for d in duties]}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
