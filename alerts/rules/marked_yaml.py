"""YAML that remembers lines: mappings and lists keep where each key and item was written.

PyYAML's nodes carry marks but the plain objects it builds do not; these subclasses keep
the line numbers so validation can say "rules.yaml:14: ..." instead of "somewhere".
"""

from __future__ import annotations

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


def load(text: str) -> Any:
    """Parse one YAML document; raises yaml.MarkedYAMLError (with a mark) on bad input."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
