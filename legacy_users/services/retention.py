"""How long records are kept: hook calls, Okta events and load runs past their retention
are deleted in small batches, and one person's data is erased on request.

Both keep the dashboard's totals: hook calls are rolled up into the hourly and daily figures
first, and only calls already rolled up are deleted (a call newer than the roll-up is
anonymised instead, and counted when its minute is rolled up).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from legacy_users.app_settings import app_settings
from legacy_users.logins import normalize_login
from legacy_users.models import (
    Erasure,
    LegacyUser,
    LoadRun,
    OktaEvent,
    OktaRecord,
    VerificationAttempt,
)
from legacy_users.services.hook_stats import rolled_until, rollup_hook_calls

#: Rows deleted per statement: each is its own short transaction, so the hook's inserts and
#: the admin's reads never wait long behind it.
BATCH = 5000


@dataclass(slots=True)
class RetentionReport:
    """How many rows past their retention were deleted, per kind."""

    hook_calls: int = 0
    okta_events: int = 0
    load_runs: int = 0


@dataclass(frozen=True, slots=True)
class _Pace:
    batch: int
    pause: float
    sleep: Callable[[float], None]


def _in_batches(rows: QuerySet[Any], pace: _Pace) -> int:
    """Delete `rows` a batch of primary keys at a time; how many were deleted."""
    batch, pause, sleep = pace.batch, pace.pause, pace.sleep
    model = rows.model
    total = 0
    while True:
        ids = list(rows.order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return total
        deleted, _ = model._default_manager.filter(pk__in=ids).delete()
        total += deleted
        if pause:
            sleep(pause)


def records_prune(
    *,
    now: datetime | None = None,
    batch: int = BATCH,
    pause: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
) -> RetentionReport:
    """Delete the hook calls, Okta events and load runs older than HOOK_CALL_RETENTION_DAYS,
    OKTA_EVENT_RETENTION_DAYS and LOAD_RUN_RETENTION_DAYS (0: kept for ever), `batch` rows
    a statement with `pause` seconds between statements. Hook calls are rolled up first and
    never deleted before they are; an event still awaiting Okta's record is kept."""
    now = now or timezone.now()
    report = RetentionReport()
    pace = _Pace(batch, pause, sleep)
    if app_settings().hook_call_retention_days:
        rollup_hook_calls(now)
        rolled = rolled_until()
        if rolled is not None:
            cutoff = min(now - timedelta(days=app_settings().hook_call_retention_days), rolled)
            old = VerificationAttempt.objects.filter(created_at__lt=cutoff)
            report.hook_calls = _in_batches(old, pace)
    if app_settings().okta_event_retention_days:
        cutoff = now - timedelta(days=app_settings().okta_event_retention_days)
        events = OktaEvent.objects.filter(received_at__lt=cutoff).exclude(
            okta_record=OktaRecord.AWAITING
        )
        report.okta_events = _in_batches(events, pace)
    if app_settings().load_run_retention_days:
        cutoff = now - timedelta(days=app_settings().load_run_retention_days)
        runs = LoadRun.objects.filter(started_at__lt=cutoff)
        report.load_runs = _in_batches(runs, pace)
    return report


def user_forget(*, login: str, requested_by: str = "", now: datetime | None = None) -> Erasure:
    """Erase one person's data: the legacy user (profile, hash), the hook calls made with
    their login, the Okta events about them. What is left is an `Erasure` row of counts.
    Calls newer than the dashboard's roll-up lose everything that names the person and are
    deleted by retention later, so the dashboard's totals stay whole."""
    now = now or timezone.now()
    key = normalize_login(login)
    rollup_hook_calls(now)
    with transaction.atomic():
        user = LegacyUser.objects.select_for_update().filter(login_key=key).first()
        calls = VerificationAttempt.objects.filter(login_key=key)
        # By the indexed key, and by the login as Okta sent it (events kept before the key).
        named = Q(login_key=key) | Q(login__iexact=login.strip())
        events = OktaEvent.objects.filter(named)
        if user is not None:
            calls = VerificationAttempt.objects.filter(Q(login_key=key) | Q(user=user))
            events = OktaEvent.objects.filter(named | Q(user=user))
        rolled = rolled_until()
        recent = calls.filter(created_at__gte=rolled) if rolled else calls
        anonymised = recent.update(
            login="", login_key="", user=None, ip_address=None, event_id="", request_id=""
        )
        deleted_calls, _ = (
            calls.filter(created_at__lt=rolled) if rolled else calls.none()
        ).delete()
        deleted_events, _ = events.delete()
        users = 0
        if user is not None:
            user.delete()
            users = 1
        return Erasure.objects.create(
            erased_at=now,
            users=users,
            hook_calls=deleted_calls + anonymised,
            okta_events=deleted_events,
            requested_by=requested_by[:150],
        )
