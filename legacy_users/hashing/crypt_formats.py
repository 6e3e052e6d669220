"""crypt(3)-style strings no Python library verifies: yescrypt and `$7$` (through the
system's libxcrypt), Cisco type 8/9, Drupal 7, WordPress 6.8+, and LDAP `{CRYPT}`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.views.decorators.debug import sensitive_variables
from passlib import hash as ph
from passlib.utils.binary import h64

from legacy_users.hashing.base import HashFormat, MalformedHash, Parsed
from legacy_users.hashing.codecs import CRYPT64, crypt64_encode, equal, password_bytes
from legacy_users.hashing.costs import check_work
from legacy_users.hashing.structured import DelegatingFormat, StructuredFormat

_C64 = re.escape(CRYPT64)


def _system_crypt() -> Callable[[str, str], str | None] | None:
    """The platform crypt(3) (libxcrypt on Linux), or None where Python lacks it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import crypt
        except ImportError:
            return None
    system_crypt: Callable[[str, str], str | None] = crypt.crypt
    return system_crypt


def _crypt64_value(char: str) -> int:
    value = CRYPT64.find(char)
    if value < 0:
        raise MalformedHash("a parameter is not in the crypt(3) alphabet")
    return value


def _yescrypt_uint32(text: str, pos: int, minimum: int) -> tuple[int, int]:
    """One of yescrypt's variable-length numbers at `pos`: (value, position after it).

    The encoding of libxcrypt's `decode64_uint32`: the first character says how many
    follow and carries the top bits; small values take one character.
    """
    if pos >= len(text):
        raise MalformedHash("the yescrypt parameters are cut short")
    c = _crypt64_value(text[pos])
    pos += 1
    start, end, chars, bits, value = 0, 47, 1, 0, minimum
    while c > end:
        value += (end + 1 - start) << bits
        start = end + 1
        end = start + (62 - end) // 2
        chars += 1
        bits += 6
    value += (c - start) << bits
    for _ in range(chars - 1):
        if pos >= len(text):
            raise MalformedHash("the yescrypt parameters are cut short")
        bits -= 6
        value += _crypt64_value(text[pos]) << bits
        pos += 1
    return value, pos


def _crypt_scrypt_params(encoded: str) -> dict[str, int]:
    """N, r and p of a libxcrypt `$y$`, `$gy$` or `$7$` string (what its cost is made of)."""
    if encoded.startswith("$7$"):
        n_log2 = _crypt64_value(encoded[3])
        r = sum(_crypt64_value(c) << (6 * i) for i, c in enumerate(encoded[4:9]))
        p = sum(_crypt64_value(c) << (6 * i) for i, c in enumerate(encoded[9:14]))
        return {"n": 1 << n_log2, "r": r, "p": p}
    params = encoded.split("$", 3)[2]  # $y$ or $gy$ (GOST yescrypt), then the parameters
    _, pos = _yescrypt_uint32(params, 0, 0)  # the flavour
    n_log2, pos = _yescrypt_uint32(params, pos, 1)
    r, pos = _yescrypt_uint32(params, pos, 1)
    p = 1
    if pos < len(params):  # optional parameters: a bit set, then p first when present
        have, pos = _yescrypt_uint32(params, pos, 1)
        if have & 1:
            p, pos = _yescrypt_uint32(params, pos, 2)
    if n_log2 > 63:
        raise MalformedHash("yescrypt N is out of range")
    return {"n": 1 << n_log2, "r": r, "p": p}


#: libxcrypt's CRYPT_MAX_PASSPHRASE_SIZE: crypt(3) fails on longer passphrases.
CRYPT_MAX_PASSPHRASE_BYTES = 512


class SystemCrypt(StructuredFormat):
    """A crypt(3) method libxcrypt implements (yescrypt `$y$`, GOST yescrypt `$gy$`, scrypt
    `$7$`)."""

    family = "scrypt"

    def __init__(self, name: str, shape: str, description: str) -> None:
        self.name, self.description = name, description
        self.shape = re.compile(shape)

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash(f"not a well-formed {self.name} string")
        return Parsed(encoded.encode("ascii"), extra=_crypt_scrypt_params(encoded))

    @sensitive_variables()
    def verify(self, password: str, encoded: str, params: Mapping[str, Any]) -> bool:
        parsed = self.decode(encoded, params)
        self.check_cost(parsed)
        crypt = _system_crypt()
        if crypt is None:
            raise RuntimeError("this Python has no crypt(3) module")
        if "\x00" in password or len(password.encode("utf-8")) > CRYPT_MAX_PASSPHRASE_BYTES:
            return False  # crypt(3) refuses it: it cannot be the stored password
        result = crypt(password, encoded)
        if not result or result.startswith("*"):
            raise MalformedHash(f"crypt(3) rejected the {self.name} settings")
        return equal(result.encode("ascii"), parsed.digest)


class CiscoType8or9(StructuredFormat):
    """Cisco IOS `$8$` (PBKDF2-SHA256, 20000 rounds) and `$9$` (scrypt N=16384 r=1 p=1)."""

    def __init__(self, name: str, kind: str, description: str) -> None:
        self.name, self.kind, self.description = name, kind, description
        self.shape = re.compile(r"^\$" + kind + r"\$[^$]{14}\$[" + _C64 + "]{43}$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash(f"not a Cisco type {self.kind} string")
        _, _, salt, digest = encoded.split("$")
        return Parsed(digest.encode("ascii"), salt=salt.encode("ascii"))

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        if self.kind == "8":
            raw = hashlib.pbkdf2_hmac("sha256", secret, parsed.salt, 20000)
        else:
            raw = hashlib.scrypt(secret, salt=parsed.salt, n=16384, r=1, p=1, dklen=32)
        return crypt64_encode(raw).encode("ascii")


class Drupal7(StructuredFormat):
    """Drupal 7 `$S$` (phpass over SHA-512), and `U$S$` for MD5 hashes Drupal upgraded."""

    shape = re.compile(r"^U?\$S\$[" + _C64 + "]{52}$")
    family = "phpass"

    def __init__(self) -> None:
        self.name = "drupal7"
        self.description = "Drupal 7 ($S$, and U$S$ for upgraded Drupal 6 MD5 hashes)"

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash("not a Drupal 7 $S$ string")
        upgraded = encoded.startswith("U")
        setting = encoded[1:] if upgraded else encoded
        log2 = CRYPT64.index(setting[3])
        if not 7 <= log2 <= 30:
            raise MalformedHash("Drupal 7 iteration count out of range")
        return Parsed(
            setting[12:].encode("ascii"),
            salt=setting[4:12].encode("ascii"),
            iterations=1 << log2,
            extra={"upgraded": upgraded},
        )

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        if parsed.extra["upgraded"]:
            secret = hashlib.md5(secret).hexdigest().encode("ascii")  # noqa: S324 - legacy
        digest = hashlib.sha512(parsed.salt + secret).digest()
        for _ in range(parsed.iterations):
            digest = hashlib.sha512(digest + secret).digest()
        return bytes(h64.encode_bytes(digest)[:43])


class WordPressBcrypt(HashFormat):
    """WordPress 6.8+ `$wp$2y$`: bcrypt of base64(HMAC-SHA384(key "wp-sha384", password))."""

    name = "wordpress_bcrypt"
    description = "WordPress 6.8+ ($wp$2y$...: bcrypt over an HMAC-SHA384 of the password)"
    params = ()
    shape = re.compile(r"^\$wp\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")

    def identify(self, encoded: str) -> bool:
        return bool(self.shape.match(encoded))

    def parse(self, encoded: str, params: Mapping[str, Any]) -> None:
        if not self.shape.match(encoded):
            raise MalformedHash("not a WordPress $wp$ string")
        try:
            inner = ph.bcrypt.from_string(encoded[3:])
        except ValueError:
            raise MalformedHash("not a well-formed bcrypt hash inside $wp$") from None
        check_work("bcrypt", rounds=inner.rounds)

    @sensitive_variables()
    def verify(self, password: str, encoded: str, params: Mapping[str, Any]) -> bool:
        self.parse(encoded, params)
        secret = password_bytes(password, params)
        if secret is None:
            return False
        prehash = base64.b64encode(hmac.new(b"wp-sha384", secret, "sha384").digest())
        return bool(ph.bcrypt.verify(prehash, encoded[3:]))


class LdapCrypt(DelegatingFormat):
    """LDAP `{CRYPT}` in any letter case, over any crypt(3) format the registry knows."""

    def __init__(self, inner: Sequence[HashFormat]):
        super().__init__(
            "ldap_crypt",
            "{CRYPT}",
            inner,
            "LDAP {CRYPT} over crypt(3): bcrypt, SHA-256/512, MD5, yescrypt, DES...",
            any_case=True,
        )

    def choose(self, rest: str) -> HashFormat | None:
        chosen = super().choose(rest)
        if chosen is None and _UNMARKED_DES.match(rest):
            # The unmarked crypt(3) forms: DES (13 chars), and bigcrypt (13 + 11 per further
            # 8 password bytes), which libxcrypt writes for passwords over 8 bytes.
            name = "des_crypt" if len(rest) == 13 else "bigcrypt"
            chosen = next((fmt for fmt in self.inner if fmt.name == name), None)
        return chosen


_UNMARKED_DES = re.compile(r"^[./0-9A-Za-z]{13}(?:[./0-9A-Za-z]{11})*$")
