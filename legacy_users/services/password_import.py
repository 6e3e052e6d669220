"""Okta's password import question, answered: is this the user's legacy password?"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from legacy_users.hashing import CheckReason, check_password
from legacy_users.logins import normalize_login
from legacy_users.models import (
    AttemptOutcome,
    AttemptReason,
    LegacyUser,
    VerificationAttempt,
)
from legacy_users.services.migration import (
    user_mark_verified,
    user_record_attempt,
    user_record_failure,
)

logger = logging.getLogger(__name__)

_LOGIN_FIELD_MAX = VerificationAttempt._meta.get_field("login").max_length


@dataclass(frozen=True, slots=True)
class PasswordImportDecision:
    """What to tell Okta, and why (the why is recorded, never sent)."""

    verified: bool
    reason: AttemptReason
    attempt_id: int


@sensitive_variables()
def password_import_verify(
    *,
    login: str,
    password: str,
    event_id: str = "",
    request_id: str = "",
    ip_address: str | None = None,
) -> PasswordImportDecision:
    """Check a sign-in Okta forwarded, move the user's state, and record the call.

    The password is only passed to the hash check; it is not stored, logged or returned.
    Unknown users, wrong passwords and unusable hashes are all answered "not verified",
    each with its own recorded reason.
    """
    started = time.monotonic()
    user = (
        LegacyUser.objects.filter(login_key=normalize_login(login))
        .only("id", "login", "password_hash", "hash_format", "salt", "hash_params")
        .first()
    )
    if user is None:
        reason, hash_format = AttemptReason.UNKNOWN_USER, ""
    else:
        params = {"login": user.login, **(user.hash_params or {})}
        if user.salt:
            params.setdefault("salt", user.salt)
        result = check_password(
            password, user.password_hash, format_name=user.hash_format, params=params
        )
        reason, hash_format = AttemptReason(result.reason.value), result.format_name

    verified = reason == AttemptReason.VERIFIED
    now = timezone.now()
    with transaction.atomic():
        if user is not None:
            if verified:
                user_mark_verified(user_id=user.pk, at=now)
            elif reason == CheckReason.WRONG_PASSWORD:
                user_record_failure(user_id=user.pk, at=now)
            else:
                user_record_attempt(user_id=user.pk, at=now)
        attempt = VerificationAttempt.objects.create(
            event_id=event_id[:255],
            request_id=request_id[:255],
            login=login[:_LOGIN_FIELD_MAX],
            user=user,
            outcome=AttemptOutcome.VERIFIED if verified else AttemptOutcome.UNVERIFIED,
            reason=reason,
            hash_format=hash_format,
            ip_address=ip_address,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    logger.info(
        "password import: attempt=%s outcome=%s reason=%s", attempt.pk, attempt.outcome, reason
    )
    return PasswordImportDecision(verified=verified, reason=reason, attempt_id=attempt.pk)
