"""Printed summary PDFs kept per (area, day, language), shared by every worker process.

A day's summary is printed by Chromium once and answered from here after that. Yesterday's
can still change a little (late readings, a case closed after midnight), so it is printed
again after `recent_seconds`; an older day is kept for `settled_seconds`.
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import date
from pathlib import Path


class ExportCache:
    def __init__(self, folder: Path, recent_seconds: float = 600,
                 settled_seconds: float = 86_400) -> None:
        self.folder = folder
        self.recent_seconds = recent_seconds
        self.settled_seconds = settled_seconds

    @staticmethod
    def key(area: str, day: date, lang: str) -> str:
        return hashlib.sha256(f"{area}|{day.isoformat()}|{lang}".encode()).hexdigest()[:24]

    def get(self, key: str, day: date, latest: date) -> bytes | None:
        path = self.folder / f"{key}.pdf"
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            return None
        keep = self.recent_seconds if day >= latest else self.settled_seconds
        return path.read_bytes() if age < keep else None

    def put(self, key: str, pdf: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        part = self.folder / f"{key}.{os.getpid()}.part"
        part.write_bytes(pdf)
        os.replace(part, self.folder / f"{key}.pdf")  # readers never see half a file
