"""Mutators, deterministic given their `random.Random`.

Structure-aware ones change a parsed document (wrong types, missing and extra fields,
NaN and Infinity, huge numbers, deep nesting, long and hostile strings, duplicated
elements); byte-level ones change its serialised form (truncation, byte and bit flips,
duplicated or deleted slices, inserted tokens, invalid UTF-8, random bytes).
"""

from __future__ import annotations

import json
import re
from random import Random
from typing import Any

import orjson
import yaml

from tests.fuzz.hostile import INVALID_UTF8, hostile_strings

# Placeholders, replaced once serialised: raw brackets nested `n` deep, an `n`-digit integer
# (neither can be built as a Python value and dumped).
_DEEP = "@@deep:{}@@"
_DIGITS = "@@digits:{}@@"
_PLACEHOLDER = re.compile(rb"""(["']?)@@(deep|digits):(\d+)@@\1""")
_HOSTILE = list(hostile_strings().values())
MADE_BYTES = 1_000_000  # the largest document a duplication may make (ingest's limit: 256 KiB)


def _odd_string(rng: Random) -> str:
    pick = rng.random()
    if pick < 0.3:
        return rng.choice(_HOSTILE)
    if pick < 0.45:
        return "x" * rng.choice((0, 1, 63, 64, 65, 128, 129, 500, 501, 4000, 4001, 70_000))
    if pick < 0.6:
        return rng.choice(("\x00", "a\x00b", "\ud800", "\udfff x", "\u202e", "\u200b", " ",
                           "NaN", "Infinity", "null", "true", "[]", "{}"))
    if pick < 0.8:  # time-like text: edges of what fromisoformat and PostgreSQL accept
        return rng.choice(("2026-02-30T00:00:00Z", "2026-11-25T06:00:00+23:59",
                           "2026-11-25T06:00:00+05:30:15.5", "0001-01-01T00:00:00+14:00",
                           "9999-12-31T23:59:59-14:00", "2026-11-25", "2026-11-25T06:00:00",
                           "2026-W48-3T06:00Z", "yesterday", "1795586400", ""))
    return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 40)))


def odd_value(rng: Random) -> Any:
    """A value of the wrong type, at a boundary, or built to break a parser."""
    pick = rng.randrange(14)
    if pick == 0:
        return rng.choice((None, True, False))
    if pick == 1:
        return rng.choice((0, -1, 1, 2**31, 2**63, -(2**63) - 1, 2**64))
    if pick == 2:
        size = rng.choice((20, 308, 309, 400, 4300, 4301, 5000))  # beyond float and int()
        return _DIGITS.format(size) if size > 4000 else 10 ** size
    if pick == 3:
        return rng.choice((float("nan"), float("inf"), float("-inf")))
    if pick == 4:
        return rng.choice((1e308, -1e308, 5e-324, -0.0, 1e-300, 2.0**28, 2.0**28 - 1))
    if pick == 5:
        return rng.uniform(-1e6, 1e6)
    if pick in (6, 7, 8):
        return _odd_string(rng)
    if pick == 9:
        return []
    if pick == 10:
        return {}
    if pick == 11:
        return _DEEP.format(rng.choice((10, 254, 256, 1000, 5000, 50_000)))
    if pick == 12:
        return [odd_value(rng) for _ in range(rng.randrange(1, 4))]
    return {_odd_string(rng): odd_value(rng)}


def _containers(doc: Any, found: list) -> list:
    """Every dict and list in the document (depth-first), the document first."""
    if isinstance(doc, dict):
        found.append(doc)
        for value in list(doc.values())[:50]:
            _containers(value, found)
    elif isinstance(doc, list):
        found.append(doc)
        for value in doc[:50]:
            _containers(value, found)
    return found


def _near(rng: Random, value: Any) -> Any:
    """A value like this one: a number at its edges, a string changed a little."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        try:
            return rng.choice((-value, value * 10 ** rng.randrange(1, 12), value + 1e-9,
                               value - 1, round(value), value + 0.5, str(value)))
        except (OverflowError, ValueError):  # a number an earlier change made infinite
            return odd_value(rng)
    if isinstance(value, str) and value:
        cut = rng.randrange(len(value))
        return rng.choice((value[:cut], value + rng.choice(_HOSTILE), value.upper(),
                           value[:cut] + _odd_string(rng) + value[cut:], value * 40))
    return odd_value(rng)


def _copies(wanted: int, element: Any) -> int:
    """At most ~1 MB of copies: copies share the element, so a copy of a list of copies
    would otherwise grow the serialised document exponentially."""
    size = len(json.dumps(element, allow_nan=True))
    return max(1, min(wanted, MADE_BYTES // max(size, 1)))


def _change(rng: Random, node: dict | list, copies: tuple[int, ...]) -> None:
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    op = rng.randrange(6)
    if not keys or op == 0:  # an extra field or element
        if isinstance(node, dict):
            node[rng.choice(("extra", "n_", "ex_", "", "v", "vb", "t", "bt", "bn",
                             _odd_string(rng)))] = odd_value(rng)
        else:
            node.insert(rng.randrange(len(node) + 1), odd_value(rng))
        return
    key = rng.choice(keys)
    if op == 1:
        del node[key]
    elif op == 2:
        node[key] = odd_value(rng)
    elif op == 3:
        node[key] = _near(rng, node[key])
    elif op == 4 and isinstance(node, list):  # duplicated, up to oversized
        node.extend([node[key]] * _copies(rng.choice(copies), node[key]))
    else:  # the container's shape changes: an object becomes a list of its values
        node[key] = list(node[key].values()) if isinstance(node[key], dict) else \
            [node[key]] if rng.random() < 0.5 else {"value": node[key]}


def mutate_doc(rng: Random, doc: Any, copies: tuple[int, ...] = (1, 10, 1000)) -> Any:
    """A changed copy of a JSON-like document (1 to 3 changes at random places); a list
    element may be repeated `copies` times."""
    copy = orjson.loads(orjson.dumps(doc))
    if not isinstance(copy, dict | list) or rng.random() < 0.03:
        return odd_value(rng)
    for _ in range(rng.randrange(1, 4)):
        _change(rng, rng.choice(_containers(copy, [])), copies)
    return copy


def _expand(found: re.Match) -> bytes:
    size = int(found[3])
    return b"[" * size + b"]" * size if found[2] == b"deep" else b"9" * size


def _placeholders(data: bytes) -> bytes:
    return _PLACEHOLDER.sub(_expand, data) if b"@@" in data else data


def to_json(rng: Random, doc: Any) -> bytes:
    """JSON bytes, NaN and Infinity as bare words; lone surrogates sometimes raw (invalid)."""
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.5, allow_nan=True)
    return _placeholders(text.encode("utf-8", "surrogatepass"))


def to_yaml(rng: Random, doc: Any) -> bytes:
    """YAML bytes in block or flow style; JSON (which YAML reads) when PyYAML cannot emit."""
    try:
        text = yaml.safe_dump(doc, allow_unicode=rng.random() < 0.5, sort_keys=False,
                              default_flow_style=rng.choice((False, True, None)), width=80)
        return _placeholders(text.encode("utf-8", "surrogatepass"))
    except (yaml.YAMLError, ValueError, RecursionError, UnicodeError):
        return to_json(rng, doc)


JSON_TOKENS = (b"NaN", b"-Infinity", b"Infinity", b"1e999", b"-1e999", b"9" * 400,
               b"9" * 4301, b"null", b"true", b"[", b"]", b"{", b"}", b'"', b",", b":",
               b"\\u0000", b"\\ud800", b"\\", b"\x00", b"0x10", b"-0", b"1.", b".5")
YAML_TOKENS = (b"&a ", b"*a", b"<<: *a\n", b"? ", b"!!python/object:os.system ", b"!!binary ",
               b"!!set ", b"!!timestamp 2026-02-30", b"2026-02-30", b"~", b"---\n", b"...\n",
               b"%YAML 1.1\n", b"\t", b"- ", b": ", b"|\n", b">-\n", b"#", b"@", b"`",
               b"0o777", b"1_000", b"190:20:30", b".nan", b"-.inf", b"? [a, b]: 1\n",
               b"\n  ", b"\n    - ")


def mutate_bytes(rng: Random, data: bytes, tokens: tuple[bytes, ...] = JSON_TOKENS) -> bytes:
    """1 to 4 byte-level changes."""
    buf = bytearray(data)
    for _ in range(rng.randrange(1, 5)):
        where = rng.randrange(len(buf) + 1)
        op = rng.randrange(9)
        if op == 0 and buf:
            del buf[where:]  # truncated
        elif op == 1 and where < len(buf):
            buf[where] = rng.randrange(256)  # byte flip
        elif op == 2 and where < len(buf):
            buf[where] ^= 1 << rng.randrange(8)  # bit flip
        elif op == 3:
            size = rng.randrange(1, 64)
            buf[where:where] = buf[where:where + size] * rng.choice((1, 2, 100))  # duplicated
        elif op == 4:
            del buf[where:where + rng.randrange(1, 32)]
        elif op == 5:
            buf[where:where] = rng.choice(tuple(INVALID_UTF8.values()))
        elif op == 6:
            buf[where:where] = rng.randbytes(rng.randrange(1, 16))
        else:
            buf[where:where] = rng.choice(tokens)
    return bytes(buf)


def random_bytes(rng: Random) -> bytes:
    return rng.randbytes(rng.choice((0, 1, 2, 8, 64, 1024)))
