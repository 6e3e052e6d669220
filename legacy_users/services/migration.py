"""The migration state machine: every change of a legacy user's status happens here.

Each transition is one conditional UPDATE, so two hook calls racing for the same user
cannot both move it, and counters are incremented in SQL (`F()`), never read-modify-write.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, F, Value, When

from legacy_users.models import LegacyUser, MigrationStatus


def user_mark_verified(*, user_id: int, at: datetime, weak_reason: str = "") -> bool:
    """Record a correct password: pending becomes verified, failures and lock reset.

    `weak_reason` is the password validators' verdict (their codes, never the password).
    Returns True when this call made the pending -> verified transition; False when the
    user was already verified (Okta may ask again while its org is read-only).
    """
    values = {
        "failed_attempts": 0,
        "locked_until": None,
        "last_attempt_at": at,
        "updated_at": at,
        "weak_password": bool(weak_reason),
        "weak_password_reason": weak_reason[:200],
    }
    moved = LegacyUser.objects.filter(pk=user_id, status=MigrationStatus.PENDING).update(
        status=MigrationStatus.VERIFIED, verified_at=at, **values
    )
    if not moved:
        LegacyUser.objects.filter(pk=user_id).update(**values)
    return bool(moved)


def user_record_failure(*, user_id: int, at: datetime, lock: bool = False) -> None:
    """Record a wrong password: one more consecutive failure and, when `lock` (failures come
    from several sources, so one attacker cannot lock a user out cheaply), the account-wide
    lock once the count reaches the threshold.

    One UPDATE: the count and the lock are decided in SQL, so concurrent failures all count.
    """
    threshold = settings.OKTA_HOOK_LOCKOUT_THRESHOLD if lock else None
    lock_until = at + timedelta(minutes=settings.OKTA_HOOK_LOCKOUT_MINUTES)
    locked_until = F("locked_until")
    if threshold is not None:
        locked_until = Case(
            When(failed_attempts__gte=threshold - 1, then=Value(lock_until)),
            default=F("locked_until"),
        )
    LegacyUser.objects.filter(pk=user_id).update(
        failed_attempts=F("failed_attempts") + 1,
        locked_until=locked_until,
        last_attempt_at=at,
        updated_at=at,
    )


def user_record_attempt(*, user_id: int, at: datetime) -> None:
    """Record a sign-in we did not judge on the password (unusable hash, locked, throttled)."""
    LegacyUser.objects.filter(pk=user_id).update(last_attempt_at=at, updated_at=at)


def user_unlock(*, user_id: int, at: datetime) -> bool:
    """Lift a lockout (an operator's decision): the failure count starts again from zero."""
    return bool(
        LegacyUser.objects.filter(pk=user_id, locked_until__isnull=False).update(
            locked_until=None, failed_attempts=0, updated_at=at
        )
    )


def user_confirm(*, user_id: int, at: datetime, also_pending: bool = False) -> bool:
    """Okta says it stored the user's password: verified becomes confirmed.

    Only a user we answered VERIFIED can be confirmed by Okta's import event; `also_pending`
    is for a user Okta was given the hash itself (the push), who never passes the hook.
    Returns False when the user was not in such a state.
    """
    statuses = [MigrationStatus.VERIFIED]
    if also_pending:
        statuses.append(MigrationStatus.PENDING)
    return bool(
        LegacyUser.objects.filter(pk=user_id, status__in=statuses).update(
            status=MigrationStatus.CONFIRMED, confirmed_at=at, updated_at=at
        )
    )


def user_confirm_hash_import(*, user_id: int, at: datetime) -> tuple[bool, bool]:
    """Okta accepted the user's legacy hash itself (created with it): confirm, and wipe the
    hash at once when PURGE_HASH_ON_CONFIRM. Returns (confirmed by this call, hash purged)."""
    if not user_confirm(user_id=user_id, at=at, also_pending=True):
        return False, False
    purged = settings.PURGE_HASH_ON_CONFIRM and users_purge_hashes(at=at, user_id=user_id)
    return True, bool(purged)


def users_purge_hashes(*, at: datetime, user_id: int | None = None, confirmed_before=None) -> int:
    """Wipe the legacy hash of confirmed users (one, or all confirmed before a time).

    Only ever a confirmed user's: the condition is part of the UPDATE, so a user whose
    import Okta has not confirmed keeps the hash a retry may still need.
    """
    users = LegacyUser.objects.filter(status=MigrationStatus.CONFIRMED)
    if user_id is not None:
        users = users.filter(pk=user_id)
    if confirmed_before is not None:
        users = users.filter(confirmed_at__lt=confirmed_before)
    return users.update(
        password_hash="",
        salt="",
        hash_params={},
        status=MigrationStatus.PURGED,
        purged_at=at,
        updated_at=at,
    )


def user_record_push(*, user_id: int, at: datetime, state: str, okta_id: str, error: str) -> None:
    """Remember how the user was created in Okta (resumable pushes start from this)."""
    LegacyUser.objects.filter(pk=user_id).update(
        okta_push_state=state,
        okta_id=okta_id,
        okta_push_error=error[:500],
        okta_pushed_at=at,
        updated_at=at,
    )


def user_record_password_expired(*, user_id: int, at: datetime) -> None:
    LegacyUser.objects.filter(pk=user_id).update(okta_password_expired_at=at, updated_at=at)
