"""YAML that remembers lines: mappings and lists keep where each key and item was written.

PyYAML's nodes carry marks but the plain objects it builds do not; these subclasses keep
the line numbers so validation can say "rules.yaml:14: ..." instead of "somewhere".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class LineDict(dict):
    """A mapping from a YAML file; `line` is where it starts, `lines[key]` where a key is."""

    line: int = 0

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    line: int = 0

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class DuplicateKey(yaml.MarkedYAMLError):
    pass


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:  # `? [a, b]` or `{[1]: 2}`: YAML allows it, a dict cannot hold it
            raise yaml.constructor.ConstructorError(
                None, None, f"a mapping key must be a plain value, not {type(key).__name__}",
                key_node.start_mark) from None
        if key in result:
            # PyYAML keeps the last value silently; a repeated key is almost always a slip.
            raise DuplicateKey(None, None, f"key {key!r} appears twice in one mapping",
                               key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class _TextDatesLoader(_Loader):
    pass


# Dates stay text: PyYAML turns 2027-02-30 into a ValueError with no line, and the reader
# that parses the text itself can say which line holds it.
_TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                 lambda loader, node: loader.construct_scalar(node))


# PyYAML scans a run of flow openers ("[[[[...") in time that grows with its depth: 100 KB
# of them take seconds, and the admin page checks pasted files of up to 1 MB. It would
# refuse them anyway (nested too deeply), so they are refused before it starts.
_DEEP_FLOW = re.compile(r"[\[{](?:\s*[\[{]){63}")


def load(text: str, dates_as_text: bool = False) -> Any:
    """Parse one YAML document; raises yaml.YAMLError on bad input (a MarkedYAMLError, with
    its line, where PyYAML knows it). `dates_as_text` leaves dates and times as strings."""
    if _DEEP_FLOW.search(text):
        raise yaml.YAMLError("nested too deeply")
    try:
        loader = _TextDatesLoader if dates_as_text else _Loader
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise yaml.YAMLError("nested too deeply") from None
    except (ValueError, OverflowError, TypeError, AttributeError) as exc:
        # PyYAML builds values without checking them first: 2026-02-30, an integer of 5,000
        # digits, `!!timestamp` on text that is no time (AttributeError inside PyYAML).
        raise yaml.YAMLError(f"a value cannot be read: {exc}") from None


class FileProblem(Exception):
    """One problem in a YAML file people edit: `file:line: problem`, ready to show a person."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem
