"""The rules as the admin page shows them, and "validate" for a pasted or uploaded file.

Validation runs the engine's own loader (alerts/rules/loader.py) over a copy of the
deployed folder with the new file put in (replacing a file of the same name), so it finds
what `cityops alerts check` would after deploying: bad fields with their lines, and ids
or composite parts that clash with the other files. Nothing is saved: putting a file in
the rules folder is a deploy step.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alerts.rules.loader import RulesInvalid, load_folder
from alerts.rules.model import Rule, RuleError

MAX_CHARS = 1_000_000
SAFE_NAME = re.compile(r"[^A-Za-z0-9._\-]")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    text: str


@dataclass(frozen=True)
class RuleCheck:
    ok: bool
    file: str                          # the name the new file was checked under
    rules_in_file: tuple[str, ...]     # ids the new file defines (when it loads)
    total: int                         # rules in the whole folder with it
    problems: tuple[Problem, ...]
    replaces: bool                     # a deployed file of that name was set aside


def file_name(given: str | None) -> str:
    """A plain *.yaml name for the checked file (an upload's own name when it has one)."""
    base = SAFE_NAME.sub("_", Path(given or "").name).strip("._") or "pasted"
    return base if base.endswith((".yaml", ".yml")) else f"{base}.yaml"


def _relative(error: RuleError, folder: Path) -> Problem:
    """The problem with the folder left out of its file names (a scratch copy's path means
    nothing to the reader)."""
    try:
        shown = str(Path(error.path).relative_to(folder))
    except ValueError:
        shown = Path(error.path).name
    return Problem(shown, error.line, error.problem.replace(f"{folder}/", ""))


def deployed(folder: Path) -> tuple[list[Rule], list[Problem]]:
    """The rules of the deployed folder, or its problems (the engine then keeps its old set)."""
    try:
        return list(load_folder(folder).rules), []
    except RulesInvalid as exc:
        return [], [_relative(e, Path(folder)) for e in exc.errors]


def check_text(folder: Path, text: str, given_name: str | None = None) -> RuleCheck:
    """Load the deployed folder plus `text` as one more file; every problem, nothing saved."""
    name = file_name(given_name)
    if len(text) > MAX_CHARS:
        return RuleCheck(False, name, (), 0, (Problem(name, None, "file too large"),), False)
    with tempfile.TemporaryDirectory(prefix="cityops-rules-") as scratch:
        trial = Path(scratch)
        source = Path(folder)
        replaces = False
        for path in [*source.glob("*.yaml"), *source.glob("*.yml")] if source.is_dir() else []:
            if path.name == name:
                replaces = True
                continue
            shutil.copyfile(path, trial / path.name)
        (trial / name).write_text(text, encoding="utf-8")
        try:
            rules = load_folder(trial).rules
        except RulesInvalid as exc:
            problems = tuple(_relative(e, trial) for e in exc.errors)
            return RuleCheck(False, name, (), 0, problems, replaces)
    mine = tuple(r.id for r in rules if Path(r.origin.rsplit(":", 1)[0]).name == name)
    return RuleCheck(True, name, mine, len(rules), (), replaces)


def conditions(rule: Rule) -> str:
    """What a rule watches and when it fires, in the rule file's own words."""
    match = rule.match
    watched = [f"{key}={','.join(sorted(values))}" for key, values in (
        ("device_kind", match.device_kind), ("device_type", match.device_type),
        ("metric", match.metric), ("source", match.source), ("category", match.category),
        ("subcategory", match.subcategory)) if values]
    return " · ".join([*watched, _params(rule.params)])


DURATIONS = frozenset({"for", "within", "after", "quiet"})


def duration_text(seconds: float) -> str:
    """90 -> 1m30s, 7200 -> 2h: as a rule file writes durations."""
    whole = int(round(seconds))
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if whole >= size:
            parts.append(f"{whole // size}{unit}")
            whole %= size
    if whole or not parts:
        parts.append(f"{whole}s")
    return "".join(parts)


def _value(key: str, value: object) -> str:
    if key == "zones" and isinstance(value, (list, tuple)):
        return ",".join(str(z[0]) if isinstance(z, (list, tuple)) and z else "?" for z in value)
    if key in DURATIONS and isinstance(value, (int, float)):
        return duration_text(float(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _params(params: dict) -> str:
    return " ".join(f"{key}={_value(key, value)}" for key, value in params.items()
                    if value is not None)
