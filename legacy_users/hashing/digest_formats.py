"""Plain message digests: raw (salted or not), HMAC, LDAP RFC 2307, and the database and
framework formats that are one digest over a password and a salt."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from typing import Any

from passlib.crypto.digest import lookup_hash

from legacy_users.hashing.base import HashFormat, MalformedHash, Parsed
from legacy_users.hashing.codecs import (
    b64decode,
    digest_decode,
    hexdecode,
    text_param,
)
from legacy_users.hashing.structured import StructuredFormat

SALT_POSITIONS = ("prefix", "suffix")


def digest_size(algorithm: str) -> int:
    return int(lookup_hash(algorithm).digest_size)


def digest_of(algorithm: str, data: bytes) -> bytes:
    """`algorithm`'s digest of `data`: hashlib's, or libpass's own MD4 where OpenSSL 3 has
    none (Windows NT hashes, Dovecot {PLAIN-MD4})."""
    return bytes(lookup_hash(algorithm).const(data).digest())


def salt_position(params: Mapping[str, Any]) -> str:
    position = str(params.get("salt_position") or "")
    if position not in SALT_POSITIONS:
        raise MalformedHash("a salted digest needs salt_position 'prefix' or 'suffix'")
    return position


class RawDigest(StructuredFormat):
    """md5/sha1/sha256/sha512 of the password, optionally with a salt before or after it.

    Parameters: `salt` (text), `salt_position` (`prefix`: salt then password, `suffix`:
    password then salt), `encoding` (`hex` or `base64`; by default read from the length).
    """

    detectable = False
    params = ("salt", "salt_position", "encoding")

    def __init__(self, name: str, algorithm: str, description: str):
        self.name, self.algorithm, self.description = name, algorithm, description
        self.size = digest_size(algorithm)

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        digest = digest_decode(encoded.strip(), self.size, str(params.get("encoding") or ""))
        salt = str(params.get("salt") or "")
        position = salt_position(params) if salt else "suffix"
        return Parsed(digest, salt=salt.encode("utf-8"), extra={"position": position})

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        if parsed.extra["position"] == "prefix":
            return digest_of(self.algorithm, parsed.salt + secret)
        return digest_of(self.algorithm, secret + parsed.salt)


class HmacDigest(StructuredFormat):
    """HMAC of the password under a key (`key` parameter: the pepper or per-user key)."""

    detectable = False
    params = ("key", "encoding")

    def __init__(self, name: str, algorithm: str, description: str):
        self.name, self.algorithm, self.description = name, algorithm, description
        self.size = digest_size(algorithm)

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        key = text_param(params, "key")
        digest = digest_decode(encoded.strip(), self.size, str(params.get("encoding") or ""))
        return Parsed(digest, salt=key.encode("utf-8"))

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return hmac.new(parsed.salt, secret, self.algorithm).digest()


class LdapDigest(StructuredFormat):
    """RFC 2307 `{SHA}`, `{SSHA}`, `{MD5}`, `{SMD5}`, `{SSHA256}`... in base64.

    The tag is matched in any letter case (OpenLDAP, 389-ds and Active Directory exports
    differ), and a salted digest takes a salt of any length after the digest.
    """

    params = ()

    def __init__(
        self, name: str, tag: str, algorithm: str, *, salted: bool, description: str
    ) -> None:
        self.name, self.tag, self.algorithm = name, tag, algorithm
        self.salted, self.description = salted, description
        self.size = digest_size(algorithm)
        self.shape = re.compile(r"^\{" + re.escape(tag) + r"\}[A-Za-z0-9+/]+=*$", re.IGNORECASE)

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash(f"not a {{{self.tag}}} value")
        raw = b64decode(encoded[len(self.tag) + 2 :], "the digest")
        if self.salted:
            if len(raw) <= self.size:
                raise MalformedHash("a salted digest needs a salt after the digest")
            return Parsed(raw[: self.size], salt=raw[self.size :])
        if len(raw) != self.size:
            raise MalformedHash(f"the digest is {len(raw)} bytes, expected {self.size}")
        return Parsed(raw)

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return digest_of(self.algorithm, secret + parsed.salt)


class PrefixedHexDigest(StructuredFormat):
    """An unsalted hex digest behind a fixed marker (Django `sha1$$`, MediaWiki `:A:`)."""

    params = ()

    def __init__(
        self,
        name: str,
        prefix: str,
        algorithm: str,
        description: str,
        *,
        inner: HashFormat | None = None,
    ) -> None:
        self.name, self.prefix, self.algorithm, self.description = (
            name,
            prefix,
            algorithm,
            description,
        )
        self.size = digest_size(algorithm)
        self.shape = re.compile("^" + re.escape(prefix) + f"[0-9a-fA-F]{{{2 * self.size}}}$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not encoded.startswith(self.prefix):
            raise MalformedHash(f"does not start with {self.prefix!r}")
        digest = hexdecode(encoded[len(self.prefix) :], "the digest")
        if len(digest) != self.size:
            raise MalformedHash(f"the digest is {len(digest)} bytes, expected {self.size}")
        return Parsed(digest)

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return digest_of(self.algorithm, secret)


class Utf16SaltedDigest(StructuredFormat):
    """Microsoft's digest of salt + UTF-16LE password.

    ASP.NET Membership (`aspnet_Membership.Password`, salt base64 in `PasswordSalt`) and
    SQL Server 2012+ (`0x0200` + 4-byte salt + SHA-512, from `sys.sql_logins`).
    """

    def __init__(self, name: str, algorithm: str, description: str, *, mssql: bool = False) -> None:
        self.name, self.algorithm, self.description, self.mssql = (
            name,
            algorithm,
            description,
            mssql,
        )
        self.size = digest_size(algorithm)
        if mssql:
            self.shape = re.compile(rf"^0x0200[0-9A-Fa-f]{{{8 + 2 * self.size}}}$")
            self.params = ()
        else:
            self.detectable = False
            self.params = ("salt", "encoding")

    def secret(self, password: str, params: Mapping[str, Any]) -> bytes | None:
        return password.encode("utf-16-le", "surrogatepass")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if self.mssql:
            if not self.has_shape(encoded):
                raise MalformedHash("not a 0x0200 SQL Server 2012 hash")
            raw = hexdecode(encoded[6:], "the hash")
            return Parsed(raw[4:], salt=raw[:4])
        salt = b64decode(text_param(params, "salt"), "the salt")
        digest = digest_decode(encoded.strip(), self.size, str(params.get("encoding") or ""))
        return Parsed(digest, salt=salt)

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        if self.mssql:
            return digest_of(self.algorithm, secret + parsed.salt)
        return digest_of(self.algorithm, parsed.salt + secret)
