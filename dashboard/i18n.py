"""The interface's words: one JSON catalogue per language in dashboard/catalogue/."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

CATALOGUES = Path(__file__).parent / "catalogue"
LANGUAGES = ("zh-CN", "en")


@cache
def catalogue(language: str) -> dict[str, str]:
    return json.loads((CATALOGUES / f"{language}.json").read_text(encoding="utf-8"))


def translate(language: str, key: str) -> str:
    """The text for a key; a missing key shows itself, so gaps are visible, not silent."""
    return catalogue(language if language in LANGUAGES else LANGUAGES[0]).get(key, key)
