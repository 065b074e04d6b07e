"""One profile file (YAML) into a Profile, with every problem as `file:line: problem`.

    kind: streetlight
    name: {zh: 路灯, en: Streetlight}
    interval: 5m            # a healthy device reports this often
    offline_after: 20m      # silent this long: offline
    symbol: {shape: circle, colour: "#f5c542"}
    share: 0.36             # optional: of simulated devices
    metrics:
      - name: current_a
        unit: A             # UCUM / SenML symbol
        range: [0, 20]      # what a working sensor can produce
        aggregate: mean     # mean | sum | last, in minute and hour rollups
        label: {zh: 电流, en: Current}
        typical: [0.2, 0.8] # optional: the simulator's everyday band
        aliases:
          - {name: current, unit: A, origin: senml}
          - {name: powerState, values: {"on": 1, "off": 0}, origin: sdm}
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any

import yaml

from cityops import marked_yaml
from cityops.durations import parse_duration
from cityops.marked_yaml import FileProblem, LineDict, LineList
from devices import units
from devices.profile import AGGREGATES, Alias, MetricSpec, Profile

KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")
METRIC = re.compile(r"[a-z][a-z0-9_.]{0,63}")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# Plotly scattermap draws Maki icons only on styled maps; on every map it draws these.
SHAPES = ("circle",)
TOP_FIELDS = {"kind", "name", "interval", "offline_after", "symbol", "metrics", "share"}
METRIC_FIELDS = {"name", "unit", "range", "aggregate", "label", "aliases", "typical"}
ALIAS_FIELDS = {"name", "unit", "values", "origin"}


class Reader:
    """Collects problems while reading one file, so a person sees all of them at once."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[FileProblem] = []

    def problem(self, line: int | None, text: str) -> None:
        self.problems.append(FileProblem(self.path, line, text))

    def fields(self, node: LineDict, allowed: set[str], where: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(node.line_of(key), f"{where} has no field {key!r} "
                                                f"(known: {', '.join(sorted(allowed))})")

    def names(self, node: Any, line: int, where: str) -> tuple[str, str]:
        if not isinstance(node, dict) or not all(isinstance(node.get(k), str) and node.get(k)
                                                 for k in ("zh", "en")):
            self.problem(line, f"{where} needs {{zh: ..., en: ...}}")
            return "", ""
        return node["zh"], node["en"]

    def seconds(self, node: LineDict, key: str) -> float:
        try:
            value = parse_duration(node.get(key))
        except ValueError as exc:
            self.problem(node.line_of(key), f"{key}: {exc}")
            return 0.0
        if value <= 0:
            self.problem(node.line_of(key), f"{key} must be more than 0")
        return value

    def unit(self, value: Any, line: int, where: str) -> str:
        if not isinstance(value, str | int) or not units.known(str(value)):
            self.problem(line, f"{where}: unit {value!r} is not a UCUM/SenML symbol Pint reads")
            return "1"
        return str(value)


def read(text: str, path: str) -> tuple[Profile | None, list[FileProblem]]:
    """The file's profile (None when it has problems) and its problems."""
    reader = Reader(path)
    try:
        document = marked_yaml.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [FileProblem(path, mark.line + 1 if mark else None, reason)]
    if not isinstance(document, LineDict):
        return None, [FileProblem(path, None, "a profile file is a mapping with kind, name, "
                                              "interval, offline_after and metrics")]
    profile = _profile(reader, document)
    return (profile if not reader.problems else None), reader.problems


def _profile(r: Reader, doc: LineDict) -> Profile:
    r.fields(doc, TOP_FIELDS, "a profile")
    kind = doc.get("kind")
    if not isinstance(kind, str) or not KIND.fullmatch(kind):
        r.problem(doc.line_of("kind"), f"kind must match {KIND.pattern}")
        kind = "?"
    name_zh, name_en = r.names(doc.get("name"), doc.line_of("name"), "name")
    interval, offline = r.seconds(doc, "interval"), r.seconds(doc, "offline_after")
    if 0 < offline < interval:
        r.problem(doc.line_of("offline_after"), f"offline_after ({offline:g} s) is shorter than "
                                                f"interval ({interval:g} s): every device "
                                                "would flap offline between two reports")
    symbol = doc.get("symbol")
    shape, colour = "circle", "#8c9bb0"
    if isinstance(symbol, dict):
        r.fields(symbol, {"shape", "colour"}, "symbol")
        shape, colour = symbol.get("shape", shape), symbol.get("colour", colour)
    if shape not in SHAPES or not isinstance(colour, str) or not COLOUR.fullmatch(colour):
        r.problem(doc.line_of("symbol"), f"symbol needs shape (one of {', '.join(SHAPES)}) "
                                         "and colour (#rrggbb)")
    share = doc.get("share", 0)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        r.problem(doc.line_of("share"), "share is a fraction of simulated devices, 0 to 1")
        share = 0
    metrics = doc.get("metrics")
    if not isinstance(metrics, LineList) or not metrics:
        r.problem(doc.line_of("metrics"), "metrics must be a non-empty list")
        metrics = LineList()
    specs = [_metric(r, kind, m, metrics.line_of(i)) for i, m in enumerate(metrics)]
    seen: set[str] = set()
    for spec, i in zip(specs, range(len(specs)), strict=True):
        if spec.name in seen:
            r.problem(metrics.line_of(i), f"metric {spec.name!r} appears twice")
        seen.add(spec.name)
    return Profile(kind, name_zh, name_en, interval, offline, shape, colour, tuple(specs),
                   f"{r.path}:{doc.line}", float(share))


def _metric(r: Reader, kind: str, node: Any, line: int) -> MetricSpec:
    if not isinstance(node, LineDict):
        r.problem(line, "each metric is a mapping with name, unit, range and aggregate")
        return MetricSpec("?", kind, "1", 0, 0)
    r.fields(node, METRIC_FIELDS, "a metric")
    name = node.get("name")
    if not isinstance(name, str) or not METRIC.fullmatch(name):
        r.problem(node.line_of("name"), f"metric name must match {METRIC.pattern}")
        name = "?"
    unit = r.unit(node.get("unit"), node.line_of("unit"), name)
    low, high = _pair(r, node, "range", required=True)
    typical = _pair(r, node, "typical", required=False) if "typical" in node else None
    aggregate = node.get("aggregate", "mean")
    if aggregate not in AGGREGATES:
        r.problem(node.line_of("aggregate"), f"aggregate must be one of {', '.join(AGGREGATES)}")
    label = node.get("label")
    zh, en = r.names(label, node.line_of("label"), f"{name}.label") if label else (name, name)
    aliases = _aliases(r, node.get("aliases", LineList()), node.line_of("aliases"), name, unit)
    return MetricSpec(name, kind, unit, low, high, str(aggregate), zh, en, aliases, typical)


def _pair(r: Reader, node: LineDict, key: str, required: bool) -> tuple[float, float]:
    value = node.get(key)
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
            and value[0] < value[1]):
        return float(value[0]), float(value[1])
    if required or value is not None:
        r.problem(node.line_of(key), f"{key} must be [low, high] with low < high")
    return 0.0, 0.0


def _aliases(r: Reader, node: Any, line: int, metric: str, unit: str) -> tuple[Alias, ...]:
    if not isinstance(node, LineList):
        r.problem(line, f"{metric}.aliases must be a list")
        return ()
    found = []
    for i, item in enumerate(node):
        where = node.line_of(i)
        if not isinstance(item, LineDict) or not isinstance(item.get("name"), str) \
                or not item["name"]:
            r.problem(where, f"{metric}: an alias is a mapping with at least a name")
            continue
        r.fields(item, ALIAS_FIELDS, "an alias")
        alias_unit = item.get("unit")
        if alias_unit is not None:
            alias_unit = r.unit(alias_unit, item.line_of("unit"), f"alias {item['name']}")
            try:
                units.conversion(alias_unit, unit)
            except units.UnitError as exc:
                r.problem(item.line_of("unit"), f"alias {item['name']}: {exc}")
        values = item.get("values")
        if values is not None and not (isinstance(values, dict) and values and all(
                isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
                for k, v in values.items())):
            r.problem(item.line_of("values"),
                      'values maps quoted text to numbers, e.g. {"on": 1, "off": 0}')
            values = None
        found.append(Alias(item["name"], alias_unit,
                           MappingProxyType(dict(values)) if values else None,
                           str(item.get("origin", ""))))
    return tuple(found)
