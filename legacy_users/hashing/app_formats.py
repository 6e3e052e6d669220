"""Web applications' own salted-digest recipes (forums, shops, wikis, game servers).

Each is a fixed composition of MD5/SHA-1/SHA-256 over the password and a salt. The salt is
either written after the digest (`hash:salt`, as the applications export it) or kept in the
`salt` column. Most of these share the shape "hex:salt", so they are declared, not guessed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.views.decorators.debug import sensitive_variables

from legacy_users.hashing.base import HashFormat, MalformedHash, Parsed
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


_B64 = r"[A-Za-z0-9+/]+={0,2}"


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedHash(f"{what} is not base64") from None


class MediaWikiPbkdf2(StructuredFormat):
    """MediaWiki 1.24+ `:pbkdf2:<algo>:<rounds>:<length>:<salt>:<hash>` (base64 salt and
    hash; MediaWiki's default, sha512 / 30000 / 64), and the layered forms that rehashed
    old `:B:` and `:A:` hashes: `:pbkdf2-legacyB:!<algo>:<rounds>:<length>!<B salt>!<salt>!<hash>`
    is PBKDF2 over the hex of `md5(salt-md5(password))`, `:pbkdf2-legacyA:` over `md5(password)`
    (`includes/Password/`: AbstractPbkdf2Password, LayeredParameterizedPassword)."""

    family = "pbkdf2"

    def __init__(self, name: str, layer: str, description: str) -> None:
        self.name, self.layer, self.description = name, layer, description
        params = r"(\w+):(\d+):(\d+)"
        if layer:
            self.shape = re.compile(
                rf"^:pbkdf2-legacy{layer}:!{params}!([0-9a-f]*)!({_B64})!({_B64})$"
            )
        else:
            self.shape = re.compile(rf"^:pbkdf2:{params}:({_B64}):({_B64})$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        match = self.shape.match(encoded) if self.shape else None
        if match is None:
            raise MalformedHash(f"expected MediaWiki's {self.name} layout")
        if self.layer:
            algo, rounds, length, b_salt, salt, digest = match.groups()
        else:
            (algo, rounds, length, salt, digest), b_salt = match.groups(), ""
        if algo not in hashlib.algorithms_available:
            raise MalformedHash(f"unknown hash {algo!r}")
        raw = _b64(digest, "the hash")
        if len(raw) != int(length):
            raise MalformedHash(f"the hash has {len(raw)} bytes where {length} are declared")
        if self.layer == "B" and not b_salt:
            raise MalformedHash("the :B: layer has no salt")
        return Parsed(
            raw, _b64(salt, "the salt"), int(rounds), {"hash": algo, "b_salt": b_salt.encode()}
        )

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        if self.layer == "B":
            secret = _hex("md5", parsed.extra["b_salt"] + b"-" + _hex("md5", secret))
        elif self.layer == "A":
            secret = _hex("md5", secret)
        return hashlib.pbkdf2_hmac(
            parsed.extra["hash"], secret, parsed.salt, parsed.iterations, len(parsed.digest)
        )


class MediaWikiWrapped(HashFormat):
    """MediaWiki's `:bcrypt:<rounds>$<salt>$<hash>` (crypt's `$2y$` taken apart) and
    `:argon2:<PHC string>` (password_hash's output), checked by the bcrypt and argon2
    formats."""

    def __init__(self, name: str, prefix: str, inner: HashFormat, description: str) -> None:
        self.name, self.prefix, self.inner, self.description = name, prefix, inner, description
        self.family = getattr(inner, "family", "")

    def identify(self, encoded: str) -> bool:
        return encoded.startswith(self.prefix)

    def unwrap(self, encoded: str) -> str:
        """The string the inner format reads."""
        if not encoded.startswith(self.prefix):
            raise MalformedHash(f"does not start with {self.prefix}")
        rest = encoded[len(self.prefix) :]
        if self.prefix != ":bcrypt:":
            return rest
        match = re.fullmatch(r"(\d{1,2})\$([./A-Za-z0-9]{22})\$([./A-Za-z0-9]{31})", rest)
        if match is None:
            raise MalformedHash("expected :bcrypt:<rounds>$<22 characters>$<31 characters>")
        rounds, salt, digest = match.groups()
        return f"$2y${int(rounds):02d}${salt}{digest}"

    def parse(self, encoded: str, params: Mapping[str, Any]) -> None:
        self.inner.parse(self.unwrap(encoded), params)

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        return self.inner.decode(self.unwrap(encoded), params)

    @sensitive_variables()
    def verify(self, password: str, encoded: str, params: Mapping[str, Any]) -> bool:
        return self.inner.verify(password, self.unwrap(encoded), params)


class MediaWikiBHashcat(MediaWikiB):
    """MediaWiki `:B:` as hashcat writes it (mode 3711): `$B$salt$hash`."""

    name = "mediawiki_b_hashcat"
    description = "MediaWiki :B: in hashcat's layout ($B$salt$hash, mode 3711)"
    shape = re.compile(r"^\$B\$[^$]+\$[0-9a-f]{32}$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash("expected $B$salt$hash")
        _, _, salt, digest = encoded.split("$")
        return Parsed(hexdecode(digest), salt=salt.encode("utf-8"))


class EpiServer(StructuredFormat):
    """EPiServer / ASP.NET Membership as hashcat writes it: `$episerver$*0*<salt>*<hash>`
    is SHA-1 of salt + UTF-16LE(password) (mode 141), `*1*` SHA-256 (mode 1441); base64."""

    name = "episerver"
    description = "EPiServer / ASP.NET Membership in hashcat's layout ($episerver$*0* / *1*)"
    shape = re.compile(r"^\$episerver\$\*[01]\*[A-Za-z0-9+/]+={0,2}\*[A-Za-z0-9+/]+={0,2}$")

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        if not self.has_shape(encoded):
            raise MalformedHash("expected $episerver$*0|1*salt*hash")
        _, version, salt, digest = encoded.removeprefix("$episerver$").split("*")
        algorithm = "sha1" if version == "0" else "sha256"
        raw = _b64(digest + "=" * (-len(digest) % 4), "the hash")
        if len(raw) != hashlib.new(algorithm).digest_size:
            raise MalformedHash(
                f"a {algorithm} digest has {hashlib.new(algorithm).digest_size} bytes"
            )
        return Parsed(raw, _b64(salt, "the salt"), extra={"hash": algorithm})

    def secret(self, password: str, params: Mapping[str, Any]) -> bytes | None:
        return password.encode("utf-16-le", "surrogatepass")

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        return _raw(parsed.extra["hash"], parsed.salt + secret)


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
