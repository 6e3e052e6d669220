"""Find a hash's format and check a password against it.

Callers outside this package go through the names `legacy_users.hashing` exports
(`check_password`, `classify_hash`, `get_format`, `all_formats`...) and, for Okta's hash
import, `okta_import.okta_hash_credential`; no caller outside reaches a passlib handler.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.views.decorators.debug import sensitive_variables

from legacy_users.hashing.base import CheckReason, CheckResult, HashFormat, MalformedHash
from legacy_users.hashing.catalog import AMBIGUOUS, FORMATS
from legacy_users.hashing.costs import OverCost
from legacy_users.hashing.okta_import import OKTA_LABELS

logger = logging.getLogger(__name__)


#: Separates the candidates of a format choice (`django_salted_sha1|werkzeug_hmac`).
CHOICE = "|"


def choice_candidates(format_name: str) -> list[str]:
    """The formats a recorded format names: one, or each candidate of a choice."""
    return format_name.split(CHOICE) if CHOICE in format_name else [format_name]


@dataclass(frozen=True, slots=True)
class HashVerdict:
    """A stored hash's format (`format_name`), or the `problem` that stops verification."""

    format_name: str
    problem: str = ""
    okta_algorithm: str = ""
    #: The problem is a work factor over its family's ceiling (see `costs.py`).
    over_cost: bool = False

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def ambiguous(self) -> bool:
        """The shape is written by several systems: the hook decides which at sign-in."""
        return CHOICE in self.format_name


class FormatRegistry:
    """An ordered set of hash formats, looked up by name or detected from a string."""

    def __init__(
        self, formats: Iterable[HashFormat], ambiguous: Iterable[tuple[str, ...]] = ()
    ) -> None:
        self._formats = list(formats)
        #: For each format of an ambiguous pair, the others sharing its shape.
        self._twins: dict[str, list[str]] = {}
        for group in ambiguous:
            for name in group:
                self._twins.setdefault(name, []).extend(n for n in group if n != name)
        self._by_name = {fmt.name: fmt for fmt in self._formats}
        if len(self._by_name) != len(self._formats):
            raise ValueError("two hash formats share a name")
        self._detectable = [fmt for fmt in self._formats if fmt.detectable]
        # Verdicts are immutable: one per format, shared, so classifying allocates nothing.
        self._ok = {
            fmt.name: HashVerdict(fmt.name, "", OKTA_LABELS.get(fmt.name, ""))
            for fmt in self._formats
        }

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
        self,
        encoded: str,
        declared: str = "",
        params: Mapping[str, Any] | None = None,
        *,
        hints: Sequence[str] = (),
    ) -> HashVerdict:
        """Which format a stored hash is, or why it cannot be verified (no hashing done).

        `hints` name formats to try first: a loader passes the ones recent rows had, since an
        export mixes few formats, which spares scanning the whole registry for every row.
        """
        if not encoded:
            return HashVerdict("", "the hash is empty")
        params = params or {}
        if CHOICE in declared:  # recorded by an earlier load: every candidate must parse
            candidates = [self.classify(encoded, name, params) for name in declared.split(CHOICE)]
            problem = next((v for v in candidates if not v.ok), None)
            return problem or HashVerdict(declared)
        if declared:
            fmt = self._by_name.get(declared)
            if fmt is None:
                return HashVerdict("", f"unknown hash format {declared!r} (see list_hash_formats)")
            return self._checked(fmt, encoded, params)
        for hint in hints:
            if CHOICE in hint:
                continue  # a choice is found again from its first candidate
            fmt = self._by_name.get(hint)
            if fmt is not None and fmt.detectable and fmt.identify(encoded):
                verdict = self._checked(fmt, encoded, params)
                if verdict.ok:
                    return self._with_twins(verdict, encoded, params)
        marked = None
        for fmt in self._detectable:
            if fmt.identify(encoded):
                verdict = self._checked(fmt, encoded, params)
                if verdict.ok:
                    return self._with_twins(verdict, encoded, params)
                marked = marked or verdict
        return marked or HashVerdict(
            "", "the hash matches no known format; declare it in hash_format"
        )

    def _with_twins(
        self, verdict: HashVerdict, encoded: str, params: Mapping[str, Any]
    ) -> HashVerdict:
        """`verdict`, or the choice of every format sharing its shape that parses it too."""
        shared = self._twins.get(verdict.format_name)
        if not shared:  # most formats: a loader calls this for every row
            return verdict
        twins = [
            name
            for name in shared
            if self._by_name[name].identify(encoded)
            and self._checked(self._by_name[name], encoded, params).ok
        ]
        if not twins:
            return verdict
        return HashVerdict(CHOICE.join([verdict.format_name, *twins]))

    def _checked(self, fmt: HashFormat, encoded: str, params: Mapping[str, Any]) -> HashVerdict:
        try:
            fmt.parse(encoded, params)
        except OverCost as problem:
            return HashVerdict(
                fmt.name, f"the hash's cost is over the ceiling: {problem}", over_cost=True
            )
        except MalformedHash as problem:
            return HashVerdict(
                fmt.name, f"the hash is not a well-formed {fmt.name} hash ({problem})"
            )
        return self._ok[fmt.name]

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
        if CHOICE in format_name:
            # Each candidate in turn, until one verifies (a wrong password: every one).
            result = CheckResult(False, CheckReason.UNSUPPORTED_HASH, format_name)
            for name in choice_candidates(format_name):
                result = self.check_password(password, encoded, format_name=name, params=params)
                if result.verified:
                    return result
            return result._replace(format_name=format_name)
        fmt = self.resolve(encoded, format_name)
        if fmt is None:
            return CheckResult(False, CheckReason.UNSUPPORTED_HASH, format_name)
        if not password:
            return CheckResult(False, CheckReason.WRONG_PASSWORD, fmt.name)
        params = params or {}
        pepper = params.get("pepper")
        if pepper:
            # The application's secret, joined to the password before hashing (Devise's
            # config.pepper: after it). An HMAC key or Spring's secret is `key` instead.
            before = params.get("pepper_position") == "prefix"
            password = f"{pepper}{password}" if before else f"{password}{pepper}"
        try:
            matched = fmt.verify(password, encoded, params)
        except OverCost:
            # Refused before any hashing: one such check could hold a worker for minutes.
            return CheckResult(False, CheckReason.OVER_COST, fmt.name)
        except MalformedHash:
            return CheckResult(False, CheckReason.MALFORMED_HASH, fmt.name)
        except Exception as exc:  # noqa: BLE001 - a hasher bug must not become a 500
            # Only the type: a library's message could quote what it was given.
            logger.error("hash format %s failed with %s", fmt.name, type(exc).__name__)
            return CheckResult(False, CheckReason.ERROR, fmt.name)
        reason = CheckReason.VERIFIED if matched else CheckReason.WRONG_PASSWORD
        return CheckResult(matched, reason, fmt.name)


registry = FormatRegistry(FORMATS, AMBIGUOUS)


def get_format(name: str) -> HashFormat | None:
    """The registered format called `name`, or None."""
    return registry.get(name)


def identify_format(encoded: str) -> HashFormat | None:
    """The registered format `encoded` identifies as, or None."""
    return registry.identify(encoded)


def classify_hash(
    encoded: str,
    declared: str = "",
    params: Mapping[str, Any] | None = None,
    *,
    hints: Sequence[str] = (),
) -> HashVerdict:
    """The registered format of a stored hash, or why it cannot be verified."""
    return registry.classify(encoded, declared, params, hints=hints)


def all_formats() -> list[HashFormat]:
    """Every registered format, in detection order."""
    return list(registry)


@sensitive_variables()
def check_password(
    password: str, encoded: str, *, format_name: str = "", params: Mapping[str, Any] | None = None
) -> CheckResult:
    """Check a password against a stored hash with the default registry; never raises."""
    return registry.check_password(password, encoded, format_name=format_name, params=params)
