"""The indicator set as data: which figures a city reports, their names and formulas in
both languages, the weights of the composite score and its grades.

The figures themselves are computed in `scores.py` by code; a city's file chooses which
of them it shows, in which order, what they are called and how they weigh. A file with a
code the computation does not know, a weight on a count or grades out of order is refused
with every problem at its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from cityops.marked_yaml import FileProblem, load

# Every code scores.py computes, and whether it is a count or a rate.
KNOWN: dict[str, str] = {
    "reported": "count", "confirmed": "count", "confirm_rate": "rate",
    "dispatched": "count", "due": "count", "closed": "count", "close_rate": "rate",
    "parked": "count", "on_time": "count", "on_time_rate": "rate", "reworked": "count",
    "rework_rate": "rate", "extended": "count", "extend_rate": "rate", "overdue": "count",
    "first_dispatch_rate": "rate", "satisfaction": "rate"}
KEYS = {"code", "kind", "name_zh", "name_en", "formula_zh", "formula_en", "weight", "better"}


@dataclass(frozen=True)
class Indicator:
    code: str
    kind: str
    name_zh: str
    name_en: str
    formula_zh: str
    formula_en: str
    weight: float = 0.0
    better: str = "higher"

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def formula(self, lang: str) -> str:
        return self.formula_en if lang == "en" else self.formula_zh


@dataclass(frozen=True)
class Grade:
    min: float
    name_zh: str
    name_en: str
    colour: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True)
class IndicatorSet:
    indicators: tuple[Indicator, ...]
    grades: tuple[Grade, ...]  # highest first

    def grade(self, score: float | None) -> Grade | None:
        if score is None:
            return None
        return next((g for g in self.grades if score >= g.min), self.grades[-1])

    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}


def read(path: Path) -> IndicatorSet:
    """The indicator set of a file; FileProblems (raised as the first, listing all)."""
    try:
        data = load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FileProblem(path, mark.line + 1 if mark else None, f"not YAML: {exc}") from None
    problems: list[FileProblem] = []
    if not isinstance(data, dict) or set(data) != {"indicators", "grades"}:
        raise FileProblem(path, 1, "the file has two lists: indicators and grades")
    indicators = [i for n, item in enumerate(data["indicators"] or [])
                  if (i := _indicator(path, data["indicators"].line_of(n), item, problems))]
    grades = [g for n, item in enumerate(data["grades"] or [])
              if (g := _grade(path, data["grades"].line_of(n), item, problems))]
    if [g.min for g in grades] != sorted((g.min for g in grades), reverse=True) or not grades:
        problems.append(FileProblem(path, data.line_of("grades"),
                                    "grades go from the highest minimum down, at least one"))
    codes = [i.code for i in indicators]
    problems += [FileProblem(path, 1, f"indicator {c} is listed twice")
                 for c in sorted(set(codes)) if codes.count(c) > 1]
    if problems:
        raise FileProblem(path, problems[0].line,
                          "; ".join(f"line {p.line}: {p.problem}" for p in problems))
    return IndicatorSet(tuple(indicators), tuple(grades))


def _indicator(path: Path, line: int, item, problems: list[FileProblem]) -> Indicator | None:
    if not isinstance(item, dict) or set(item) - KEYS or "code" not in item:
        problems.append(FileProblem(path, line, f"an indicator has {', '.join(sorted(KEYS))}"))
        return None
    code = item["code"]
    mistakes = [m for m, bad in (
        (f"unknown indicator {code!r}; known: {', '.join(KNOWN)}", code not in KNOWN),
        (f"{code} is a {KNOWN.get(code)}", code in KNOWN and item.get("kind") != KNOWN[code]),
        ("better is higher or lower", item.get("better", "higher") not in ("higher", "lower")),
        ("a weight is a number ≥ 0, on rates only",
         not isinstance(item.get("weight", 0), int | float) or item.get("weight", 0) < 0
         or (item.get("weight", 0) and KNOWN.get(code) != "rate"))) if bad]
    problems.extend(FileProblem(path, line, m) for m in mistakes)
    if mistakes:
        return None
    return Indicator(code, item["kind"], str(item.get("name_zh", code)),
                     str(item.get("name_en", code)), str(item.get("formula_zh", "")),
                     str(item.get("formula_en", "")), float(item.get("weight", 0)),
                     item.get("better", "higher"))


def _grade(path: Path, line: int, item, problems: list[FileProblem]) -> Grade | None:
    try:
        return Grade(float(item["min"]), str(item["name_zh"]), str(item["name_en"]),
                     str(item["colour"]))
    except (KeyError, TypeError, ValueError):
        problems.append(FileProblem(path, line, "a grade has min, name_zh, name_en, colour"))
        return None
