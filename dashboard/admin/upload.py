"""What a dcc.Upload hands over: `data:<type>;base64,<bytes>`, decoded to text.

Spreadsheets in China save CSV as GBK unless told otherwise, and as UTF-8 with a BOM when
told; both are read, so an admin never has to know which one they have.
"""

from __future__ import annotations

import base64
import binascii

# Larger files are refused before decoding: a city's device list is a few MB at most.
MAX_BYTES = 20 * 1024 * 1024


class UploadError(ValueError):
    """The upload cannot be read as text; `key` names the catalogue message."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def upload_text(contents: str | None) -> str:
    """The uploaded file as text (UTF-8, UTF-8 with BOM, or GB18030/GBK)."""
    if not contents or "," not in contents:
        raise UploadError("admin.upload.empty")
    _, _, encoded = contents.partition(",")
    if len(encoded) * 3 // 4 > MAX_BYTES:
        raise UploadError("admin.upload.too_big")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise UploadError("admin.upload.unreadable") from None
    return decode(raw)


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError("admin.upload.encoding")
