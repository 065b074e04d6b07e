"""Signing webhook bodies, and checking a signature on the receiving side.

The sender puts `X-CityOps-Signature: sha256=<hex>` on every request: HMAC-SHA256 with the
shared secret over the exact body bytes. A receiver verifies it over the bytes it read,
before parsing them, and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-CityOps-Signature"
DELIVERY_HEADER = "X-CityOps-Delivery"
_PREFIX = "sha256="


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def sign(secret: str | bytes, body: bytes) -> str:
    """The header value: `sha256=` and the hex HMAC-SHA256 of `body`."""
    return _PREFIX + hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def verify(secret: str | bytes, body: bytes, header: str | None) -> bool:
    """Whether `header` is the signature of `body` under `secret`."""
    if not header or not header.startswith(_PREFIX):
        return False
    return hmac.compare_digest(sign(secret, body), header)
