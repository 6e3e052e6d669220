"""The shape of a hand-written format: decode the stored string, derive, compare.

Used only where no maintained library verifies the format (see `catalog.py`). Decoding is
cheap and raises `MalformedHash`; deriving runs the algorithm; the comparison is constant-time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.views.decorators.debug import sensitive_variables

from legacy_users.hashing.base import HashFormat, MalformedHash, Parsed
from legacy_users.hashing.codecs import equal, password_bytes
from legacy_users.hashing.costs import check_work


class StructuredFormat(HashFormat):
    """A format verified by `derive(password) == digest`, both from `decode(stored)`.

    `family` names the cost ceiling the decoded work factor is held to (see `costs.py`):
    `pbkdf2` reads `iterations`, `scrypt` the `n`, `r`, `p` in `extra`, `phpass` the log2 of
    `iterations`. Parsing and verifying both refuse a hash over it, before any hashing.
    """

    #: A regex the stored string matches when the format is detectable.
    shape: re.Pattern[str] | None = None
    family: str = ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def identify(self, encoded: str) -> bool:
        return self.detectable and self.has_shape(encoded)

    def has_shape(self, encoded: str) -> bool:
        """Whether `encoded` matches the format's `shape` (False when it has none)."""
        return self.shape is not None and self.shape.match(encoded) is not None

    def parse(self, encoded: str, params: Mapping[str, Any]) -> None:
        self.check_cost(self.decode(encoded, params))

    def check_cost(self, parsed: Parsed) -> None:
        """Raise `OverCost` when the decoded work factor is over the family's ceiling."""
        if self.family == "scrypt":
            check_work("scrypt", n=parsed.extra["n"], r=parsed.extra["r"], p=parsed.extra["p"])
        elif self.family == "phpass":
            check_work("phpass", rounds=parsed.iterations.bit_length() - 1)
        elif self.family:
            check_work(self.family, rounds=parsed.iterations)

    @sensitive_variables()
    def verify(self, password: str, encoded: str, params: Mapping[str, Any]) -> bool:
        parsed = self.decode(encoded, params)
        self.check_cost(parsed)
        secret = self.secret(password, params)
        if secret is None:
            return False
        return equal(self.derive(secret, parsed, params), parsed.digest)

    def secret(self, password: str, params: Mapping[str, Any]) -> bytes | None:
        """The password's bytes as this format hashes them (None: cannot match)."""
        return password_bytes(password, params)

    def derive(self, secret: bytes, parsed: Parsed, params: Mapping[str, Any]) -> bytes:
        """Compute the digest the stored one must equal, from the password's bytes."""
        raise NotImplementedError


def split_exact(encoded: str, separator: str, count: int) -> list[str]:
    """`encoded` split into exactly `count` fields, or MalformedHash."""
    parts = encoded.split(separator)
    if len(parts) != count:
        raise MalformedHash(f"expected {count} fields separated by {separator!r}")
    return parts


class DelegatingFormat(HashFormat):
    """A marker in front of a string another format verifies (LDAP `{CRYPT}`, Spring `{id}`)."""

    def __init__(
        self,
        name: str,
        prefix: str,
        inner: Sequence[HashFormat],
        description: str,
        *,
        any_case: bool = False,
    ) -> None:
        self.name, self.prefix, self.description = name, prefix, description
        self.inner, self.any_case = list(inner), any_case

    def identify(self, encoded: str) -> bool:
        head = encoded[: len(self.prefix)]
        return (head.upper() == self.prefix.upper()) if self.any_case else head == self.prefix

    def choose(self, rest: str) -> HashFormat | None:
        """The inner format `rest` is written in (the only one, or the one it identifies as)."""
        if len(self.inner) == 1:
            return self.inner[0]
        return next((fmt for fmt in self.inner if fmt.identify(rest)), None)

    def _unwrap(self, encoded: str) -> tuple[HashFormat, str]:
        if not self.identify(encoded):
            raise MalformedHash(f"does not start with {self.prefix}")
        rest = encoded[len(self.prefix) :]
        fmt = self.choose(rest)
        if fmt is None:
            raise MalformedHash(f"not a value {self.prefix} wraps")
        return fmt, rest

    def parse(self, encoded: str, params: Mapping[str, Any]) -> None:
        fmt, rest = self._unwrap(encoded)
        fmt.parse(rest, params)

    @sensitive_variables()
    def verify(self, password: str, encoded: str, params: Mapping[str, Any]) -> bool:
        fmt, rest = self._unwrap(encoded)
        return fmt.verify(password, rest, params)

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        fmt, rest = self._unwrap(encoded)
        return fmt.decode(rest, params)
