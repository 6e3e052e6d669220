"""The Okta profile each legacy user is created with, and the check of those profiles
against the org's own user schema, before anything is sent.

Where each Okta attribute comes from is `OKTA_PROFILE_MAP`: `attribute=source|source...`,
comma-separated; the first source that holds a value gives it. Sources: the columns `login`,
`email`, `first_name`, `last_name`; `local` (the login's part before any `@`);
`profile.<key>` (an exported column kept in the user's profile); `default:<text>` (that text).
The map given replaces these defaults attribute by attribute:

    login=login, email=email|login, firstName=first_name|local, lastName=last_name|local

Nothing is cut to fit or made up beyond what the map says: a value Okta's schema would
refuse is reported with the reason, and the user is not sent.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from legacy_users.app_settings import app_settings
from legacy_users.models import LegacyUser, MigrationStatus, OktaPushState
from okta_api import UserSchema

DEFAULT_MAP = {
    "login": ("login",),
    "email": ("email", "login"),
    "firstName": ("first_name", "local"),
    "lastName": ("last_name", "local"),
}
COLUMNS = ("login", "email", "first_name", "last_name")
#: The fields a profile is built from (load only these).
PROFILE_FIELDS = ("id", "login", "email", "first_name", "last_name", "profile")
#: Push states whose users are still to be created in Okta.
UNPUSHED_STATES = (
    OktaPushState.NOT_PUSHED,
    OktaPushState.FAILED,
    OktaPushState.REFUSED,
    OktaPushState.UNANSWERED_HOOK,
    OktaPushState.UNANSWERED_HASH,
)
#: Users listed by name in a check's report (the rest are counted).
EXAMPLES = 50


@dataclass(frozen=True, slots=True)
class ProfileMap:
    """For each Okta attribute, where its value comes from, in order of preference."""

    sources: dict[str, tuple[str, ...]]

    @classmethod
    def parse(cls, text: str) -> ProfileMap:
        """Read OKTA_PROFILE_MAP; ImproperlyConfigured names the part at fault."""
        sources = dict(DEFAULT_MAP)
        for part in filter(None, (p.strip() for p in text.split(","))):
            attribute, sep, choices = part.partition("=")
            attribute = attribute.strip()
            options = tuple(c.strip() for c in choices.split("|") if c.strip())
            if not sep or not attribute or not options:
                raise ImproperlyConfigured(
                    f"OKTA_PROFILE_MAP: {part!r} is not attribute=source|source..."
                )
            for source in options:
                if not _known_source(source):
                    raise ImproperlyConfigured(
                        f"OKTA_PROFILE_MAP: {attribute}={source!r}: a source is one of "
                        f"{', '.join(COLUMNS)}, local, profile.<key> or default:<text>"
                    )
            if attribute == "login" and options != ("login",):
                # The hook finds a user by the username Okta sends: the login loaded here.
                raise ImproperlyConfigured(
                    "OKTA_PROFILE_MAP: login comes from the login column only (the password "
                    "hook matches Okta's username to it)"
                )
            sources[attribute] = options
        return cls(sources)

    def build(self, user: LegacyUser) -> tuple[dict[str, Any], dict[str, str]]:
        """The profile to send for `user`, and for each attribute the source that gave
        it. Attributes no source has a value for are left out."""
        profile: dict[str, Any] = {}
        used: dict[str, str] = {}
        for attribute, options in self.sources.items():
            for source in options:
                value = _value(user, source)
                if value is not None and value != "":
                    profile[attribute] = value
                    used[attribute] = source
                    break
        return profile, used


def _known_source(source: str) -> bool:
    return (
        source in COLUMNS
        or source == "local"
        or (source.startswith("profile.") and len(source) > len("profile."))
        or source.startswith("default:")
    )


def _value(user: LegacyUser, source: str) -> Any:
    if source in COLUMNS:
        return getattr(user, source)
    if source == "local":
        return user.login.split("@")[0]
    if source.startswith("default:"):
        return source.removeprefix("default:")
    extra = user.profile if isinstance(user.profile, dict) else {}
    return extra.get(source.removeprefix("profile."))


@lru_cache(maxsize=4)
def _parsed(text: str) -> ProfileMap:
    return ProfileMap.parse(text)


def profile_map() -> ProfileMap:
    """The configured map (OKTA_PROFILE_MAP over the defaults)."""
    return _parsed(app_settings().okta_profile_map)


def profile_digest(profile: dict[str, Any]) -> str:
    """A digest of a profile, to tell whether a refused one has changed since."""
    text = json.dumps(profile, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ProfileVerdict:
    """One user's profile and what Okta's schema says of it."""

    profile: dict[str, Any]
    problems: tuple[str, ...]
    #: Attributes whose value came from a fallback source (not the map's first choice).
    fallbacks: tuple[tuple[str, str], ...]

    @property
    def refused(self) -> str:
        """The reasons in one line ('' when the schema accepts the profile)."""
        return "; ".join(self.problems)


def profile_verdict(user: LegacyUser, schema: UserSchema, mapping: ProfileMap) -> ProfileVerdict:
    """Build `user`'s profile with `mapping` and check it against `schema`."""
    profile, used = mapping.build(user)
    fallbacks = tuple(
        (attribute, source)
        for attribute, source in used.items()
        if source != mapping.sources[attribute][0]
    )
    return ProfileVerdict(profile, tuple(schema.problems(profile)), fallbacks)


def users_unpushed() -> QuerySet[LegacyUser]:
    """The pending users a push has work for: not yet created in Okta (never pushed, failed
    or unanswered before, or refused before: sent again once their profile changes)."""
    return LegacyUser.objects.filter(
        status=MigrationStatus.PENDING, okta_push_state__in=UNPUSHED_STATES
    )


@dataclass(slots=True)
class ProfileCheck:
    """What Okta's schema says of the profiles still to push."""

    checked: int = 0
    refused: int = 0
    #: Refusals per attribute and reason (without the value).
    reasons: Counter[str] = field(default_factory=Counter)
    #: (attribute, source) for values taken from a fallback source.
    fallbacks: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: list[tuple[str, str]] = field(default_factory=list)
    #: Users whose recorded verdict changed (when recorded).
    newly_refused: int = 0
    cleared: int = 0


def okta_profiles_check(
    *, schema: UserSchema, record: bool = False, batch: int = 5000
) -> ProfileCheck:
    """Check the profile of every user still to push against the org's `schema`.

    With `record`, users Okta would refuse are marked REFUSED (the admin's push filter and
    the dashboard show them; the push then skips them until their profile changes) and
    users refused before whose profile now passes go back to not pushed."""
    mapping = profile_map()
    report = ProfileCheck()
    refuse: list[LegacyUser] = []
    clear: list[int] = []
    users = users_unpushed().only(*PROFILE_FIELDS, "okta_push_state", "okta_push_error")
    for user in users.order_by("pk").iterator(chunk_size=batch):
        verdict = profile_verdict(user, schema, mapping)
        report.checked += 1
        report.fallbacks.update(verdict.fallbacks)
        if verdict.problems:
            report.refused += 1
            report.reasons.update(_reason_kinds(verdict.problems))
            if len(report.examples) < EXAMPLES:
                report.examples.append((user.login, verdict.refused))
            if record and (
                user.okta_push_state != OktaPushState.REFUSED
                or user.okta_push_error != verdict.refused[:500]
            ):
                user.okta_push_state = OktaPushState.REFUSED
                user.okta_push_error = verdict.refused[:500]
                user.okta_refused_profile = profile_digest(verdict.profile)
                refuse.append(user)
        elif record and user.okta_push_state == OktaPushState.REFUSED:
            clear.append(user.pk)
        if record and len(refuse) >= batch:
            report.newly_refused += _save_refusals(refuse)
    if record:
        report.newly_refused += _save_refusals(refuse)
        for start in range(0, len(clear), batch):
            LegacyUser.objects.filter(
                pk__in=clear[start : start + batch], okta_push_state=OktaPushState.REFUSED
            ).update(
                okta_push_state=OktaPushState.NOT_PUSHED,
                okta_push_error="",
                okta_refused_profile="",
            )
        report.cleared = len(clear)
    return report


def _save_refusals(users: list[LegacyUser]) -> int:
    count = len(users)
    LegacyUser.objects.bulk_update(
        users, ["okta_push_state", "okta_push_error", "okta_refused_profile"], batch_size=1000
    )
    users.clear()
    return count


def _reason_kinds(problems: Iterable[str]) -> list[str]:
    """Each problem without its figures ("firstName: 63 characters, ..." ->
    "firstName: too long"), so that a report groups them."""
    kinds = []
    for problem in problems:
        attribute, _, reason = problem.partition(": ")
        if "at most" in reason:
            reason = "too long for Okta"
        elif "at least" in reason:
            reason = "too short for Okta"
        kinds.append(f"{attribute}: {reason}")
    return kinds
