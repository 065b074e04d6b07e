"""Strings built to break things, for incident text fields (and, later, the browser pages).

Each is valid text that a careless system would execute, reorder, hide or choke on; CityOps
must store it byte for byte and show it escaped. `hostile_strings()` is the list to reuse.
"""

from __future__ import annotations

# One megabyte of text: the broker's default largest message is 1 MiB, so the whole message
# still reaches ingest, which refuses it (over its 256 KiB limit: `oversized`).
ONE_MB = 1_000_000

# name -> text; every one encodes to UTF-8 (invalid UTF-8 is bytes: see INVALID_UTF8).
_HOSTILE: dict[str, str] = {
    "sql drop table": "'); DROP TABLE incidents;--",
    "sql or true": "' OR '1'='1",
    "sql comment and quote": "王'; --\" /* */",
    "sql copy escape": "tab\there\\nnot a newline\\.",
    "html script": "<script>alert(1)</script>",
    "html img onerror": "<img src=x onerror=alert(1)>",
    "html attribute break": "\"><svg onload=alert(1)>",
    "javascript url": "javascript:alert(document.cookie)",
    "template braces": "{{7*7}} ${7*7} #{7*7} %(x)s {0}",
    "right-to-left override": "井盖\u202etxt.exe\u202c破损",
    "zero-width characters": "路\u200b灯\u200c不\u200d亮\ufeff",
    "combining marks": "Z\u0351\u0358\u0337\u0336a\u0338\u0361lgo",
    "emoji and astral": "🚧💥 𠀀𪚥 \U0001f1e8\U0001f1f3",
    "newlines and controls": "line1\r\nline2\x1b[31mred\x07\x08",
    "unicode line separators": "a\u2028b\u2029c\u0085d",
    "backslashes and quotes": "\\\\'\"`\\u0000 is text here",
    "percent and format": "%s%s%n%x 100%",
    "long chinese": "长" * 3999,
}

# Bytes that are not UTF-8 at all; ingest must dead-letter them (invalid_utf8).
INVALID_UTF8: dict[str, bytes] = {
    "latin-1 e acute": b"caf\xe9",
    "lone continuation": b"\x80abc",
    "overlong slash": b"\xc0\xaf",
    "utf-16 surrogate half": b"\xed\xa0\x80",
    "beyond U+10FFFF": b"\xf4\x90\x80\x80",
    "truncated sequence": "井".encode()[:2],
}


def hostile_strings() -> dict[str, str]:
    """Name -> hostile text that must be stored and shown exactly as written."""
    return dict(_HOSTILE)


def one_megabyte_description() -> str:
    """A 1 MB description (ASCII and Chinese, 1,000,000 bytes of UTF-8)."""
    chunk = "big 超大描述 "  # 4 ASCII + 4 three-byte characters + 1 space = 17 bytes
    return chunk * (ONE_MB // len(chunk.encode()))
