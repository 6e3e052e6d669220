"""The migration state machine: every change of a legacy user's status happens here.

Each transition is one conditional UPDATE, so two hook calls racing for the same user
cannot both move it, and counters are incremented in SQL (`F()`), never read-modify-write.
"""

from datetime import datetime

from django.db.models import F

from legacy_users.models import LegacyUser, MigrationStatus


def user_mark_verified(*, user_id: int, at: datetime) -> bool:
    """Record a correct password: pending becomes verified, the failure count resets.

    Returns True when this call made the pending -> verified transition; False when the
    user was already verified (Okta may ask again while its org is read-only).
    """
    moved = LegacyUser.objects.filter(pk=user_id, status=MigrationStatus.PENDING).update(
        status=MigrationStatus.VERIFIED,
        verified_at=at,
        failed_attempts=0,
        last_attempt_at=at,
        updated_at=at,
    )
    if not moved:
        LegacyUser.objects.filter(pk=user_id).update(
            failed_attempts=0, last_attempt_at=at, updated_at=at
        )
    return bool(moved)


def user_record_failure(*, user_id: int, at: datetime) -> None:
    """Record a wrong password: one more failed attempt, atomically in SQL."""
    LegacyUser.objects.filter(pk=user_id).update(
        failed_attempts=F("failed_attempts") + 1, last_attempt_at=at, updated_at=at
    )


def user_record_attempt(*, user_id: int, at: datetime) -> None:
    """Record a sign-in we could not judge (unusable hash): not the user's failure."""
    LegacyUser.objects.filter(pk=user_id).update(last_attempt_at=at, updated_at=at)
