"""Okta's events, as its event hook delivers them and its System Log returns them: the one
event type the portal acts on, and each event read into a typed value (`ImportEvent`), or
refused with the field that is not what Okta sends (`MalformedEvent`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from migration_portal.text import text_problem

#: The event Okta publishes once it has stored a password from an import.
IMPORT_EVENT = "user.import.password"
#: An event's `outcome.result` when what it records succeeded.
LOG_SUCCESS = "SUCCESS"
#: Okta's uuids are hex and dashes; anything quotable-safe of this shape can be looked up.
EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}$")


class MalformedEvent(ValueError):
    """An event whose fields do not have Okta's types; the message names the field."""


@dataclass(frozen=True, slots=True)
class ImportEvent:
    """The fields of one Okta event this service reads, checked and typed."""

    uuid: str
    event_type: str
    outcome: str
    published: datetime | None
    okta_user_id: str
    login: str

    @classmethod
    def from_json(cls, event: Any) -> ImportEvent:
        """Read one event of Okta's (event hook delivery or System Log); MalformedEvent
        names the first field that is not what Okta sends."""
        if not isinstance(event, Mapping):
            raise MalformedEvent("the event is not an object")
        uuid = _text(event.get("uuid"), "uuid")
        if not EVENT_ID.match(uuid):
            raise MalformedEvent("uuid is missing or not an event id")
        outcome = event.get("outcome")
        if outcome is not None and not isinstance(outcome, Mapping):
            raise MalformedEvent("outcome is not an object")
        okta_id, login = "", ""
        targets = event.get("target")
        if targets is not None and not isinstance(targets, list):
            raise MalformedEvent("target is not a list")
        for target in targets or []:
            if isinstance(target, Mapping) and target.get("type") == "User":
                okta_id = _text(target.get("id"), "target.id")
                login = _text(target.get("alternateId"), "target.alternateId")
                break
        return cls(
            uuid=uuid,
            event_type=_text(event.get("eventType"), "eventType"),
            outcome=_text((outcome or {}).get("result"), "outcome.result"),
            published=_when(event.get("published")),
            okta_user_id=okta_id[:40],
            login=login[:255],
        )


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedEvent(f"{name} is not a string")
    problem = text_problem(value)
    if problem:
        raise MalformedEvent(f"{name} {problem}")
    return value


def _when(value: Any) -> datetime | None:
    text = _text(value, "published")
    if not text:
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise MalformedEvent("published is not an ISO 8601 time")
    return moment


def event_uuid(event: Any) -> str:
    """An event's uuid as Okta sent it ("" when it has none it could be found by)."""
    value = event.get("uuid") if isinstance(event, Mapping) else None
    return value if isinstance(value, str) else ""


def event_published(event: Any) -> datetime | None:
    """When Okta published an event (None when it does not say, or not as a time)."""
    value = event.get("published") if isinstance(event, Mapping) else None
    try:
        return _when(value)
    except MalformedEvent:
        return None
