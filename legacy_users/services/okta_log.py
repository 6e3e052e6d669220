"""Okta's own record of password imports: `user.import.password` events read from the
System Log, and the event hook's deliveries checked against it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from legacy_users.app_settings import app_settings
from legacy_users.models import EventEffect, SyncCursor
from legacy_users.services.okta_events import (
    okta_event_from_system_log,
    okta_event_mark_missing,
    okta_events_awaiting,
)
from okta_api import OktaClient, okta_time
from okta_api.events import IMPORT_EVENT, event_published, event_uuid


@dataclass(slots=True)
class SyncReport:
    read: int = 0
    applied: Counter[str] = field(default_factory=Counter)
    since: str = ""
    until: str = ""
    #: Event hook deliveries looked up in the System Log by uuid: found, missing, waiting.
    checked: Counter[str] = field(default_factory=Counter)


SYSTEM_LOG_CURSOR = "system_log:user.import.password"
#: A first run (no cursor) reads as far back as Okta's own default for `since`.
FIRST_WINDOW = timedelta(days=7)
#: How long an event hook delivery may wait for Okta's record (the System Log lags by
#: seconds) before it is refused for good.
RECORD_GRACE = timedelta(minutes=15)
#: Event hook deliveries looked up one by one per run (each lookup is one System Log call).
LOOKUPS_PER_RUN = 500
#: How far before a delivery arrived its event may have been published.
LOOKUP_WINDOW = timedelta(days=1)


def okta_imports_sync(*, client: OktaClient, since: datetime | None = None) -> SyncReport:
    """Read the `user.import.password` events published since the stored cursor (or
    `since`) up to a minute ago, and apply them: they are Okta's own record. Then look up,
    by uuid, the event hook deliveries still awaiting Okta's record.

    Every read is a bounded System Log request (`since`..`until`), so a run ends once it
    has read what there is. The cursor moves to `until` once everything before it was read;
    when Okta fails mid-way it moves only to the newest event read (events are applied once
    by their uuid, so reading one twice is harmless). Okta writes an event to the System Log
    seconds after it happens, so a read stops OKTA_SYSTEM_LOG_LAG_SECONDS before now: no
    event can appear behind the cursor after it moved on."""
    cursor, _ = SyncCursor.objects.get_or_create(name=SYSTEM_LOG_CURSOR)
    until = timezone.now() - timedelta(seconds=app_settings().okta_system_log_lag_seconds)
    start = since or parse_datetime(cursor.value or "") or until - FIRST_WINDOW
    report = SyncReport(since=okta_time(start), until=okta_time(until))
    if start < until:
        latest: datetime | None = None
        try:
            for event in client.system_log(event_type=IMPORT_EVENT, since=start, until=until):
                report.read += 1
                record = okta_event_from_system_log(event=event)
                report.applied[record.get_effect_display() if record else "seen before"] += 1
                published = event_published(event)
                if published is not None and (latest is None or published > latest):
                    latest = published
        except Exception:
            if latest is not None and latest > start:
                _move(cursor, latest)
            raise
        _move(cursor, until)
    _check_awaiting(client, report)
    return report


def _move(cursor: SyncCursor, to: datetime) -> None:
    cursor.value = okta_time(to)
    cursor.save(update_fields=["value", "updated_at"])


def _check_awaiting(client: OktaClient, report: SyncReport) -> None:
    """Look each awaiting delivery up in the System Log by its uuid (one bounded request
    each): found, it is applied on Okta's copy; still missing after RECORD_GRACE, it is
    refused for good."""
    now = timezone.now()
    for record in okta_events_awaiting(limit=LOOKUPS_PER_RUN):
        found = None
        events = client.system_log(
            uuid=record.uuid,
            since=record.received_at - LOOKUP_WINDOW,
            until=now,
            limit=10,
        )
        for event in events:
            if event_uuid(event) == record.uuid:
                found = event
                break
        if found is not None:
            applied = okta_event_from_system_log(event=found)
            report.checked["found in Okta's System Log"] += 1
            if applied is not None:
                report.applied[applied.get_effect_display()] += 1
        elif now - record.received_at > RECORD_GRACE:
            if okta_event_mark_missing(record=record):
                report.checked[EventEffect.NOT_IN_SYSTEM_LOG.label] += 1
        else:
            report.checked["still awaiting Okta's record"] += 1
