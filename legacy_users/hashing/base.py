"""The shape every legacy hash format has, and the answer a check gives.

A format is a small object in the manner of Django's `contrib.auth.hashers`: a stable name,
a description for operators, whether the stored string identifies itself, what parameters
it needs beyond the string, how to parse it (at load time, cheaply) and how to verify a
password against it (at sign-in, at the algorithm's cost).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from legacy_users.hashing.secrets import resolve_secrets


class MalformedHash(ValueError):
    """The stored string does not parse as the format it claims to be.

    The message describes the string's shape only; it never quotes the hash or a password.
    """


class CheckReason(enum.StrEnum):
    """Why a password check came out the way it did (stored on every hook call)."""

    VERIFIED = "verified"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - a reason, not a secret
    UNSUPPORTED_HASH = "unsupported_hash"
    MALFORMED_HASH = "malformed_hash"
    NO_HASH = "no_hash"
    OVER_COST = "over_cost"
    ERROR = "verification_error"


class CheckResult(NamedTuple):
    """The outcome of checking one password against one stored hash."""

    verified: bool
    reason: CheckReason
    format_name: str = ""


@dataclass(frozen=True, slots=True)
class Parsed:
    """What a stored hash says, decoded once: the digest to match and what derives it.

    Verification (for the formats written here), the cost ceilings and Okta's hash-import
    payload all read this, so they cannot disagree on a layout. `digest` and `salt` are the
    bytes the algorithm works with (a crypt-style format keeps its text as ASCII bytes);
    `extra` holds what else the string names (the digest algorithm as `hash`, scrypt's `n`,
    `r`, `p`...).
    """

    digest: bytes
    salt: bytes = b""
    iterations: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def hash_check_params(
    login: str, salt: str, params: Mapping[str, Any] | None, *, resolve: bool = True
) -> dict[str, Any]:
    """What a user's hash is checked with: the hash parameters (secret ones resolved from
    their references, `hashing.secrets`, unless not `resolve`), the salt column where they
    name no salt, and the login (PostgreSQL md5 and SMF salt with the user name). Raises
    MissingSecret when a referenced secret is not configured."""
    given = params or {}
    merged = {"login": login, **(resolve_secrets(given) if resolve else given)}
    if salt:
        merged.setdefault("salt", salt)
    return merged


class HashFormat:
    """One legacy hash format: detect it, parse it, verify a password against it.

    Subclasses set the class attributes and implement `identify`, `parse` and `verify`.
    `verify` and `parse` raise `MalformedHash` for a string that is not a valid hash of
    this format; every other outcome of `verify` is a plain bool.
    """

    #: Stable identifier, stored in `LegacyUser.hash_format` and accepted by the loader.
    name: str
    #: One line for operators: which systems write it and what it looks like.
    description: str
    #: Parameters needed beyond the hash string (from the `salt` / `hash_params` columns).
    params: tuple[str, ...] = ()
    #: True when the hash string alone identifies the format (a prefix or a fixed shape).
    detectable: bool = True

    def identify(self, encoded: str) -> bool:
        """Return True when `encoded` looks like this format (cheap: no hashing)."""
        raise NotImplementedError

    def parse(self, encoded: str, params: Mapping[str, Any]) -> None:
        """Raise `MalformedHash` unless `encoded` is a well-formed hash of this format."""
        raise NotImplementedError

    def verify(self, password: str, encoded: str, params: Mapping[str, Any]) -> bool:
        """Return whether `password` matches; raise `MalformedHash` for a bad string."""
        raise NotImplementedError

    def decode(self, encoded: str, params: Mapping[str, Any]) -> Parsed:
        """Split the stored string (and parameters) into a `Parsed`; raise MalformedHash.

        Not every format can be split (a system `crypt(3)` string is checked whole): those
        raise NotImplementedError, and Okta cannot import them anyway.
        """
        raise NotImplementedError
