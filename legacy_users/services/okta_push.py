"""Creating the legacy users in Okta: with the password import hook credential, or with
the legacy hash itself where Okta can import it."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from legacy_users.hashing.okta_import import Credential, okta_hash_credential
from legacy_users.models import LegacyUser, MigrationStatus, OktaPushState
from legacy_users.services.migration import user_confirm_hash_import, user_record_push
from okta_api import OktaClient, OktaError
from okta_api.client import require_client, user_profile

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


def _credential(user: LegacyUser, strategy: PushStrategy) -> Credential | None:
    if strategy != PushStrategy.AUTO:
        return None
    return okta_hash_credential(user.hash_format, user.password_hash, user.hash_check_params())


def _push_one(client: OktaClient, user: LegacyUser, strategy: PushStrategy) -> tuple[str, str, str]:
    """(state, Okta id, error) for one user; talks to Okta, never to the database."""
    credential = _credential(user, strategy)
    try:
        profile = user_profile(
            login=user.login, email=user.email, first_name=user.first_name, last_name=user.last_name
        )
        created = client.create_user(profile, password_hash=credential)
    except OktaError as exc:
        if exc.code == "E0000001" and any("already exists" in c for c in exc.causes):
            try:
                existing = client.get_user(user.login)
            except OktaError as lookup:
                return OktaPushState.FAILED, "", str(lookup)
            provider = (existing.get("credentials") or {}).get("provider") or {}
            if provider.get("type") == "IMPORT":
                return OktaPushState.LINKED, existing.get("id", ""), ""
            return (
                OktaPushState.CONFLICT,
                existing.get("id", ""),
                "already in Okta with its own password (not on the password hook)",
            )
        return OktaPushState.FAILED, "", str(exc)
    state = OktaPushState.IMPORTED_HASH if credential else OktaPushState.HOOK
    return state, created.get("id", ""), ""


def users_to_push() -> QuerySet[LegacyUser]:
    """The pending users a push has work for: not yet created in Okta, or failed before."""
    return LegacyUser.objects.filter(
        status=MigrationStatus.PENDING,
        okta_push_state__in=[OktaPushState.NOT_PUSHED, OktaPushState.FAILED],
    )


def okta_users_push(
    *,
    client: OktaClient | None,
    strategy: PushStrategy = PushStrategy.HOOK,
    dry_run: bool = False,
    limit: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    among: QuerySet[LegacyUser] | None = None,
) -> PushReport:
    """Create the pending users not yet in Okta (and retry failed ones).

    `strategy` HOOK gives everyone the password-hook credential; AUTO sends the legacy
    hash itself where Okta can import it (such users are confirmed at once: Okta holds their
    password and never calls the hook for them). Resumable: each user's outcome is stored as
    it comes, and users already pushed are skipped. `among` narrows it to some users (an
    operator's selection in the admin).
    """
    report = PushReport(dry_run=dry_run)
    users = users_to_push().order_by("pk")
    if among is not None:
        users = users.filter(pk__in=among.values("pk"))
    if limit:
        users = users[:limit]
    done = 0
    batch: list[LegacyUser] = []
    if dry_run:

        def outcome(user: LegacyUser) -> tuple[str, str, str]:
            state = (
                OktaPushState.IMPORTED_HASH if _credential(user, strategy) else OktaPushState.HOOK
            )
            return state, "", ""

    else:
        okta = require_client(client, "pushing users")

        def outcome(user: LegacyUser) -> tuple[str, str, str]:
            return _push_one(okta, user, strategy)

    def flush(pool: ThreadPoolExecutor) -> None:
        nonlocal done
        results = list(map(outcome, batch)) if dry_run else list(pool.map(outcome, batch))
        now = timezone.now()
        for user, (state, okta_id, error) in zip(batch, results, strict=True):
            report.states[state] += 1
            if error and len(report.errors) < 50:
                report.errors.append((user.login, error))
            if dry_run:
                continue
            user_record_push(user_id=user.pk, at=now, state=state, okta_id=okta_id, error=error)
            if state == OktaPushState.IMPORTED_HASH:
                user_confirm_hash_import(user_id=user.pk, at=now)
        done += len(batch)
        batch.clear()
        if on_progress:
            on_progress(done)

    with ThreadPoolExecutor(max_workers=max(1, settings.OKTA_API_CONCURRENCY)) as pool:
        for user in users.only(*LegacyUser.CHECK_FIELDS).iterator(chunk_size=PUSH_BATCH):
            batch.append(user)
            if len(batch) >= PUSH_BATCH:
                flush(pool)
        if batch:
            flush(pool)
    return report
