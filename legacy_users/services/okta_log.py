"""Okta's own record of password imports: `user.import.password` events read from the
System Log, and the event hook's deliveries checked against it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from legacy_users.models import SyncCursor
from legacy_users.services.okta_events import (
    IMPORT_EVENT,
    okta_event_from_system_log,
    okta_event_mark_missing,
    okta_events_awaiting,
)
from okta_api import OktaClient


@dataclass(slots=True)
class SyncReport:
    read: int = 0
    applied: Counter[str] = field(default_factory=Counter)
    since: str = ""
    until: str = ""
    #: Event hook deliveries looked up in the System Log by uuid: found, missing, waiting.
    checked: Counter[str] = field(default_factory=Counter)


SYSTEM_LOG_CURSOR = "system_log:user.import.password"
#: How long an event hook delivery may wait for Okta's record (the System Log lags by
#: seconds) before it is refused for good.
RECORD_GRACE = timedelta(minutes=15)
#: Event hook deliveries looked up one by one per run (each lookup is one System Log call).
LOOKUPS_PER_RUN = 500


def okta_imports_sync(*, client: OktaClient, since: str = "") -> SyncReport:
    """Read `user.import.password` events from the System Log since the stored cursor (or
    `since`), following Okta's next links, and apply them: they are Okta's own record. Then
    look up, by uuid, the event hook deliveries still awaiting Okta's record."""
    cursor, _ = SyncCursor.objects.get_or_create(name=SYSTEM_LOG_CURSOR)
    report = SyncReport(since=since or cursor.value)
    latest = report.since
    events = client.system_log(
        filter=f'eventType eq "{IMPORT_EVENT}"', since=report.since, limit=1000
    )
    for event in events:
        report.read += 1
        record = okta_event_from_system_log(event=event)
        report.applied[record.effect if record else "seen before"] += 1
        published = str(event.get("published") or "")
        latest = max(latest, published)
    if latest and latest != cursor.value:
        cursor.value = latest
        cursor.save(update_fields=["value", "updated_at"])
    report.until = latest
    _check_awaiting(client, report)
    return report


def _check_awaiting(client: OktaClient, report: SyncReport) -> None:
    """Look each awaiting delivery up in the System Log by its uuid: found, it is applied on
    Okta's copy; still missing after RECORD_GRACE, it is refused for good."""
    now = timezone.now()
    for record in okta_events_awaiting(limit=LOOKUPS_PER_RUN):
        since = (record.received_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        found = None
        for event in client.system_log(filter=f'uuid eq "{record.uuid}"', since=since):
            if event.get("uuid") == record.uuid:
                found = event
                break
        if found is not None:
            applied = okta_event_from_system_log(event=found)
            report.checked["found in Okta's System Log"] += 1
            if applied is not None:
                report.applied[applied.effect] += 1
        elif now - record.received_at > RECORD_GRACE:
            if okta_event_mark_missing(record=record):
                report.checked["refused: not in Okta's System Log"] += 1
        else:
            report.checked["still awaiting Okta's record"] += 1
