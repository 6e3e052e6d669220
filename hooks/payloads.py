"""Okta's password import request, read and checked (Okta's "Password import inline hook"
reference: https://developer.okta.com/docs/api/openapi/okta-management/management/tags/inlinehook/webhooks/createpasswordimportinlinehook).

Only the fields the decision needs are read; unknown fields are ignored, as Okta asks.
Error messages name the field at fault and never repeat what was sent in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from hooks.errors import HookError
from legacy_users.addresses import canonical_ip
from legacy_users.app_settings import hook_settings
from migration_portal.text import NUL, text_problem
from okta_api import PASSWORD_IMPORT_HOOK_TYPE

PASSWORD_IMPORT_EVENT_TYPE = PASSWORD_IMPORT_HOOK_TYPE


@sensitive_variables()
def read_json_body(request: HttpRequest) -> Any:
    """The request body parsed as JSON, within the configured size cap."""
    limit = hook_settings().max_body_bytes
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise HookError(400, "invalid_length", "Content-Length is not a number.") from None
    if declared > limit:
        raise HookError(413, "too_large", f"The body is larger than {limit} bytes.")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise HookError(413, "too_large", f"The body is larger than {limit} bytes.")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise HookError(400, "invalid_json", "The body is not valid JSON.") from None


def _member(value: Any, path: str) -> Any:
    """Walk a dotted path through nested objects; None where any step is missing."""
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _text(value: Any, path: str, *, required: bool, nul_allowed: bool = False) -> str:
    """A string field the portal can keep (`migration_portal.text`); a password, only
    hashed, may hold a NUL."""
    if value is None:
        if required:
            raise HookError(400, "missing_field", f"{path} is missing.")
        return ""
    if not isinstance(value, str):
        raise HookError(400, "invalid_field", f"{path} must be a string.")
    problem = text_problem(value, nul_allowed=nul_allowed)
    if problem:
        raise HookError(400, "invalid_field", f"{path} {problem}.")
    return value


def _ip_address(value: Any) -> str | None:
    """The end user's IP when it is one; anything else is recorded as unknown."""
    return canonical_ip(value) if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class PasswordImportRequest:
    """The parts of Okta's call the decision uses. The password is left out of repr."""

    event_id: str
    request_id: str
    username: str
    password: str = field(repr=False)
    ip_address: str | None

    @classmethod
    @sensitive_variables()
    def from_json(cls, body: Any) -> PasswordImportRequest:
        """Validate a decoded body; raise `HookError` (400) naming what is wrong."""
        if not isinstance(body, dict):
            raise HookError(400, "invalid_body", "The body must be a JSON object.")
        if body.get("eventType") != PASSWORD_IMPORT_EVENT_TYPE:
            raise HookError(
                400, "wrong_event_type", f"eventType must be {PASSWORD_IMPORT_EVENT_TYPE!r}."
            )
        credential = "data.context.credential"
        username = _text(
            _member(body, f"{credential}.username"), f"{credential}.username", required=True
        )
        if not username.strip():
            raise HookError(
                400, "invalid_field", f"{credential}.username must be a non-empty login."
            )
        password = _text(
            _member(body, f"{credential}.password"),
            f"{credential}.password",
            required=True,
            nul_allowed=True,
        )
        # Okta's ids only label the audit row: a NUL in one is dropped, not refused.
        event_id = _text(body.get("eventId"), "eventId", required=False, nul_allowed=True)
        request_id = _text(
            _member(body, "data.context.request.id"),
            "data.context.request.id",
            required=False,
            nul_allowed=True,
        )
        return cls(
            event_id=event_id.replace(NUL, ""),
            request_id=request_id.replace(NUL, ""),
            username=username,
            password=password,
            ip_address=_ip_address(_member(body, "data.context.request.ipAddress")),
        )

    @classmethod
    @sensitive_variables()
    def from_request(cls, request: HttpRequest) -> PasswordImportRequest:
        """Read, size-check, decode and validate the request body."""
        return cls.from_json(read_json_body(request))


def verification_challenge(request: HttpRequest) -> str:
    """The value of Okta's one-time `x-okta-verification-challenge` header."""
    challenge = request.headers.get("x-okta-verification-challenge", "")
    if not challenge or len(challenge) > 1024:
        raise HookError(
            400, "missing_challenge", "x-okta-verification-challenge header is missing."
        )
    return challenge


@dataclass(frozen=True, slots=True)
class EventHookDelivery:
    """A batch of events Okta's event hook delivers (`data.events`), each still raw: the
    domain reads them one by one, so one malformed event does not sink the batch."""

    events: list[Any]

    @classmethod
    def from_request(cls, request: HttpRequest) -> EventHookDelivery:
        body = read_json_body(request)
        events = _member(body, "data.events")
        if not isinstance(events, list):
            raise HookError(400, "invalid_body", "data.events must be a list of events.")
        cap = hook_settings().event_max_events
        if len(events) > cap:
            raise HookError(
                413, "too_many_events", f"data.events holds {len(events)} events; at most {cap}."
            )
        return cls(events)
