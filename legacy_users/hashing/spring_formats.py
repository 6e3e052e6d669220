"""Spring Security's `DelegatingPasswordEncoder` strings: `{id}` then that encoder's output.

`{bcrypt}`, `{argon2}` and `{ldap}` wrap formats the registry already verifies; the others
are Spring's own encoders (spring-security-crypto), written out here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.views.decorators.debug import sensitive_variables
from passlib.crypto.digest import lookup_hash

from legacy_users.hashing.base import HashFormat, MalformedHash, Parsed
from legacy_users.hashing.codecs import as_int, b64decode, equal, hexdecode, password_bytes
from legacy_users.hashing.structured import DelegatingFormat, StructuredFormat


class SpringDelegating(DelegatingFormat):
    """`{id}` + an inner format: the id picks the encoder, the rest is its string.

    Spring Security 5.8+ also writes versioned ids for new defaults,
    `{pbkdf2@SpringSecurity_v5_8}`, `{scrypt@SpringSecurity_v5_8}`,
    `{argon2@SpringSecurity_v5_8}`: the same encoders, whose strings carry what differs
    (argon2 and scrypt their parameters; PBKDF2's salt and digest sizes tell 5.x from 5.8).
    """

    def __init__(self, name: str, spring_id: str, inner: Sequence[HashFormat], description: str):
        super().__init__(name, "{" + spring_id + "}", inner, description)
        self._marker = re.compile(
            r"^\{" + re.escape(spring_id) + r"(?:@SpringSecurity_v\d+_\d+)?\}"
        )

    def identify(self, encoded: str) -> bool:
        return self._marker.match(encoded) is not None

    def _unwrap(self, encoded: str) -> tuple[HashFormat, str]:
        found = self._marker.match(encoded)
        if found is None:
            raise MalformedHash(f"does not start with {self.prefix}")
        rest = encoded[found.end() :]
        fmt = self.choose(rest)
        if fmt is None:
            raise MalformedHash(f"not a value {self.prefix} wraps")
        return fmt, rest


class SpringStandard(StructuredFormat):
    """`{sha256}` StandardPasswordEncoder: hex(salt8 + SHA-256^1024(salt + secret + password)).

    `key` is the encoder's site-wide secret (empty unless the application set one).
    """

    name = "spring_standard_sha256"
    description = "Spring StandardPasswordEncoder body"
    detectable = False
    params = ("key",)

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        raw = hexdecode(encoded, "the value")
        if len(raw) != 40:
            raise MalformedHash("expected 8 bytes of salt and a SHA-256 digest")
        return Parsed(raw[8:], salt=raw[:8])

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        digest = parsed.salt + str(params.get("key") or "").encode() + secret
        for _ in range(1024):
            digest = hashlib.sha256(digest).digest()
        return digest


class SpringPbkdf2(StructuredFormat):
    """`{pbkdf2}` Pbkdf2PasswordEncoder: hex (or, with `setEncodeHashAsBase64`, base64) of
    salt + PBKDF2 output.

    Spring 5.x defaults (PBKDF2WithHmacSHA1, 185000 rounds, 8-byte salt, 256-bit output) are
    read from a 40-byte value; Spring 5.8+ (PBKDF2WithHmacSHA256, 310000, 16-byte salt) from
    48 bytes. An encoder built otherwise is described by `iterations`, `algorithm`
    (`sha1`/`sha256`/`sha512`), `salt_length` (bytes), `hash_width` (bits) and `key` (the
    encoder's secret, which Spring appends to the salt).
    """

    name = "spring_pbkdf2_body"
    family = "pbkdf2"
    description = "Spring Pbkdf2PasswordEncoder body"
    detectable = False
    params = ("iterations", "algorithm", "salt_length", "hash_width", "key")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        try:
            raw = hexdecode(encoded, "the value")
        except MalformedHash:
            raw = b64decode(encoded, "the value")
        salt_len, algorithm, iterations = (
            (8, "sha1", 185000) if len(raw) == 40 else (16, "sha256", 310000)
        )
        salt_len = as_int(params.get("salt_length") or salt_len, "salt_length", minimum=0)
        width = as_int(params.get("hash_width") or 256, "hash_width", minimum=8)
        if len(raw) != salt_len + width // 8:
            raise MalformedHash(
                f"expected a {salt_len}-byte salt and a {width // 8}-byte PBKDF2 output "
                f"(set salt_length / hash_width for another encoder), not {len(raw)} bytes"
            )
        algorithm = str(params.get("algorithm") or algorithm)
        if algorithm not in ("sha1", "sha256", "sha512"):
            raise MalformedHash(f"unknown algorithm {algorithm!r}")
        iterations = as_int(params.get("iterations") or iterations, "iterations")
        return Parsed(
            raw[salt_len:], salt=raw[:salt_len], iterations=iterations, extra={"hash": algorithm}
        )

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        salt = parsed.salt + str(params.get("key") or "").encode()
        return hashlib.pbkdf2_hmac(
            parsed.extra["hash"], secret, salt, parsed.iterations, len(parsed.digest)
        )


class SpringScrypt(StructuredFormat):
    """`{scrypt}` SCryptPasswordEncoder: `$hex(log2N<<16 | r<<8 | p)$salt_b64$key_b64`."""

    name = "spring_scrypt_body"
    family = "scrypt"
    description = "Spring SCryptPasswordEncoder body"
    detectable = False
    shape = re.compile(r"^\$[0-9a-f]+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash("expected $params$salt$key")
        _, packed, salt, key = encoded.split("$")
        value = int(packed, 16)
        n, r, p = 1 << (value >> 16), (value >> 8) & 0xFF, value & 0xFF
        return Parsed(b64decode(key), salt=b64decode(salt), extra={"n": n, "r": r, "p": p})

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        from legacy_users.hashing.kdf_formats import _scrypt

        x = parsed.extra
        return _scrypt(secret, parsed.salt, x["n"], x["r"], x["p"], len(parsed.digest))


class SpringMessageDigest(StructuredFormat):
    """`{MD5}`, `{SHA-1}`, `{SHA-256}`, `{MD4}`: optional `{salt}` then hex(digest(pw + {salt}))."""

    detectable = False
    _SHAPE = re.compile(r"^(\{[^}]*\})?([0-9a-fA-F]+)$")

    def __init__(self, name: str, algorithm: str):
        self.name, self.algorithm = name, algorithm
        self.description = f"Spring MessageDigestPasswordEncoder ({algorithm}) body"
        self.const = lookup_hash(algorithm).const

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        match = self._SHAPE.match(encoded)
        if not match:
            raise MalformedHash("expected {salt}hexdigest")
        digest = hexdecode(match.group(2), "the digest")
        if len(digest) != self.const().digest_size:
            raise MalformedHash("the digest has the wrong length")
        return Parsed(digest, salt=(match.group(1) or "").encode("utf-8"))

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return bytes(self.const(secret + parsed.salt).digest())


class Plaintext(HashFormat):
    """`{noop}`: the password itself (Spring's NoOpPasswordEncoder), compared in constant time."""

    detectable = False

    def __init__(self, name: str = "plaintext_body", description: str = "clear text") -> None:
        self.name, self.description = name, description

    def identify(self, encoded: str) -> bool:
        return True

    def parse(self, encoded: str, params: Mapping[str, Any]) -> None:
        if not encoded:
            raise MalformedHash("empty")

    @sensitive_variables()
    def verify(self, password: str, encoded: str, params: Mapping[str, Any]) -> bool:
        secret = password_bytes(password, params)
        return secret is not None and equal(secret, encoded.encode("utf-8"))
