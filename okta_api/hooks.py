"""Okta's inline and event hooks as this project registers them: the bodies each operation
takes (Okta's `InlineHookCreate`, `InlineHookReplace` and `EventHook` schemas, no field
those schemas lack or mark read-only) and the hooks Okta returns, read into `Hook`.

Okta never returns a hook's secret (`authScheme.value` is write-only) and may return the
header name and the auth type in another case than they were sent ("Authorization" comes
back as "authorization", "HEADER" as "header"), so a hook is compared by what Okta does
return: name, URI, extra headers, auth type and header name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The inline hook type and the eventType of its calls (Okta's password import hook reference).
PASSWORD_IMPORT_HOOK_TYPE = "com.okta.user.credential.password.import"  # noqa: S105
HOOK_VERSION = "1.0.0"
AUTH_TYPE = "HEADER"


@dataclass(frozen=True, slots=True)
class HookTarget:
    """Where a hook should send its calls and how it authenticates them."""

    name: str
    uri: str
    auth_key: str
    #: The event types an event hook subscribes to (empty for an inline hook).
    events: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hook:
    """An inline or event hook as Okta returns it (never with its secret)."""

    id: str
    name: str
    status: str
    uri: str
    auth_type: str
    auth_key: str
    headers: tuple[tuple[str, str], ...]
    events: tuple[str, ...]
    #: An event hook's `verificationStatus`; empty for an inline hook.
    verification: str

    @classmethod
    def from_json(cls, body: Any) -> Hook:
        body = body if isinstance(body, dict) else {}
        config = _dict(_dict(body.get("channel")).get("config"))
        scheme = _dict(config.get("authScheme"))
        headers = tuple(
            (str(h.get("key", "")), str(h.get("value", "")))
            for h in config.get("headers") or []
            if isinstance(h, dict)
        )
        events = _dict(body.get("events")).get("items") or []
        return cls(
            id=str(body.get("id", "")),
            name=str(body.get("name", "")),
            status=str(body.get("status", "")),
            uri=str(config.get("uri", "")),
            auth_type=str(scheme.get("type", "")),
            auth_key=str(scheme.get("key", "")),
            headers=headers,
            events=tuple(str(e) for e in events),
            verification=str(body.get("verificationStatus", "")),
        )

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"

    @property
    def verified(self) -> bool:
        return self.verification == "VERIFIED"

    def differences(self, target: HookTarget) -> list[str]:
        """What Okta holds that differs from `target`, in words (empty: nothing). The
        secret cannot be compared: Okta never returns it."""
        found = []
        if self.name != target.name:
            found.append(f"name {self.name!r}")
        if self.uri != target.uri:
            found.append(f"URI {self.uri or '(none)'}")
        if self.auth_type.upper() != AUTH_TYPE or self.auth_key.lower() != target.auth_key.lower():
            found.append(f"authentication {self.auth_type or '(none)'} {self.auth_key!r}")
        if self.headers:
            found.append(f"{len(self.headers)} extra header(s)")
        if sorted(self.events) != sorted(target.events):
            found.append(f"events {', '.join(self.events) or '(none)'}")
        return found


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _channel(target: HookTarget, secret: str, *, method: bool) -> dict[str, Any]:
    config: dict[str, Any] = {
        "uri": target.uri,
        "headers": [],
        "authScheme": {"type": AUTH_TYPE, "key": target.auth_key, "value": secret},
    }
    if method:
        # Inline hooks take the method on write; an event hook's is read-only.
        config["method"] = "POST"
    return {"type": "HTTP", "version": HOOK_VERSION, "config": config}


def inline_hook_create_body(target: HookTarget, secret: str) -> dict[str, Any]:
    """An `InlineHookCreate` of the password import type: Okta POSTs to `target.uri` with
    `secret` in the `target.auth_key` header."""
    return {
        "name": target.name,
        "type": PASSWORD_IMPORT_HOOK_TYPE,
        "version": HOOK_VERSION,
        "channel": _channel(target, secret, method=True),
    }


def inline_hook_replace_body(target: HookTarget, secret: str) -> dict[str, Any]:
    """An `InlineHookReplace`: the create body without `type`, which cannot change."""
    return {
        "name": target.name,
        "version": HOOK_VERSION,
        "channel": _channel(target, secret, method=True),
    }


def event_hook_body(target: HookTarget, secret: str) -> dict[str, Any]:
    """An `EventHook` to create or replace, subscribed to `target.events`."""
    return {
        "name": target.name,
        "events": {"type": "EVENT_TYPE", "items": list(target.events)},
        "channel": _channel(target, secret, method=False),
    }
