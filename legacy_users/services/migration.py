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


def user_record_failure(*, user_id: int, at: datetime) -> None:
    """Record a wrong password: one more consecutive failure, and the lock at the threshold.

    One UPDATE: the count and the lock are decided in SQL, so concurrent failures all count.
    """
    threshold = settings.OKTA_HOOK_LOCKOUT_THRESHOLD
    lock_until = at + timedelta(minutes=settings.OKTA_HOOK_LOCKOUT_MINUTES)
    LegacyUser.objects.filter(pk=user_id).update(
        failed_attempts=F("failed_attempts") + 1,
        locked_until=Case(
            When(failed_attempts__gte=threshold - 1, then=Value(lock_until)),
            default=F("locked_until"),
        ),
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
