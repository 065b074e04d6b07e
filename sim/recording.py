"""Recordings: a stream kept as JSONL, one message a line, replayable byte for byte.

A line holds the message's simulated time, topic, key, headers and value. Values are
text when they are UTF-8 and base64 (`value_b64`) when they are not, which only broken
messages are; so a recording reads well and still returns the exact bytes.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sim.message import Message


def _text_or_b64(raw: bytes, name: str) -> dict:
    try:
        return {name: raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {f"{name}_b64": base64.b64encode(raw).decode("ascii")}


def _bytes(line: dict, name: str) -> bytes:
    if f"{name}_b64" in line:
        return base64.b64decode(line[f"{name}_b64"])
    return line[name].encode("utf-8")


def line(m: Message) -> str:
    doc = {"t": m.t, "topic": m.topic, **_text_or_b64(m.key, "key"),
           "headers": [[k, v.decode("utf-8")] for k, v in m.headers],
           **_text_or_b64(m.value, "value"), "ref": m.ref}
    if m.malformed:
        doc["malformed"] = m.malformed
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def message(text: str) -> Message:
    doc = json.loads(text)
    return Message(doc["t"], doc["topic"], _bytes(doc, "key"), _bytes(doc, "value"),
                   tuple((k, v.encode("utf-8")) for k, v in doc["headers"]), doc["ref"],
                   doc.get("malformed"))


class Recorder:
    """Appends messages to a JSONL file (and ground-truth labels to their own file)."""

    def __init__(self, path: Path | None, truth_path: Path | None = None) -> None:
        self.out: IO[str] | None = self._open(path)
        self.truth: IO[str] | None = self._open(truth_path)

    @staticmethod
    def _open(path: Path | None) -> IO[str] | None:
        if path is None:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("w", encoding="utf-8")

    def write(self, m: Message) -> None:
        if self.out is not None:
            self.out.write(line(m))
        if self.truth is not None and m.topic == "truth":
            self.truth.write(m.value.decode("utf-8") + "\n")

    def close(self) -> None:
        for handle in (self.out, self.truth):
            if handle is not None:
                handle.close()


def replay(path: Path) -> Iterator[Message]:
    with path.open(encoding="utf-8") as src:
        for text in src:
            if text.strip():
                yield message(text)
