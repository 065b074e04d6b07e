"""Reading rule files: every problem reported as file:line, and never a half-loaded set.

A folder holds `*.yaml` files, each a mapping with a `rules:` list. Loading collects every
problem of every file before it answers, so one run of `cityops alerts check` shows them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from alerts.cases.severity import SEVERITIES
from alerts.rules import inhibits as inhibit_spec
from alerts.rules.match import check_match
from alerts.rules.model import KINDS, Rule, RuleError, RuleSet
from alerts.rules.params import check_params
from cityops import marked_yaml
from cityops.marked_yaml import LineDict, LineList
from devices.profile import ProfileSet
from devices.profiles import default_set

DEFAULT_FOLDER = Path(__file__).resolve().parent / "default"
REQUIRED = ("id", "kind", "name", "category", "severity", "params")
OPTIONAL = ("match", "auto_resolve", "opens_case", "inhibits")


def load_folder(folder: Path | str = DEFAULT_FOLDER,
                profiles: ProfileSet | None = None) -> RuleSet:
    """Every rule of the folder; raises RulesInvalid listing all problems. Metrics and
    device kinds are checked against `profiles` (default: the packaged profiles)."""
    folder = Path(folder)
    profiles = profiles or default_set()
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not folder.is_dir():
        raise RulesInvalid([RuleError(folder, None, "no such folder")])
    rules: list[Rule] = []
    errors: list[RuleError] = []
    for path in files:
        found, problems = load_file(path, profiles)
        rules += found
        errors += problems
    errors += _cross_checks(rules) + inhibit_spec.cross_check(rules)
    if errors:
        raise RulesInvalid(errors)
    return RuleSet(tuple(rules), str(folder))


def reload(folder: Path | str = DEFAULT_FOLDER,
           profiles: ProfileSet | None = None) -> RuleSet | list[RuleError]:
    """Re-read the folder: the new rule set, or the list of errors (the caller keeps the old)."""
    try:
        return load_folder(folder, profiles)
    except RulesInvalid as exc:
        return exc.errors


class RulesInvalid(Exception):
    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def load_file(path: Path, profiles: ProfileSet | None = None
              ) -> tuple[list[Rule], list[RuleError]]:
    profiles = profiles or default_set()
    try:
        document = marked_yaml.load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return [], [RuleError(path, mark.line + 1 if mark else None,
                              f"not valid YAML: {exc.problem or exc.context}")]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [RuleError(path, None, f"cannot read: {exc}")]
    if not isinstance(document, LineDict) or not isinstance(document.get("rules"), LineList):
        return [], [RuleError(path, getattr(document, "line", 1),
                              "a rule file is a mapping with a 'rules:' list")]
    rules, errors = [], []
    for i, item in enumerate(document["rules"]):
        rule, problems = _rule(item, document["rules"].line_of(i), path, profiles)
        errors += [RuleError(path, line, problem) for line, problem in problems]
        if rule is not None and not problems:
            rules.append(rule)
    return rules, errors


def _rule(item: Any, line: int, path: Path,
          profiles: ProfileSet) -> tuple[Rule | None, list[tuple[int, str]]]:
    if not isinstance(item, LineDict):
        return None, [(line, "each rule is a mapping (id, kind, name, ...)")]
    problems = [(item.line_of(k), f"unknown field {k!r} (known: "
                                  f"{', '.join(REQUIRED + OPTIONAL)})")
                for k in item if k not in REQUIRED + OPTIONAL]
    problems += [(item.line, f"rule {item.get('id', '?')!r} has no {k!r}")
                 for k in REQUIRED if k not in item]
    if problems:
        return None, problems
    problems += _plain_fields(item)
    if problems:
        return None, problems
    kind = item["kind"]
    if not isinstance(item["params"], LineDict):
        return None, [(item.line_of("params"), "params is a mapping")]
    params, found = check_params(kind, item["params"])
    problems += found
    match, found = _match(kind, item, profiles)
    problems += found
    inhibits: tuple = ()
    if "inhibits" in item:
        inhibits, found = inhibit_spec.check_inhibits(item["inhibits"], item.line_of("inhibits"))
        problems += found
    return Rule(id=item["id"], kind=kind, name_zh=item["name"]["zh"],
                name_en=item["name"]["en"], category=item["category"],
                severity=item["severity"], match=match, params=params,
                auto_resolve=item.get("auto_resolve", False),
                opens_case=item.get("opens_case", True),
                origin=f"{path}:{item.line}", inhibits=inhibits), problems


def _plain_fields(item: LineDict) -> list[tuple[int, str]]:
    problems = []
    if not isinstance(item["id"], str) or not item["id"].replace("-", "").replace(
            "_", "").isalnum() or "|" in item["id"]:
        problems.append((item.line_of("id"), "id is a name of letters, digits, - and _"))
    if item["kind"] not in KINDS:
        problems.append((item.line_of("kind"), f"kind {item['kind']!r} is not one of "
                                               f"{', '.join(KINDS)}"))
    if item["severity"] not in SEVERITIES:
        problems.append((item.line_of("severity"), f"severity {item['severity']!r} is not "
                                                   f"one of {', '.join(SEVERITIES)}"))
    name = item["name"]
    if not isinstance(name, dict) or set(name) != {"zh", "en"} \
            or not all(isinstance(v, str) and v for v in name.values()):
        problems.append((item.line_of("name"), "name needs exactly zh and en, both text"))
    if not isinstance(item["category"], str) or not item["category"]:
        problems.append((item.line_of("category"), "category is text, e.g. 井盖破损"))
    for flag in ("auto_resolve", "opens_case"):
        if flag in item and not isinstance(item[flag], bool):
            problems.append((item.line_of(flag), f"{flag} is true or false"))
    return problems


def _match(kind: str, item: LineDict, profiles: ProfileSet):
    given = item.get("match")
    if kind == "composite":
        if given is not None:
            return check_match(kind, LineDict(), False, profiles)[0], [
                (item.line_of("match"), "composite rules match other rules (params.all), "
                                        "not events")]
        return check_match(kind, LineDict(), False, profiles)
    if not isinstance(given, LineDict):
        return check_match(kind, LineDict(), False, profiles)[0], [
            (item.line_of("match") if "match" in item else item.line,
             f"{kind} rules need a match mapping")]
    incidents = kind == "count" or (kind == "geofence" and any(
        k in given for k in ("source", "category", "subcategory")))
    return check_match(kind, given, incidents, profiles)


def _cross_checks(rules: list[Rule]) -> list[RuleError]:
    """Ids unique across files; composite parts exist and are not composite themselves."""
    errors, seen = [], {}
    for rule in rules:
        path, line = rule.origin.rsplit(":", 1)
        if rule.id in seen:
            errors.append(RuleError(path, int(line), f"rule id {rule.id!r} is already used at "
                                                     f"{seen[rule.id].origin}"))
        seen.setdefault(rule.id, rule)
    for rule in rules:
        if rule.kind != "composite":
            continue
        path, line = rule.origin.rsplit(":", 1)
        for part in rule.params["all"]:
            other = seen.get(part)
            if other is None:
                errors.append(RuleError(path, int(line), f"composite {rule.id!r} names "
                                                         f"unknown rule {part!r}"))
            elif other.kind == "composite":
                errors.append(RuleError(path, int(line), f"composite {rule.id!r} names "
                                                         f"another composite {part!r}"))
    return errors
