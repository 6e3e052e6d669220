"""Web applications' own salted-digest recipes (forums, shops, wikis, game servers).

Each is a fixed composition of MD5/SHA-1/SHA-256 over the password and a salt. The salt is
either written after the digest (`hash:salt`, as the applications export it) or kept in the
`salt` column. Most of these share the shape "hex:salt", so they are declared, not guessed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any

from legacy_users.hashing.base import MalformedHash, Parsed
from legacy_users.hashing.codecs import hexdecode
from legacy_users.hashing.structured import StructuredFormat


def _hex(algorithm: str, data: bytes) -> bytes:
    return hashlib.new(algorithm, data).hexdigest().encode("ascii")


def _raw(algorithm: str, data: bytes) -> bytes:
    return hashlib.new(algorithm, data).digest()


#: name -> (algorithm of the final digest, recipe(password bytes, salt bytes) -> digest)
RECIPES: dict[str, tuple[str, Callable[[bytes, bytes], bytes]]] = {
    "joomla": ("md5", lambda pw, salt: _raw("md5", pw + salt)),
    "magento1": ("md5", lambda pw, salt: _raw("md5", salt + pw)),
    "vbulletin": ("md5", lambda pw, salt: _raw("md5", _hex("md5", pw) + salt)),
    "mybb": ("md5", lambda pw, salt: _raw("md5", _hex("md5", salt) + _hex("md5", pw))),
    "redmine": ("sha1", lambda pw, salt: _raw("sha1", salt + _hex("sha1", pw))),
    "opencart": (
        "sha1",
        lambda pw, salt: _raw("sha1", salt + _hex("sha1", salt + _hex("sha1", pw))),
    ),
    "smf": ("sha1", lambda pw, salt: _raw("sha1", salt.lower() + pw)),
}
#: name -> digest size -> the recipe for a digest of that size, where one export mixes two:
#: Magento 1.9.3+ (and Enterprise) wrote sha256(salt + password) beside the old MD5.
SIZED_RECIPES: dict[str, dict[int, tuple[str, Callable[[bytes, bytes], bytes]]]] = {
    "magento1": {32: ("sha256", lambda pw, salt: _raw("sha256", salt + pw))},
}


class SaltedRecipe(StructuredFormat):
    """`hex digest` + `:salt` (or the `salt` parameter), by one of the RECIPES."""

    detectable = False
    params = ("salt",)

    def __init__(self, name: str, description: str, *, salt_from: str = "salt"):
        self.name, self.description, self.salt_from = name, description, salt_from
        self.algorithm, self.recipe = RECIPES[name]
        self.size = hashlib.new(self.algorithm).digest_size
        self.sized = SIZED_RECIPES.get(name, {})
        if salt_from != "salt":
            self.params = (salt_from,)

    def _salt(self, inline: str | None, params: Mapping[str, Any]) -> str:
        if inline is not None:
            return inline
        if self.salt_from == "username":
            value = params.get("username") or params.get("login")
        else:
            value = params.get("salt")
        if not value:
            raise MalformedHash(f"this format needs the {self.salt_from!r} parameter")
        return str(value)

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        digest, _, inline = encoded.partition(":")
        raw = hexdecode(digest.strip(), "the digest")
        chosen = (self.algorithm, self.recipe) if len(raw) == self.size else None
        chosen = chosen or self.sized.get(len(raw))
        if chosen is None:
            sizes = " or ".join(str(size) for size in (self.size, *self.sized))
            raise MalformedHash(f"the digest is {len(raw)} bytes, expected {sizes}")
        salt = self._salt(inline if _ else None, params)
        algorithm, recipe = chosen
        return Parsed(
            raw, salt=salt.encode("utf-8"), extra={"algorithm": algorithm, "recipe": recipe}
        )

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        recipe: Callable[[bytes, bytes], bytes] = parsed.extra["recipe"]
        return recipe(secret, parsed.salt)


class Magento2(StructuredFormat):
    """Magento 2 `hash:salt:version`: version 0 is md5(salt + password), 1 is SHA-256."""

    name = "magento2"
    description = "Magento 2 hash:salt:version (version 0 MD5, 1 SHA-256)"
    shape = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{64}):[^:]+:[01]$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash("expected hash:salt:version with version 0 or 1")
        digest, salt, version = encoded.split(":")
        algorithm = "sha256" if version == "1" else "md5"
        raw = hexdecode(digest)
        if len(raw) != hashlib.new(algorithm).digest_size:
            raise MalformedHash("the digest length does not match the version")
        return Parsed(raw, salt=salt.encode("utf-8"), extra={"algorithm": algorithm})

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return _raw(parsed.extra["algorithm"], parsed.salt + secret)


class MediaWikiB(StructuredFormat):
    """MediaWiki `:B:salt:md5(salt-md5(password))` (user_password, before 1.24)."""

    name = "mediawiki_b"
    description = "MediaWiki salted :B:salt:hash"
    shape = re.compile(r"^:B:[^:]+:[0-9a-f]{32}$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash("expected :B:salt:hash")
        _, _, salt, digest = encoded.split(":")
        return Parsed(hexdecode(digest), salt=salt.encode("utf-8"))

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return _raw("md5", parsed.salt + b"-" + _hex("md5", secret))


class AuthMe(StructuredFormat):
    """AuthMe (Minecraft) `$SHA$salt$sha256(sha256(password) + salt)`."""

    name = "authme_sha256"
    description = "AuthMe $SHA$salt$hash"
    shape = re.compile(r"^\$SHA\$[0-9A-Za-z]+\$[0-9a-f]{64}$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash("expected $SHA$salt$hash")
        _, _, salt, digest = encoded.split("$")
        return Parsed(hexdecode(digest), salt=salt.encode("ascii"))

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return _raw("sha256", _hex("sha256", secret) + parsed.salt)
