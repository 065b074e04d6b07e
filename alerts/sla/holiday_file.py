"""The holiday file: each year's official holidays and make-up working days (调休), copied
by the city's admins from the State Council's notice (国务院办公厅关于某年部分节假日安排的通知),
which comes out each autumn, often before the `chinese-calendar` package knows the year.

    years:
      2027:
        source: 国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔…〕…号), https://www.gov.cn/…
        holidays:
          - name: {zh: 元旦, en: New Year's Day}
            from: 2027-01-01
            to: 2027-01-03
        workdays:
          - name: {zh: 春节调休, en: Spring Festival make-up day}
            date: 2027-02-20

Every problem is reported as file:line, all of them at once, and a file with any problem is
not used at all (half a year of holidays is worse than the warning of none).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from cityops import marked_yaml
from cityops.marked_yaml import FileProblem, LineDict, LineList

YEAR_FIELDS = ("source", "holidays", "workdays")
ENTRY_FIELDS = ("name", "date", "from", "to")
LONGEST_RUN = 31  # days in one entry; a longer one is a typo in a year or a month
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

Names = tuple[str, str]  # (zh, en)


@dataclass(frozen=True)
class HolidayYear:
    year: int
    source: str
    holidays: Mapping[date, Names]  # days off, weekdays or not
    workdays: Mapping[date, Names]  # Saturdays and Sundays that are working days


class HolidayFileError(FileProblem):
    """One problem in the holiday file."""


class HolidaysInvalid(Exception):
    def __init__(self, errors: list[HolidayFileError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def load_holiday_file(path: Path) -> dict[int, HolidayYear]:
    """The years of the file; raises HolidaysInvalid listing every problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HolidaysInvalid([HolidayFileError(path, None, f"cannot read: {exc}")]) from None
    years, errors = read_holidays(text, path)
    if errors:
        raise HolidaysInvalid(errors)
    return years


def read_holidays(text: str, path: Path | str) -> tuple[dict[int, HolidayYear],
                                                        list[HolidayFileError]]:
    """The years a holiday file's text defines, and its problems (both: for a page to show)."""
    try:
        document = marked_yaml.load(text, dates_as_text=True)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return {}, [HolidayFileError(path, mark.line + 1 if mark else None,
                                     f"not valid YAML: {exc.problem or exc.context}")]
    except yaml.YAMLError as exc:
        return {}, [HolidayFileError(path, None, f"not valid YAML: {exc}")]
    if not isinstance(document, LineDict) or "years" not in document:
        return {}, [HolidayFileError(path, getattr(document, "line", 1),
                                     "a holiday file is a mapping with a 'years:' mapping")]
    given = document["years"]
    if given is None:
        return {}, []
    if not isinstance(given, LineDict):
        return {}, [HolidayFileError(path, document.line_of("years"),
                                     "'years:' maps each year (2027:) to its days")]
    years, problems = {}, []
    for year, body in given.items():
        found, trouble = _year(year, body, given.line_of(year))
        problems += trouble
        if found is not None:
            years[year] = found
    return years, [HolidayFileError(path, line, text) for line, text in sorted(problems)]


Problems = list[tuple[int, str]]


def _year(year: Any, body: Any, line: int) -> tuple[HolidayYear | None, Problems]:
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2200:
        return None, [(line, f"{year!r} is not a year such as 2027")]
    if not isinstance(body, LineDict):
        return None, [(line, f"{year}: a mapping with source, holidays and workdays")]
    problems = [(body.line_of(k), f"{year}: unknown field {k!r} (known: "
                 f"{', '.join(YEAR_FIELDS)})") for k in body if k not in YEAR_FIELDS]
    source = body.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append((line, f"{year}: 'source' names the notice the dates come from"))
    holidays, trouble = _days(year, body.get("holidays"), body.line_of("holidays"), "holidays")
    problems += trouble
    workdays, trouble = _days(year, body.get("workdays"), body.line_of("workdays"), "workdays")
    problems += trouble + _clashes(holidays, workdays)
    if problems:
        return None, problems
    return HolidayYear(year, source.strip(), {d: n for d, (n, _) in holidays.items()},
                       {d: n for d, (n, _) in workdays.items()}), []


Days = dict[date, tuple[Names, int]]  # each day, its names and the line that gave it


def _days(year: int, entries: Any, line: int, kind: str) -> tuple[Days, Problems]:
    if entries is None:
        return {}, []
    if not isinstance(entries, LineList):
        return {}, [(line, f"{year}: '{kind}' is a list of entries (name, date or from/to)")]
    days: Days = {}
    problems: Problems = []
    for i, entry in enumerate(entries):
        found, trouble = _entry(year, entry, entries.line_of(i))
        problems += trouble
        for day, names, at in found:
            if day in days:
                problems.append((at, f"{day.isoformat()} is listed twice in {year}'s {kind} "
                                     f"(first at line {days[day][1]})"))
            else:
                days[day] = (names, at)
    return days, problems


def _entry(year: int, entry: Any, line: int) -> tuple[list[tuple[date, Names, int]], Problems]:
    if not isinstance(entry, LineDict):
        return [], [(line, "an entry is a mapping: name, and date or from and to")]
    problems = [(entry.line_of(k), f"unknown field {k!r} (known: {', '.join(ENTRY_FIELDS)})")
                for k in entry if k not in ENTRY_FIELDS]
    names = _names(entry.get("name"))
    if names is None:
        problems.append((entry.line_of("name"), "name is {zh: ..., en: ...}, both given"))
    if ("date" in entry) == ("from" in entry or "to" in entry):
        return [], problems + [(line, "an entry has either date, or from and to")]
    first_key, last_key = ("date", "date") if "date" in entry else ("from", "to")
    first, trouble = _day(year, entry, first_key)
    last, more = (first, []) if last_key == first_key else _day(year, entry, last_key)
    problems += trouble + more
    if first and last and not 0 <= (last - first).days < LONGEST_RUN:
        problems.append((entry.line_of(last_key), f"{first_key} {first} to {last} is not a "
                                                  f"run of 1 to {LONGEST_RUN} days"))
    if problems or names is None:
        return [], problems
    at = entry.line_of(first_key)
    return [(first + timedelta(days=n), names, at) for n in range((last - first).days + 1)], []


def _day(year: int, entry: LineDict, key: str) -> tuple[date | None, Problems]:
    text = entry.get(key)
    line = entry.line_of(key)
    try:
        if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        return None, [(line, f"{key}: {text!r} is not a date such as {year}-01-01")]
    if day.year != year:
        return None, [(line, f"{key}: {day.isoformat()} is not in {year}")]
    return day, []


def _names(given: Any) -> Names | None:
    if not isinstance(given, dict) or set(given) != {"zh", "en"}:
        return None
    zh, en = given["zh"], given["en"]
    ok = all(isinstance(n, str) and n.strip() for n in (zh, en))
    return (zh.strip(), en.strip()) if ok else None


def _clashes(holidays: Days, workdays: Days) -> Problems:
    problems = []
    for day, (_, at) in sorted(workdays.items()):
        if day in holidays:
            problems.append((at, f"{day.isoformat()} is both a holiday and a working day "
                                 f"(holiday at line {holidays[day][1]})"))
        elif day.weekday() < 5:
            problems.append((at, f"make-up working day {day.isoformat()} is not a Saturday "
                                 f"or Sunday: every weekday already is one"))
    return problems
