"""Okta's password import question, answered: is this the user's legacy password?

The order of checks is the hook's defence: a retry of an answered call is answered the same
way; throttled logins and sources, locked (login, source) pairs, locked users and passwords
over the length limit are refused without hashing; unknown logins still cost one (dummy)
hash, so timing does not tell which logins exist; nothing changes state once the call's time
budget has run out; during a password spray wrong answers are slowed, right ones are not.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from passlib import hash as passlib_hash

from legacy_users.hashing import check_password
from legacy_users.logins import normalize_login
from legacy_users.models import (
    AttemptOutcome,
    AttemptReason,
    LegacyUser,
    VerificationAttempt,
)
from legacy_users.services.admission import NoSlotInTime, verification_slots
from legacy_users.services.migration import (
    user_mark_verified,
    user_record_attempt,
    user_record_failure,
)
from legacy_users.services.throttling import (
    CountersUnavailable,
    FailureTally,
    throttle_reason,
    throttle_record_failure,
)

logger = logging.getLogger(__name__)

_LOGIN_FIELD_MAX = VerificationAttempt._meta.get_field("login").max_length
_USER_FIELDS = (*LegacyUser.CHECK_FIELDS, "locked_until")


class HookUnavailable(Exception):
    """The call cannot be answered now (time budget, counters): the hook answers 503 and
    Okta retries once. The message is for the log; it never carries request data."""


#: Time kept back from the deadline for writing the answer, when slowing a wrong one.
ANSWER_MARGIN_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class PasswordImportDecision:
    """What to tell Okta, and why (the why is recorded, never sent)."""

    verified: bool
    reason: AttemptReason
    attempt_id: int


@functools.cache
def _dummy_hash() -> str:
    """A bcrypt hash of a random password, made once per process, for unknown logins."""
    return passlib_hash.bcrypt.using(rounds=settings.OKTA_HOOK_DUMMY_BCRYPT_ROUNDS).hash(
        secrets.token_urlsafe(16)
    )


@sensitive_variables()
def password_weakness(password: str, user: LegacyUser) -> str:
    """The configured password validators' objections, as codes ("" when none).

    Runs in memory on a password that has just verified; only the codes are kept.
    """
    # An unsaved auth user carries the attributes the similarity validator compares with.
    attributes = User(
        username=user.login, email=user.email, first_name=user.first_name, last_name=user.last_name
    )
    try:
        validate_password(password, user=attributes)
    except ValidationError as problems:
        return ",".join(sorted({error.code or "invalid" for error in problems.error_list}))
    except Exception as exc:  # noqa: BLE001 - a validator's bug must not fail the sign-in
        logger.error("password validators failed with %s", type(exc).__name__)
    return ""


def _previous_answer(event_id: str, login_key: str) -> str | None:
    """The outcome already given to this Okta event for this login, if Okta is retrying."""
    if not event_id:
        return None
    previous = (
        VerificationAttempt.objects.filter(event_id=event_id)
        .exclude(outcome=AttemptOutcome.ERROR)
        .order_by("-id")
        .values_list("outcome", "login")
        .first()
    )
    if previous is None or normalize_login(previous[1]) != login_key:
        return None
    return previous[0]


@dataclass(frozen=True, slots=True)
class _Call:
    """The facts of one hook call that its audit row keeps."""

    login: str
    event_id: str
    request_id: str
    ip_address: str | None
    started: float


@sensitive_variables()
def password_import_verify(
    *,
    login: str,
    password: str,
    event_id: str = "",
    request_id: str = "",
    ip_address: str | None = None,
    arrived: float | None = None,
) -> PasswordImportDecision:
    """Check a sign-in Okta forwarded, move the user's state, and record the call.

    The time budget (OKTA_HOOK_DEADLINE_MS) runs from `arrived` (the request's arrival,
    `time.monotonic()`; now when not given). The password is only passed to the hash check
    and the password validators; it is not stored, logged or returned. Raises
    `HookUnavailable` when the call cannot be answered within its budget (no state has
    changed then): shed for want of a verification slot, or over the budget.
    """
    call = _Call(login, event_id, request_id, ip_address, arrived or time.monotonic())
    deadline = call.started + settings.OKTA_HOOK_DEADLINE_MS / 1000
    login_key = normalize_login(login)
    try:
        if time.monotonic() >= deadline:
            raise NoSlotInTime("the call spent its whole budget queued")
        return _verify(call, login_key, password, deadline)
    except CountersUnavailable as exc:
        _answer(call, None, AttemptReason.UNAVAILABLE, verified=False, outcome=AttemptOutcome.ERROR)
        raise HookUnavailable(str(exc)) from None
    except NoSlotInTime as exc:
        _answer(call, None, AttemptReason.SHED, verified=False, outcome=AttemptOutcome.ERROR)
        raise HookUnavailable(str(exc)) from None


@sensitive_variables()
def _verify(call: _Call, login_key: str, password: str, deadline: float) -> PasswordImportDecision:
    previous = _previous_answer(call.event_id, login_key)
    if previous == AttemptOutcome.UNVERIFIED:
        # Okta's retry of a call we refused: the same answer, and no second failure counted.
        return _answer(call, None, AttemptReason.RETRY, verified=False)

    throttled = None
    if not previous:
        throttled = throttle_reason(login_key=login_key, ip_address=call.ip_address)
    if throttled:
        return _answer(call, None, throttled, verified=False)

    user = LegacyUser.objects.filter(login_key=login_key).only(*_USER_FIELDS).first()
    if user is not None and user.locked_until and user.locked_until > timezone.now():
        return _answer(call, user, AttemptReason.LOCKED, verified=False, change="touch")

    hash_format = ""
    if len(password.encode("utf-8")) > settings.OKTA_HOOK_MAX_PASSWORD_BYTES:
        # Never hashed: no real sign-in sends one, and its cost grows with its length.
        reason, verified = AttemptReason.PASSWORD_TOO_LONG, False
    elif user is None:
        with verification_slots.slot(format_name="bcrypt", deadline=deadline):
            check_password(password, _dummy_hash(), format_name="bcrypt")
        reason, verified = AttemptReason.UNKNOWN_USER, False
    else:
        with verification_slots.slot(format_name=user.hash_format, deadline=deadline):
            result = check_password(
                password,
                user.password_hash,
                format_name=user.hash_format,
                params=user.hash_check_params(),
            )
        reason, verified, hash_format = (
            AttemptReason(result.reason.value),
            result.verified,
            result.format_name,
        )

    if previous == AttemptOutcome.VERIFIED:
        # Okta asking again about a call we accepted: answer truthfully, change nothing.
        return _answer(call, user, AttemptReason.RETRY, verified=verified, hash_format=hash_format)

    weakness = password_weakness(password, user) if verified else ""
    if time.monotonic() > deadline:
        _answer(call, user, AttemptReason.DEADLINE, verified=False, outcome=AttemptOutcome.ERROR)
        raise HookUnavailable("the time budget ran out before the answer was settled")

    tally = None
    if reason in _FAILURES:
        tally = throttle_record_failure(login_key=login_key, ip_address=call.ip_address)
    decision = _answer(
        call,
        user,
        reason,
        verified=verified,
        change="judge",
        weakness=weakness,
        hash_format=hash_format,
        tally=tally,
    )
    if tally is not None and tally.spraying:
        _slow_down(deadline)
    return decision


#: Answers that count as a failed guess (throttles, locks, the spray budget).
_FAILURES = frozenset(
    {AttemptReason.WRONG_PASSWORD, AttemptReason.UNKNOWN_USER, AttemptReason.PASSWORD_TOO_LONG}
)


def _slow_down(deadline: float) -> None:
    """Hold a wrong answer back during a spray, never past the call's deadline."""
    left = deadline - time.monotonic() - ANSWER_MARGIN_SECONDS
    delay = min(settings.OKTA_HOOK_SPRAY_DELAY_MS / 1000, left)
    if delay > 0:
        time.sleep(delay)


def _answer(
    call: _Call,
    user: LegacyUser | None,
    reason: AttemptReason,
    *,
    verified: bool,
    change: str = "",
    weakness: str = "",
    hash_format: str = "",
    outcome: str = "",
    tally: FailureTally | None = None,
) -> PasswordImportDecision:
    """Apply the user's state change (`judge`: by the verdict; `touch`: the attempt time)
    and write the call's audit row, in one transaction. A failure locks the account only
    when the `tally` shows failures from enough sources."""
    now = timezone.now()
    outcome = outcome or (AttemptOutcome.VERIFIED if verified else AttemptOutcome.UNVERIFIED)
    with transaction.atomic():
        if user is not None and change == "judge":
            if verified:
                user_mark_verified(user_id=user.pk, at=now, weak_reason=weakness)
            elif reason in (AttemptReason.WRONG_PASSWORD, AttemptReason.PASSWORD_TOO_LONG):
                many_sources = bool(tally and tally.sources >= settings.OKTA_HOOK_LOCKOUT_SOURCES)
                user_record_failure(user_id=user.pk, at=now, lock=many_sources)
            else:
                user_record_attempt(user_id=user.pk, at=now)
        elif user is not None and change == "touch":
            user_record_attempt(user_id=user.pk, at=now)
        attempt = VerificationAttempt.objects.create(
            event_id=call.event_id[:255],
            request_id=call.request_id[:255],
            login=call.login[:_LOGIN_FIELD_MAX],
            user=user,
            outcome=outcome,
            reason=reason,
            hash_format=hash_format,
            ip_address=call.ip_address,
            duration_ms=int((time.monotonic() - call.started) * 1000),
        )
    logger.info("password import: attempt=%s outcome=%s reason=%s", attempt.pk, outcome, reason)
    return PasswordImportDecision(verified=verified, reason=reason, attempt_id=attempt.pk)
