"""Find a hash's format and check a password against it.

Callers outside this package use `check_password`, `identify_format`, `get_format` and
`all_formats`; they never touch a handler directly.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.views.decorators.debug import sensitive_variables

from legacy_users.hashing.base import CheckReason, CheckResult, HashFormat, MalformedHash
from legacy_users.hashing.catalog import FORMATS

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HashVerdict:
    """A stored hash's format (`format_name`), or the `problem` that stops verification."""

    format_name: str
    problem: str = ""
    okta_algorithm: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


class FormatRegistry:
    """An ordered set of hash formats, looked up by name or detected from a string."""

    def __init__(self, formats: Iterable[HashFormat]) -> None:
        self._formats = list(formats)
        self._by_name = {fmt.name: fmt for fmt in self._formats}
        if len(self._by_name) != len(self._formats):
            raise ValueError("two hash formats share a name")
        self._detectable = [fmt for fmt in self._formats if fmt.detectable]

    def __iter__(self) -> Iterator[HashFormat]:
        return iter(self._formats)

    def __len__(self) -> int:
        return len(self._formats)

    def get(self, name: str) -> HashFormat | None:
        """The format called `name`, or None."""
        return self._by_name.get(name)

    def identify(self, encoded: str) -> HashFormat | None:
        """The detectable format `encoded` is, or None.

        Some formats share a marker (`{SHA}` is base64 in one, hex in another): the first
        whose marker matches and whose parser accepts the string wins. A string that only
        has a marker is still attributed to its format, so it reads as malformed, not unknown.
        """
        marked = None
        for fmt in self._detectable:
            if fmt.identify(encoded):
                try:
                    fmt.parse(encoded, {})
                except MalformedHash:
                    marked = marked or fmt
                    continue
                return fmt
        return marked

    def resolve(self, encoded: str, declared: str = "") -> HashFormat | None:
        """The declared format when one is given (even if unknown: None), else detection."""
        if declared:
            return self.get(declared)
        return self.identify(encoded)

    def classify(
        self, encoded: str, declared: str = "", params: Mapping[str, Any] | None = None
    ) -> HashVerdict:
        """Which format a stored hash is, or why it cannot be verified (no hashing done)."""
        if not encoded:
            return HashVerdict("", "the hash is empty")
        fmt = self.resolve(encoded, declared)
        if fmt is None:
            if declared:
                return HashVerdict("", f"unknown hash format {declared!r} (see list_hash_formats)")
            return HashVerdict("", "the hash matches no known format; declare it in hash_format")
        try:
            fmt.parse(encoded, params or {})
        except MalformedHash as problem:
            problem_text = f"the hash is not a well-formed {fmt.name} hash ({problem})"
            return HashVerdict(fmt.name, problem_text)
        return HashVerdict(fmt.name, "", fmt.okta_algorithm)

    @sensitive_variables()
    def check_password(
        self,
        password: str,
        encoded: str,
        *,
        format_name: str = "",
        params: Mapping[str, Any] | None = None,
    ) -> CheckResult:
        """Check `password` against `encoded`; never raises, never logs the password.

        `format_name` is the format recorded at load time (detection is the fallback).
        An empty password never verifies, whatever the hash.
        """
        if not encoded:
            return CheckResult(False, CheckReason.NO_HASH, format_name)
        fmt = self.resolve(encoded, format_name)
        if fmt is None:
            return CheckResult(False, CheckReason.UNSUPPORTED_HASH, format_name)
        if not password:
            return CheckResult(False, CheckReason.WRONG_PASSWORD, fmt.name)
        try:
            matched = fmt.verify(password, encoded, params or {})
        except MalformedHash:
            return CheckResult(False, CheckReason.MALFORMED_HASH, fmt.name)
        except Exception as exc:  # noqa: BLE001 - a hasher bug must not become a 500
            # Only the type: a library's message could quote what it was given.
            logger.error("hash format %s failed with %s", fmt.name, type(exc).__name__)
            return CheckResult(False, CheckReason.ERROR, fmt.name)
        reason = CheckReason.VERIFIED if matched else CheckReason.WRONG_PASSWORD
        return CheckResult(matched, reason, fmt.name)


registry = FormatRegistry(FORMATS)


def get_format(name: str) -> HashFormat | None:
    """The registered format called `name`, or None."""
    return registry.get(name)


def identify_format(encoded: str) -> HashFormat | None:
    """The registered format `encoded` identifies as, or None."""
    return registry.identify(encoded)


def classify_hash(
    encoded: str, declared: str = "", params: Mapping[str, Any] | None = None
) -> HashVerdict:
    """The registered format of a stored hash, or why it cannot be verified."""
    return registry.classify(encoded, declared, params)


def all_formats() -> list[HashFormat]:
    """Every registered format, in detection order."""
    return list(registry)


#: Check a password against a stored hash with the default registry; never raises.
#: (The bound method itself, so the hook's hot path pays for one call, not two.)
check_password = registry.check_password
