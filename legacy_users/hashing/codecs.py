"""Small, strict decoders shared by the hand-written formats.

Every decoder raises `MalformedHash` (never a bare ValueError) so a corrupt stored string is
reported as malformed, and none of them ever sees a password.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Mapping
from typing import Any

from legacy_users.hashing.base import MalformedHash

_B64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
_B64URL = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")
_HEX = re.compile(r"^(?:[0-9a-fA-F]{2})*$")

#: The crypt(3) "./0-9A-Za-z" alphabet and the standard base64 one, for translating.
CRYPT64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
STD64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TO_CRYPT64 = str.maketrans(STD64, CRYPT64)


def b64decode(text: str, what: str = "value", *, urlsafe: bool = False) -> bytes:
    """Base64 (standard, or URL-safe), padding optional; anything else is malformed."""
    text = text.strip()
    if not (_B64URL if urlsafe else _B64).match(text):
        raise MalformedHash(f"{what} is not base64")
    core = text.rstrip("=")
    padded = core + "=" * (-len(core) % 4)
    try:
        if urlsafe:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedHash(f"{what} is not base64") from None


def b64encode(data: bytes, *, pad: bool = True) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return encoded if pad else encoded.rstrip("=")


def crypt64_encode(data: bytes) -> str:
    """Base64 in the crypt(3) alphabet, unpadded (Cisco type 8/9)."""
    return b64encode(data, pad=False).translate(_TO_CRYPT64)


def hexdecode(text: str, what: str = "value") -> bytes:
    if not _HEX.match(text):
        raise MalformedHash(f"{what} is not hex")
    return bytes.fromhex(text)


def digest_decode(text: str, size: int, encoding: str = "") -> bytes:
    """A digest of `size` bytes written as hex or base64 (`encoding` decides, else length)."""
    if encoding not in ("", "hex", "base64"):
        raise MalformedHash(f"unknown encoding {encoding!r}; use hex or base64")
    if encoding == "hex" or (not encoding and len(text) == size * 2 and _HEX.match(text)):
        raw = hexdecode(text, "digest")
    else:
        raw = b64decode(text, "digest")
    if len(raw) != size:
        raise MalformedHash(f"the digest is {len(raw)} bytes, expected {size}")
    return raw


def as_int(value: Any, what: str, *, minimum: int = 1, maximum: int = 1 << 31) -> int:
    try:
        number = int(str(value), 10)
    except (TypeError, ValueError):
        raise MalformedHash(f"{what} is not a whole number") from None
    if not minimum <= number <= maximum:
        raise MalformedHash(f"{what} {number} is out of range")
    return number


def password_bytes(password: str, params: Mapping[str, Any]) -> bytes | None:
    """The password as the legacy system hashed it (UTF-8 unless `password_encoding`).

    None when the password cannot be written in that encoding: it cannot be the stored one.
    """
    encoding = params.get("password_encoding") or "utf-8"
    try:
        return password.encode(encoding)
    except UnicodeEncodeError:
        return None
    except LookupError:
        raise MalformedHash(f"unknown password_encoding {encoding!r}") from None


def text_param(params: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    value = params.get(name)
    if value in (None, ""):
        if required:
            raise MalformedHash(f"this format needs the {name!r} parameter")
        return ""
    return str(value)


def equal(a: bytes | str, b: bytes | str) -> bool:
    """Constant-time comparison of two digests."""
    if isinstance(a, str):
        a = a.encode()
    if isinstance(b, str):
        b = b.encode()
    return hmac.compare_digest(a, b)
