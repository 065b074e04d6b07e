"""Password hashing with the standard library: scrypt, a salt per user, constant-time compare.

Stored as `scrypt$N$r$p$salt$hash` (salt and hash in URL-safe base64) so the cost can be
raised later without breaking old hashes: each hash carries the parameters it was made with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# 2**14 × 8 × 128 bytes = 16 MiB per check: OWASP's scrypt floor, ~50 ms on a laptop core.
COST_N = 2**14
BLOCK_R = 8
PARALLEL_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MAX_MEMORY = 64 * 1024 * 1024


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=length,
                          maxmem=MAX_MEMORY)


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("a password may not be empty")
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, COST_N, BLOCK_R, PARALLEL_P, KEY_BYTES)
    return f"scrypt${COST_N}${BLOCK_R}${PARALLEL_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored`; a malformed stored value never matches."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(key)
        actual = _derive(password, _unb64(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Checked when the username is unknown, so a wrong name costs as long as a wrong password
# and response times do not tell which usernames exist.
DECOY_HASH = hash_password(secrets.token_urlsafe(16))
