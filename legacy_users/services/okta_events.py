"""Okta's word that it stored a user's password: `user.import.password` events, from the
event hook or the System Log, each applied once (by its uuid).

Who may change what:
- Only a user we answered VERIFIED becomes confirmed; an event for a pending, unknown or
  already purged user changes nothing and is recorded with why.
- An event read from Okta's System Log is Okta's own record: it confirms and (with
  PURGE_HASH_ON_CONFIRM) purges the legacy hash.
- An event the event hook delivers is only as trusted as the hook's secret. When the portal
  can reach Okta's API it purges nothing until `okta_sync_imports` finds the same uuid in the
  System Log (*awaiting Okta's record*). Without the API it confirms but never purges; the
  operator purges with `purge_legacy_hashes`.
"""

from __future__ import annotations

import enum
import logging
import uuid as uuidlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from legacy_users.app_settings import app_settings
from legacy_users.logins import normalize_login
from legacy_users.models import (
    EventEffect,
    EventSource,
    LegacyUser,
    MigrationStatus,
    OktaEvent,
    OktaRecord,
)
from legacy_users.services.migration import user_confirm, users_purge_hashes
from okta_api.events import IMPORT_EVENT, LOG_SUCCESS, ImportEvent, MalformedEvent

logger = logging.getLogger(__name__)

#: The id prefix of a malformed event's record (its own uuid, if any, is not trusted).
INVALID_PREFIX = "invalid:"


def okta_event_record_malformed(*, reason: str, via: EventSource) -> OktaEvent:
    """Keep a trace of an event that could not be read (under an id of our own: its uuid,
    if any, cannot be trusted to be the real event's)."""
    return OktaEvent.objects.create(
        uuid=f"{INVALID_PREFIX}{uuidlib.uuid4().hex}",
        event_type="",
        via=via,
        effect=EventEffect.REJECTED,
        problem=reason[:100],
    )


class Delivered(enum.Enum):
    """What became of one event the event hook delivered."""

    APPLIED = "applied"
    SEEN_BEFORE = "seen before"
    REJECTED = "rejected"


def _delivered_event_apply(*, event: Any) -> Delivered:
    """Apply one event the event hook delivered (see the module's rules); a malformed event
    is recorded as rejected."""
    try:
        parsed = ImportEvent.from_json(event)
    except MalformedEvent as problem:
        okta_event_record_malformed(reason=str(problem), via=EventSource.EVENT_HOOK)
        return Delivered.REJECTED
    now = timezone.now()
    try:
        with transaction.atomic():
            record = _record(parsed, via=EventSource.EVENT_HOOK)
            record.effect = _judge(record, now, okta_vouches=False)
            record.save(update_fields=["user", "effect", "okta_record"])
    except IntegrityError:
        return Delivered.SEEN_BEFORE  # Okta retries, or the System Log read it first
    return Delivered.APPLIED


def okta_event_from_system_log(*, event: Any) -> OktaEvent | None:
    """Apply one event read from Okta's System Log: Okta's own record. An event the hook
    delivered with the same uuid is re-judged on Okta's copy. None: already applied."""
    try:
        parsed = ImportEvent.from_json(event)
    except MalformedEvent as problem:
        logger.warning("System Log event not applied: %s", problem)
        return None
    now = timezone.now()
    with transaction.atomic():
        record = (
            OktaEvent.objects.select_for_update()
            .filter(uuid=parsed.uuid)
            .exclude(okta_record=OktaRecord.FOUND)
            .exclude(via=EventSource.SYSTEM_LOG)
            .first()
        )
        if record is None:
            try:
                with transaction.atomic():
                    record = _record(parsed, via=EventSource.SYSTEM_LOG)
            except IntegrityError:
                return None  # read from the System Log, or found there, before
        else:
            _copy_fields(record, parsed)
            record.okta_record = OktaRecord.FOUND
        record.effect = _judge(record, now, okta_vouches=True)
        record.save()
    return record


def _record(parsed: ImportEvent, *, via: EventSource) -> OktaEvent:
    record = OktaEvent(via=via, uuid=parsed.uuid)
    _copy_fields(record, parsed)
    record.save(force_insert=True)
    return record


def _copy_fields(record: OktaEvent, parsed: ImportEvent) -> None:
    record.event_type = parsed.event_type[:100]
    record.outcome = parsed.outcome[:20]
    record.published = parsed.published
    record.okta_user_id = parsed.okta_user_id
    record.login = parsed.login
    record.login_key = normalize_login(parsed.login)[:255]


def _target(record: OktaEvent) -> LegacyUser | None:
    users = LegacyUser.objects.only("id", "status")
    user = None
    if record.okta_user_id:
        user = users.filter(okta_id=record.okta_user_id).first()
    if user is None and record.login:
        user = users.filter(login_key=normalize_login(record.login)).first()
    return user


def _judge(record: OktaEvent, now: datetime, *, okta_vouches: bool) -> EventEffect:
    """Decide and apply what one event does; returns the effect to record."""
    if record.event_type != IMPORT_EVENT:
        return EventEffect.NOT_IMPORT_EVENT
    user = _target(record)
    if user is None:
        return EventEffect.NO_SUCH_USER
    record.user = user
    if record.outcome != LOG_SUCCESS:
        return EventEffect.IMPORT_UNSUCCESSFUL  # the outcome column says how
    if user.status == MigrationStatus.PENDING:
        return EventEffect.PENDING_USER
    if user.status == MigrationStatus.PURGED:
        return EventEffect.ALREADY_PURGED
    if not okta_vouches and app_settings().okta_api_configured:
        record.okta_record = OktaRecord.AWAITING
        return EventEffect.AWAITING
    confirmed = user_confirm(user_id=user.pk, at=now)
    if not okta_vouches:
        return EventEffect.CONFIRMED_UNCHECKED if confirmed else EventEffect.ALREADY_CONFIRMED
    purged = app_settings().purge_hash_on_confirm and users_purge_hashes(at=now, user_id=user.pk)
    if purged:
        return EventEffect.CONFIRMED_PURGED if confirmed else EventEffect.PURGED
    return EventEffect.CONFIRMED if confirmed else EventEffect.ALREADY_CONFIRMED


def okta_events_awaiting(*, limit: int) -> list[OktaEvent]:
    """Event hook deliveries still waiting for Okta's record, oldest first."""
    return list(
        OktaEvent.objects.filter(okta_record=OktaRecord.AWAITING).order_by("received_at", "id")[
            :limit
        ]
    )


def okta_event_mark_missing(*, record: OktaEvent) -> bool:
    """Okta's System Log has no such event after the grace period: it purges nothing, ever.
    Returns False when the record was settled meanwhile."""
    return bool(
        OktaEvent.objects.filter(pk=record.pk, okta_record=OktaRecord.AWAITING).update(
            okta_record=OktaRecord.MISSING,
            effect=EventEffect.NOT_IN_SYSTEM_LOG,
        )
    )


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one event hook delivery did: new events applied, malformed ones rejected."""

    received: int
    applied: int
    rejected: int


def okta_events_receive(*, events: list[Any]) -> DeliveryReport:
    """Apply a batch the event hook delivered, event by event: one bad event is recorded as
    rejected and the others are applied."""
    done = Counter(_delivered_event_apply(event=event) for event in events)
    return DeliveryReport(
        received=len(events),
        applied=done[Delivered.APPLIED],
        rejected=done[Delivered.REJECTED],
    )
