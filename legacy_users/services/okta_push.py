"""Creating the legacy users in Okta: with the password import hook credential, or with
the legacy hash itself where Okta can import it."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from legacy_users.app_settings import app_settings
from legacy_users.hashing.okta_import import Credential, okta_hash_credential
from legacy_users.models import LegacyUser, OktaPushState
from legacy_users.services.migration import user_confirm_hash_import, user_record_push
from legacy_users.services.okta_profiles import (
    ProfileMap,
    profile_digest,
    profile_map,
    profile_verdict,
    users_unpushed,
)
from okta_api import OktaClient, OktaError, UserSchema
from okta_api.client import require_client

PUSH_BATCH = 200


class PushStrategy(enum.StrEnum):
    """How users are created in Okta."""

    #: Everyone with the password import hook credential.
    HOOK = "hook"
    #: The legacy hash itself where Okta can import it, the hook for the rest.
    AUTO = "auto"


@dataclass(slots=True)
class PushReport:
    """What a push did, per resulting state; `errors` keeps the first few to show."""

    states: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False
    #: Users refused before and not sent again: the profile to send has not changed.
    unchanged_refusals: int = 0
    #: Stopped before the end because `should_continue` said so.
    stopped: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """One user's push: the state to record, Okta's id, the error or reason, and the
    digest of a refused profile."""

    state: OktaPushState
    okta_id: str = ""
    error: str = ""
    refused_profile: str = ""


def _credential(user: LegacyUser, strategy: PushStrategy) -> Credential | None:
    if strategy != PushStrategy.AUTO:
        return None
    params = user.hash_check_params(resolve=False)
    return okta_hash_credential(user.hash_format, user.password_hash, params)


#: What a create with no answer leaves behind, and what an earlier one of ours becomes once
#: Okta reports the login taken.
_UNANSWERED = {False: OktaPushState.UNANSWERED_HOOK, True: OktaPushState.UNANSWERED_HASH}
_OURS = {
    OktaPushState.UNANSWERED_HOOK: OktaPushState.LINKED,
    OktaPushState.UNANSWERED_HASH: OktaPushState.IMPORTED_HASH,
}


def _create(
    client: OktaClient, user: LegacyUser, profile: dict[str, Any], credential: Credential | None
) -> Outcome:
    """Create one user in Okta; talks to Okta, never to the database."""
    try:
        created = client.create_user(profile, password_hash=credential)
    except OktaError as exc:
        if exc.login_taken:
            return _taken(client, user)
        if exc.profile_refused:
            return Outcome(
                OktaPushState.REFUSED,
                error="Okta refused: " + ("; ".join(exc.causes) or exc.summary),
                refused_profile=profile_digest(profile),
            )
        if exc.unanswered:
            # The create may have been carried out: remember what was sent.
            return Outcome(_UNANSWERED[credential is not None], error=str(exc))
        return Outcome(OktaPushState.FAILED, error=str(exc))
    state = OktaPushState.IMPORTED_HASH if credential else OktaPushState.HOOK
    return Outcome(state, created.id)


def _taken(client: OktaClient, user: LegacyUser) -> Outcome:
    """Okta already has this login. It is ours only when our own record says we sent its
    create and no answer came back; anything else is a conflict, with the reason."""
    try:
        existing = client.get_user(user.login)
    except OktaError as exc:
        return Outcome(OktaPushState.FAILED, error=str(exc))
    ours = _OURS.get(OktaPushState(user.okta_push_state))
    if ours is not None:
        return Outcome(ours, existing.id)
    if existing.awaiting_import:
        why = (
            "already in Okta, waiting for a password import this portal did not set up (a "
            "hook or hash user created elsewhere, or by a portal database since replaced)"
        )
    else:
        why = f"already in Okta with its own password (provider {existing.provider or '?'})"
    return Outcome(OktaPushState.CONFLICT, existing.id, why)


def _outcome(
    user: LegacyUser,
    *,
    strategy: PushStrategy,
    schema: UserSchema,
    mapping: ProfileMap,
    client: OktaClient | None,
) -> Outcome | None:
    """What pushing `user` comes to (None: refused before, profile unchanged: skipped).
    Without a client (a dry run) nothing is sent."""
    verdict = profile_verdict(user, schema, mapping)
    digest = profile_digest(verdict.profile)
    if user.okta_push_state == OktaPushState.REFUSED and digest == user.okta_refused_profile:
        return None
    if verdict.problems:
        return Outcome(OktaPushState.REFUSED, error=verdict.refused, refused_profile=digest)
    credential = _credential(user, strategy)
    if client is None:
        return Outcome(OktaPushState.IMPORTED_HASH if credential else OktaPushState.HOOK)
    return _create(client, user, verdict.profile, credential)


def okta_users_push(
    *,
    client: OktaClient | None,
    strategy: PushStrategy = PushStrategy.HOOK,
    dry_run: bool = False,
    limit: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    among: QuerySet[LegacyUser] | None = None,
    schema: UserSchema | None = None,
    should_continue: Callable[[], bool] | None = None,
) -> PushReport:
    """Create the pending users not yet in Okta (and retry failed ones).

    Each profile is built by OKTA_PROFILE_MAP and checked against the org's user schema
    first (read from Okta; `schema` overrides it, and a dry run without a client uses
    Okta's default): a profile Okta would refuse is not sent, and is recorded REFUSED with
    the reasons, as is one Okta itself refuses (its `errorCauses`); neither is sent again
    until the profile to send changes.

    `strategy` HOOK gives everyone the password-hook credential; AUTO sends the legacy
    hash itself where Okta can import it (such users are confirmed at once: Okta holds their
    password and never calls the hook for them). Resumable: each user's outcome is stored as
    it comes, and users already pushed are skipped. `among` narrows it to some users (an
    operator's selection in the admin). `should_continue` is asked after every batch: False
    stops the push there (a paused job; the next run goes on where it stopped).
    """
    report = PushReport(dry_run=dry_run)
    okta = None if dry_run else require_client(client, "pushing users")
    if schema is None:
        schema = client.user_schema() if client is not None else UserSchema.okta_default()
    mapping = profile_map()
    users = users_unpushed().order_by("pk")
    if among is not None:
        users = users.filter(pk__in=among.values("pk"))
    if limit:
        users = users[:limit]
    done = 0
    batch: list[LegacyUser] = []

    def outcome(user: LegacyUser) -> Outcome | None:
        return _outcome(user, strategy=strategy, schema=schema, mapping=mapping, client=okta)

    def flush(pool: ThreadPoolExecutor) -> None:
        nonlocal done
        results = list(pool.map(outcome, batch)) if okta else list(map(outcome, batch))
        now = timezone.now()
        for user, result in zip(batch, results, strict=True):
            if result is None:
                report.unchanged_refusals += 1
                continue
            report.states[result.state] += 1
            if result.error and len(report.errors) < 50:
                report.errors.append((user.login, result.error))
            if dry_run:
                continue
            user_record_push(
                user_id=user.pk,
                at=now,
                state=result.state,
                okta_id=result.okta_id,
                error=result.error,
                refused_profile=result.refused_profile,
            )
            if result.state == OktaPushState.IMPORTED_HASH:
                user_confirm_hash_import(user_id=user.pk, at=now)
        done += len(batch)
        batch.clear()
        if on_progress:
            on_progress(done)

    fields = (*LegacyUser.CHECK_FIELDS, "profile", "okta_push_state", "okta_refused_profile")
    with ThreadPoolExecutor(max_workers=app_settings().okta_api_concurrency) as pool:
        for user in users.only(*fields).iterator(chunk_size=PUSH_BATCH):
            batch.append(user)
            if len(batch) >= PUSH_BATCH:
                flush(pool)
                if should_continue is not None and not should_continue():
                    report.stopped = True
                    return report
        if batch:
            flush(pool)
    return report
