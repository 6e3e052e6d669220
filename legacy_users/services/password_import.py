"""Okta's password import question, answered: is this the user's legacy password?

The order of checks is the hook's defence: a retry of an answered call is answered the same
way; throttled logins and sources, locked (login, source) pairs, locked users and passwords
over the length limit are refused without hashing; unknown logins still cost one (dummy)
hash, so timing does not tell which logins exist; nothing changes state once the call's time
budget has run out; during a password spray wrong answers are slowed, right ones are not.
"""

from __future__ import annotations

import enum
import functools
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from passlib import hash as passlib_hash

from legacy_users.app_settings import hook_settings
from legacy_users.clock import monotonic, sleep
from legacy_users.hashing import CheckReason, CheckResult, check_password, hash_check_params
from legacy_users.hashing.secrets import MissingSecret
from legacy_users.logins import normalize_login
from legacy_users.metrics import ACCOUNT_LOCKS, SHED_CALLS, record_hook_call
from legacy_users.models import (
    AttemptOutcome,
    AttemptReason,
    LegacyUser,
    MigrationStatus,
    VerificationAttempt,
)
from legacy_users.services.admission import NoSlotInTime, verification_slots
from legacy_users.services.format_choices import format_choice_decided, format_choice_record
from legacy_users.services.hash_timing import refusal_floor
from legacy_users.services.migration import (
    mark_verified_statement,
    record_attempt_statement,
    record_failure_statement,
    user_change_with_audit,
)
from legacy_users.services.statements import Statement, column, fetch_one
from legacy_users.services.throttling import (
    COUNTS_SQL,
    FailureTally,
    counts_params,
    throttle_record_failure,
    throttle_verdict,
)

logger = logging.getLogger(__name__)

_LOGIN_FIELD_MAX = VerificationAttempt._meta.get_field("login").max_length


class StateChange(enum.Enum):
    """What a hook call does to the user's row besides its audit row."""

    NONE = "none"
    #: Apply the verdict: verified, one more failure (maybe a lock), or the attempt time.
    JUDGE = "judge"
    #: Only note the attempt (a locked user's call).
    TOUCH = "touch"


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
    handler = passlib_hash.bcrypt.using(rounds=hook_settings().dummy_bcrypt_rounds)
    return str(handler.hash(secrets.token_urlsafe(16)))


def dummy_check(password: str) -> None:
    """The check an unknown login costs: a bcrypt check that always fails."""
    check_password(password, _dummy_hash(), format_name="bcrypt")


@dataclass(frozen=True, slots=True)
class SigningIn:
    """The legacy user a hook call is about: what the check and the validators read.

    Not a `LegacyUser`: a model instance costs more to build than the lookup that fills it.
    """

    pk: int
    login: str
    email: str
    first_name: str
    last_name: str
    password_hash: str
    hash_format: str
    salt: str
    hash_params: dict[str, Any]
    status: MigrationStatus
    source: str
    #: The similarity validator names the field it matched from the auth user's model.
    _meta: ClassVar = User._meta

    @property
    def username(self) -> str:
        """The login, under the name the password validators compare with."""
        return self.login

    def hash_check_params(self) -> dict[str, Any]:
        """The parameters the user's hash format is checked with (`hash_check_params`)."""
        return hash_check_params(self.login, self.salt, self.hash_params)


@sensitive_variables()
def password_weakness(password: str, user: SigningIn) -> str:
    """The configured password validators' objections, as codes ("" when none).

    Runs in memory on a password that has just verified; only the codes are kept. The
    similarity validator compares it with the user's username, email and names.
    """
    try:
        # A SigningIn has the attributes the validators read from a user (`_meta`, names).
        validate_password(password, user=user)  # type: ignore[arg-type]
    except ValidationError as problems:
        return ",".join(sorted({error.code or "invalid" for error in problems.error_list}))
    except Exception as exc:  # noqa: BLE001 - a validator's bug must not fail the sign-in
        logger.error("password validators failed with %s", type(exc).__name__)
    return ""


_USERS = LegacyUser._meta.db_table
_ATTEMPTS = VerificationAttempt._meta.db_table
# The hook's lookup and audit insert, written as SQL once: they run on every sign-in, and
# compiling them through the ORM cost more than running them (see `statements`).
#: The user's columns the check and the validators read (SigningIn's fields, by name).
_USER_FIELDS = (*LegacyUser.CHECK_FIELDS, "status", "source")
_USER_COLUMNS = ", ".join(f"u.{column(LegacyUser, name)}" for name in _USER_FIELDS)
_LOCKED_UNTIL = column(LegacyUser, "locked_until")
_LOGIN_KEY = column(LegacyUser, "login_key")
_ID = column(LegacyUser, "id")
#: The audit row's columns, each filled from the parameter of the same name.
_AUDIT_FIELDS = (
    "event_id",
    "request_id",
    "login",
    "login_key",
    "user",
    "outcome",
    "reason",
    "hash_format",
    "ip_address",
    "duration_ms",
    "created_at",
)
_AUDIT_COLUMNS = {name: column(VerificationAttempt, name) for name in _AUDIT_FIELDS}
_A_EVENT, _A_USER = _AUDIT_COLUMNS["event_id"], _AUDIT_COLUMNS["user"]
_A_OUTCOME, _A_LOGIN = _AUDIT_COLUMNS["outcome"], _AUDIT_COLUMNS["login"]
_A_ID = column(VerificationAttempt, "id")
# One row whether or not the login exists: the failure counters that can refuse the call
# (`throttling.COUNTS_SQL`), joined with the user when there is one.
_SIGN_IN = f"""
SELECT {_USER_COLUMNS},
       CASE WHEN u.{_LOCKED_UNTIL} > %(now)s THEN 1 ELSE 0 END,
       (SELECT a.{_A_OUTCOME} FROM {_ATTEMPTS} a
        WHERE a.{_A_EVENT} = %(event_id)s AND a.{_A_EVENT} <> '' AND a.{_A_USER} = u.{_ID}
          AND a.{_A_OUTCOME} <> %(error)s
        ORDER BY a.{_A_ID} DESC LIMIT 1),
       c.login_minute, c.pair, c.source_minute
FROM ({COUNTS_SQL}) c
LEFT JOIN {_USERS} u ON u.{_LOGIN_KEY} = %(login_key)s"""
_PREVIOUS_FOR_NOBODY = f"""
SELECT {_A_OUTCOME}, {_A_LOGIN} FROM {_ATTEMPTS}
WHERE {_A_EVENT} = %(event_id)s AND {_A_OUTCOME} <> %(error)s ORDER BY {_A_ID} DESC LIMIT 1"""
# Its parameters are prefixed (`audit_`): it runs in one statement with a state change's.
_RECORD_CALL = f"""
INSERT INTO {_ATTEMPTS} ({", ".join(_AUDIT_COLUMNS.values())})
VALUES ({", ".join(f"%(audit_{name})s" for name in _AUDIT_FIELDS)}) RETURNING {_A_ID}"""


@dataclass(frozen=True, slots=True)
class _Lookup:
    """Who is signing in (None: no such login), whether they are locked, the answer already
    given to this Okta event for this login if Okta is retrying (None), and why the failure
    counters refuse the call unchecked (None: they do not)."""

    user: SigningIn | None
    locked: bool
    previous: AttemptOutcome | None
    throttled: AttemptReason | None


def _look_up(event_id: str, login_key: str, ip_address: str | None) -> _Lookup:
    """One query, the failure counters with it (two for an unknown login Okta is retrying)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    error = AttemptOutcome.ERROR.value
    params = {"now": now, "event_id": event_id, "error": error, "login_key": login_key}
    params.update(counts_params(login_key=login_key, ip_address=ip_address))
    row = fetch_one(Statement(_SIGN_IN, params))
    if row is None:
        raise DatabaseError("the sign-in lookup returned no row")
    login_minute, pair, source_minute = row[-3:]
    throttled = throttle_verdict(login_minute=login_minute, pair=pair, source_minute=source_minute)
    fields = dict(zip(_USER_FIELDS, row, strict=False))
    if fields["id"] is None:
        if not event_id:
            return _Lookup(None, False, None, throttled)
        previous = fetch_one(
            Statement(_PREVIOUS_FOR_NOBODY, {"event_id": event_id, "error": error})
        )
        if previous is None or normalize_login(previous[1]) != login_key:
            return _Lookup(None, False, None, throttled)
        return _Lookup(None, False, AttemptOutcome(previous[0]), throttled)
    params = fields.pop("hash_params")
    fields["pk"] = fields.pop("id")
    fields["status"] = MigrationStatus(fields["status"])
    user = SigningIn(
        **fields, hash_params=json.loads(params) if isinstance(params, str) else params or {}
    )
    locked, previous_outcome = row[len(_USER_FIELDS) : len(_USER_FIELDS) + 2]
    return _Lookup(
        user,
        bool(locked),
        AttemptOutcome(previous_outcome) if previous_outcome else None,
        throttled,
    )


def _record_call(
    call: _Call,
    user: SigningIn | None,
    *,
    outcome: AttemptOutcome,
    reason: AttemptReason,
    hash_format: str,
) -> Statement:
    """The call's audit row, as an INSERT returning its id."""
    return Statement(
        _RECORD_CALL,
        {
            "audit_event_id": call.event_id[:255],
            "audit_request_id": call.request_id[:255],
            "audit_login": call.login[:_LOGIN_FIELD_MAX],
            "audit_login_key": call.login_key[:_LOGIN_FIELD_MAX],
            "audit_user": user.pk if user is not None else None,
            "audit_outcome": outcome,
            "audit_reason": reason,
            "audit_hash_format": hash_format,
            "audit_ip_address": connection.ops.adapt_ipaddressfield_value(call.ip_address),
            "audit_duration_ms": int((monotonic() - call.started) * 1000),
            "audit_created_at": connection.ops.adapt_datetimefield_value(timezone.now()),
        },
    )


@dataclass(frozen=True, slots=True)
class _Call:
    """The facts of one hook call that its audit row keeps."""

    login: str
    login_key: str
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

    The time budget (OKTA_HOOK_DEADLINE_MS) runs from `arrived` (the request's arrival on
    the hook's clock, `legacy_users.clock`; now when not given). The password is only passed
    to the hash check and the password validators; it is not stored, logged or returned. Raises
    `HookUnavailable` when the call cannot be answered within its budget (no state has
    changed then): shed for want of a verification slot, or over the budget.
    """
    login_key = normalize_login(login)
    call = _Call(login, login_key, event_id, request_id, ip_address, arrived or monotonic())
    deadline = call.started + hook_settings().deadline_ms / 1000
    try:
        verification_slots.admit(deadline=deadline)  # also refuses a call already too late
        decision = _verify(call, password, deadline)
    except NoSlotInTime as exc:
        SHED_CALLS.inc()
        _answer(call, None, _Verdict(AttemptReason.SHED, error=True))
        _hold_shed_answer(call.started, deadline)
        raise HookUnavailable(str(exc)) from None
    if not decision.verified:
        _hold_refusal(call.started, deadline)
    return decision


def _hold_refusal(arrived: float, deadline: float) -> None:
    """An UNVERIFIED answer leaves no sooner than the refusal floor after the call arrived
    (`hash_timing`): an unknown login, a wrong password against a cheap hash and one against
    a costly hash take the same time. Never past the budget; a thread waits, not a core."""
    until = min(arrived + refusal_floor(), deadline - ANSWER_MARGIN_SECONDS)
    delay = until - monotonic()
    if delay > 0:
        sleep(delay)


@sensitive_variables()
def _verify(call: _Call, password: str, deadline: float) -> PasswordImportDecision:
    login_key = call.login_key
    found = _look_up(call.event_id, login_key, call.ip_address)
    user, previous = found.user, found.previous
    if previous == AttemptOutcome.UNVERIFIED:
        # Okta's retry of a call we refused: the same answer, and no second failure counted.
        return _answer(call, None, _Verdict(AttemptReason.RETRY))

    # A retry of a call we accepted is answered again whatever the counters say now.
    throttled = found.throttled if previous is None else None
    if throttled:
        return _answer(call, None, _Verdict(throttled))

    if found.locked:
        return _answer(call, user, _Verdict(AttemptReason.LOCKED, state_change=StateChange.TOUCH))

    hash_format = ""
    if len(password.encode("utf-8")) > hook_settings().max_password_bytes:
        # Never hashed: no real sign-in sends one, and its cost grows with its length.
        reason, verified = AttemptReason.PASSWORD_TOO_LONG, False
    elif user is None:
        if not refusal_floor():
            # No floor to wait for: a check's worth of work makes it look like a real user.
            with verification_slots.slot(format_name="bcrypt", deadline=deadline):
                dummy_check(password)
        reason, verified = AttemptReason.UNKNOWN_USER, False
    else:
        try:
            params = user.hash_check_params()
        except MissingSecret as exc:  # a deployment without the pepper its hashes need
            logger.error("hook: %s", exc)
            result = CheckResult(False, CheckReason.ERROR, user.hash_format)
        else:
            format_name = format_choice_decided(source=user.source, format_name=user.hash_format)
            with verification_slots.slot(format_name=format_name, deadline=deadline):
                result = check_password(
                    password, user.password_hash, format_name=format_name, params=params
                )
            if result.verified and result.format_name != user.hash_format:
                format_choice_record(
                    user_id=user.pk,
                    source=user.source,
                    choice=user.hash_format,
                    format_name=result.format_name,
                )
        reason, verified, hash_format = (
            AttemptReason(result.reason.value),
            result.verified,
            result.format_name,
        )

    if previous == AttemptOutcome.VERIFIED:
        # Okta asking again about a call we accepted: answer truthfully, change nothing.
        return _answer(
            call, user, _Verdict(AttemptReason.RETRY, verified=verified, hash_format=hash_format)
        )

    # Judged once, when the user becomes verified: the password cannot differ later (it
    # matches the same hash), so a verified user asked about again keeps its verdict.
    becomes_verified = verified and user is not None and user.status == MigrationStatus.PENDING
    weakness = password_weakness(password, user) if user and becomes_verified else ""
    if monotonic() > deadline:
        _answer(call, user, _Verdict(AttemptReason.DEADLINE, error=True))
        raise HookUnavailable("the time budget ran out before the answer was settled")

    tally = None
    if reason in _FAILURES:
        tally = throttle_record_failure(login_key=login_key, ip_address=call.ip_address)
    decision = _answer(
        call,
        user,
        _Verdict(
            reason,
            verified=verified,
            state_change=StateChange.JUDGE,
            weakness=weakness,
            hash_format=hash_format,
            tally=tally,
        ),
    )
    if tally is not None and tally.spraying:
        _slow_down(deadline)
    return decision


#: Answers that count as a failed guess (throttles, locks, the spray budget).
_FAILURES = frozenset(
    {AttemptReason.WRONG_PASSWORD, AttemptReason.UNKNOWN_USER, AttemptReason.PASSWORD_TOO_LONG}
)


def _hold_shed_answer(arrived: float, deadline: float) -> None:
    """A shed call's 503 leaves OKTA_HOOK_SHED_HOLD_MS after its arrival, not at once: Okta
    (or any caller) retries a 503 straight away, and instant refusals would be sent back as
    fast as they can be made, each costing a request's work while the checks that can still
    be served wait for the CPU. The hold costs a thread, not a core; never past the budget."""
    until = min(arrived + hook_settings().shed_hold_ms / 1000, deadline)
    delay = until - monotonic()
    if delay > 0:
        sleep(delay)


def _slow_down(deadline: float) -> None:
    """Hold a wrong answer back during a spray, never past the call's deadline."""
    left = deadline - monotonic() - ANSWER_MARGIN_SECONDS
    delay = min(hook_settings().spray_delay_ms / 1000, left)
    if delay > 0:
        sleep(delay)


@dataclass(frozen=True, slots=True)
class _Verdict:
    """How a call is answered, and what it does to the user's row."""

    reason: AttemptReason
    verified: bool = False
    #: JUDGE: by the verdict; TOUCH: the attempt time only.
    state_change: StateChange = StateChange.NONE
    #: The password validators' objections to a password that verified.
    weakness: str = ""
    hash_format: str = ""
    #: Answered 503, not a verdict (shed, out of time).
    error: bool = False
    #: The failures counted for this call's login and address (a wrong password's).
    tally: FailureTally | None = None

    @property
    def outcome(self) -> AttemptOutcome:
        if self.error:
            return AttemptOutcome.ERROR
        return AttemptOutcome.VERIFIED if self.verified else AttemptOutcome.UNVERIFIED


def _answer(call: _Call, user: SigningIn | None, verdict: _Verdict) -> PasswordImportDecision:
    """Apply the verdict to the user's row and write the call's audit row, both or neither;
    then count and log the call."""
    now = timezone.now()
    audit = _record_call(
        call,
        user,
        outcome=verdict.outcome,
        reason=verdict.reason,
        hash_format=verdict.hash_format,
    )
    attempt_id = user_change_with_audit(change=_state_change(user, verdict, now), audit=audit)
    _report(call, attempt_id, verdict)
    return PasswordImportDecision(
        verified=verdict.verified, reason=verdict.reason, attempt_id=attempt_id
    )


def _state_change(user: SigningIn | None, verdict: _Verdict, now: datetime) -> Statement | None:
    """The UPDATE a verdict makes to the user's row (None: the row stays as it is). A
    failure locks the account only when its tally shows failures from enough sources."""
    if user is None or verdict.state_change is StateChange.NONE:
        return None
    if verdict.state_change is StateChange.TOUCH:
        return record_attempt_statement(user_id=user.pk, at=now)
    if verdict.verified:
        return mark_verified_statement(user_id=user.pk, at=now, weak_reason=verdict.weakness)
    if verdict.reason in (AttemptReason.WRONG_PASSWORD, AttemptReason.PASSWORD_TOO_LONG):
        tally = verdict.tally
        many_sources = bool(tally and tally.sources >= hook_settings().lockout_sources)
        if many_sources:
            ACCOUNT_LOCKS.inc()
        return record_failure_statement(user_id=user.pk, at=now, lock=many_sources)
    return record_attempt_statement(user_id=user.pk, at=now)


def _report(call: _Call, attempt_id: int, verdict: _Verdict) -> None:
    """The call's metric and log line (its audit row's id, never the password)."""
    seconds = monotonic() - call.started
    outcome, reason = verdict.outcome, verdict.reason
    record_hook_call(outcome=outcome, reason=reason, seconds=seconds)
    logger.info(
        "password import: attempt=%s outcome=%s reason=%s",
        attempt_id,
        outcome,
        reason,
        extra={
            "attempt": attempt_id,
            "outcome": str(outcome),
            "reason": str(reason),
            "hash_format": verdict.hash_format,
            "duration_ms": int(seconds * 1000),
        },
    )
