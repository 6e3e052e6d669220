"""Okta's word that it stored a user's password: `user.import.password` events, from the
event hook or the System Log, each applied once (by its uuid)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from legacy_users.logins import normalize_login
from legacy_users.models import LegacyUser, OktaEvent
from legacy_users.services.migration import user_confirm_import

logger = logging.getLogger(__name__)

IMPORT_EVENT = "user.import.password"


def _target_user(event: Mapping[str, Any]) -> tuple[str, str]:
    for target in event.get("target") or []:
        if isinstance(target, dict) and target.get("type") == "User":
            return str(target.get("id") or ""), str(target.get("alternateId") or "")
    return "", ""


def okta_event_apply(*, event: Mapping[str, Any], via: str) -> OktaEvent | None:
    """Record one Okta event and apply it: an import SUCCESS confirms the user (and purges
    the hash when PURGE_HASH_ON_CONFIRM). Returns None for an event seen before or
    without a uuid; unknown users and other event types are recorded and change nothing."""
    uuid = event.get("uuid")
    if not isinstance(uuid, str) or not uuid:
        return None
    okta_id, login = _target_user(event)
    outcome = str((event.get("outcome") or {}).get("result") or "")
    published = event.get("published")
    now = timezone.now()
    try:
        with transaction.atomic():
            record = OktaEvent.objects.create(
                uuid=uuid[:64],
                event_type=str(event.get("eventType") or "")[:100],
                outcome=outcome[:20],
                published=parse_datetime(published) if isinstance(published, str) else None,
                okta_user_id=okta_id[:40],
                login=login[:255],
                via=via,
            )
            record.effect = _apply(record, now)
            record.save(update_fields=["user", "effect"])
    except IntegrityError:
        return None  # delivered before (Okta retries, or the event hook and the log overlap)
    return record


def _apply(record: OktaEvent, now: datetime) -> str:
    if record.event_type != IMPORT_EVENT:
        return "ignored: not a password import event"
    user = None
    if record.okta_user_id:
        user = LegacyUser.objects.filter(okta_id=record.okta_user_id).only("id").first()
    if user is None and record.login:
        user = LegacyUser.objects.filter(login_key=normalize_login(record.login)).only("id").first()
    if user is None:
        return "ignored: no such legacy user"
    record.user = user
    if record.outcome != "SUCCESS":
        return f"recorded: Okta's import {record.outcome.lower() or 'outcome unknown'}"
    confirmed, purged = user_confirm_import(user_id=user.pk, at=now)
    if not confirmed:
        return "already confirmed"
    return "confirmed, legacy hash purged" if purged else "confirmed"
