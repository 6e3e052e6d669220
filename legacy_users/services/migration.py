"""The migration state machine: every change of a legacy user's status happens here.

Each transition is one conditional UPDATE, so two hook calls racing for the same user
cannot both move it, and counters are incremented in SQL, never read-modify-write.
"""

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import QuerySet

from legacy_users.app_settings import app_settings, hook_settings
from legacy_users.models import LegacyUser, MigrationStatus
from legacy_users.services.statements import Statement, column, fetch_id

# The three transitions a hook call makes are written as SQL once: they run on every sign-in,
# and compiling the equivalent ORM expressions cost more than the statements themselves
# (see `statements`).
_USERS = LegacyUser._meta.db_table
# Column names from the model: renaming a field changes these statements with it.
_ID = column(LegacyUser, "id")
_STATUS = column(LegacyUser, "status")
_VERIFIED_AT = column(LegacyUser, "verified_at")
_FAILED = column(LegacyUser, "failed_attempts")
_LOCKED_UNTIL = column(LegacyUser, "locked_until")
_LAST_ATTEMPT = column(LegacyUser, "last_attempt_at")
_UPDATED_AT = column(LegacyUser, "updated_at")
_WEAK = column(LegacyUser, "weak_password")
_WEAK_REASON = column(LegacyUser, "weak_password_reason")
_MARK_VERIFIED = f"""
UPDATE {_USERS} SET
    {_STATUS} = CASE WHEN {_STATUS} = %(pending)s THEN %(verified)s ELSE {_STATUS} END,
    {_VERIFIED_AT} = CASE WHEN {_STATUS} = %(pending)s THEN %(at)s ELSE {_VERIFIED_AT} END,
    {_FAILED} = 0, {_LOCKED_UNTIL} = NULL, {_LAST_ATTEMPT} = %(at)s, {_UPDATED_AT} = %(at)s,
    {_WEAK} = CASE WHEN {_STATUS} = %(pending)s THEN %(weak)s ELSE {_WEAK} END,
    {_WEAK_REASON} = CASE WHEN {_STATUS} = %(pending)s THEN %(weak_reason)s
        ELSE {_WEAK_REASON} END
WHERE {_ID} = %(user_id)s"""
_RECORD_FAILURE = f"""
UPDATE {_USERS} SET
    {_FAILED} = {_FAILED} + 1,
    {_LOCKED_UNTIL} = CASE WHEN %(lock)s AND {_FAILED} >= %(threshold)s THEN %(lock_until)s
        ELSE {_LOCKED_UNTIL} END,
    {_LAST_ATTEMPT} = %(at)s, {_UPDATED_AT} = %(at)s
WHERE {_ID} = %(user_id)s"""
_RECORD_ATTEMPT = f"""
UPDATE {_USERS} SET {_LAST_ATTEMPT} = %(at)s, {_UPDATED_AT} = %(at)s WHERE {_ID} = %(user_id)s"""


def mark_verified_statement(*, user_id: int, at: datetime, weak_reason: str = "") -> Statement:
    """Record a correct password: pending becomes verified, failures and lock reset.

    `weak_reason` is the password validators' verdict (their codes, never the password),
    kept with the transition. A user already past pending (Okta may ask again while its org
    is read-only) keeps its status, its first `verified_at` and that verdict. One UPDATE:
    the transition is decided in SQL, so simultaneous calls make it once.
    """
    when = connection.ops.adapt_datetimefield_value(at)
    pending, verified = MigrationStatus.PENDING.value, MigrationStatus.VERIFIED.value
    return Statement(
        _MARK_VERIFIED,
        {
            "pending": pending,
            "verified": verified,
            "at": when,
            "weak": bool(weak_reason),
            "weak_reason": weak_reason[:200],
            "user_id": user_id,
        },
    )


def record_failure_statement(*, user_id: int, at: datetime, lock: bool = False) -> Statement:
    """Record a wrong password: one more consecutive failure and, when `lock` (failures come
    from several sources, so one attacker cannot lock a user out cheaply), the account-wide
    lock once the count reaches the threshold.

    One UPDATE: the count and the lock are decided in SQL, so concurrent failures all count.
    """
    when = connection.ops.adapt_datetimefield_value(at)
    lock_until = connection.ops.adapt_datetimefield_value(
        at + timedelta(minutes=hook_settings().lockout_minutes)
    )
    threshold = hook_settings().lockout_threshold - 1
    return Statement(
        _RECORD_FAILURE,
        {
            "lock": bool(lock),
            "threshold": threshold,
            "lock_until": lock_until,
            "at": when,
            "user_id": user_id,
        },
    )


def record_attempt_statement(*, user_id: int, at: datetime) -> Statement:
    """Record a sign-in we did not judge on the password (unusable hash, locked, throttled)."""
    when = connection.ops.adapt_datetimefield_value(at)
    return Statement(_RECORD_ATTEMPT, {"at": when, "user_id": user_id})


def user_change_with_audit(*, change: Statement | None, audit: Statement) -> int:
    """Apply a user's state change and write the audit row of the call that caused it, both
    or neither; returns the audit row's id (`audit` is an `INSERT ... RETURNING id`).

    On PostgreSQL this is one statement (a data-modifying WITH): atomic without the two
    extra round trips of BEGIN and COMMIT, on every hook call. Elsewhere, a transaction.
    """
    if change is None:
        return fetch_id(audit)
    if connection.vendor == "postgresql":
        return fetch_id(change.then(audit))
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(change.sql, change.params)
        cursor.execute(audit.sql, audit.params)
        return int(cursor.fetchone()[0])  # read before the commit, which SQLite requires


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
    purged = app_settings().purge_hash_on_confirm and users_purge_hashes(at=at, user_id=user_id)
    return True, bool(purged)


def users_purgeable(*, confirmed_before: datetime | None = None) -> QuerySet[LegacyUser]:
    """The users whose legacy hash may be purged: those Okta confirmed (before a time)."""
    users = LegacyUser.objects.filter(status=MigrationStatus.CONFIRMED)
    if confirmed_before is not None:
        users = users.filter(confirmed_at__lt=confirmed_before)
    return users


def users_purge_hashes(
    *, at: datetime, user_id: int | None = None, confirmed_before: datetime | None = None
) -> int:
    """Wipe the legacy hash of confirmed users (one, or all confirmed before a time).

    Only ever a confirmed user's: the condition is part of the UPDATE, so a user whose
    import Okta has not confirmed keeps the hash a retry may still need.
    """
    users = users_purgeable(confirmed_before=confirmed_before)
    if user_id is not None:
        users = users.filter(pk=user_id)
    return users.update(
        password_hash="",
        salt="",
        hash_params={},
        load_digest="",  # the loaded values are gone: no re-load row matches them
        status=MigrationStatus.PURGED,
        purged_at=at,
        updated_at=at,
    )


def user_record_push(
    *, user_id: int, at: datetime, state: str, okta_id: str, error: str, refused_profile: str = ""
) -> None:
    """Remember how the user was created in Okta (resumable pushes start from this);
    `refused_profile` is the digest of a profile Okta's schema refused."""
    LegacyUser.objects.filter(pk=user_id).update(
        okta_push_state=state,
        okta_id=okta_id,
        okta_push_error=error[:500],
        okta_refused_profile=refused_profile,
        okta_pushed_at=at,
        updated_at=at,
    )


def user_record_password_expired(*, user_id: int, at: datetime) -> None:
    LegacyUser.objects.filter(pk=user_id).update(okta_password_expired_at=at, updated_at=at)
