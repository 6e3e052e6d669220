"""The hook's settings, typed: one object instead of twenty raw `settings.OKTA_HOOK_*` reads.

`migration_portal/settings.py` reads them from the environment (docs/configuration.md);
`hook_settings()` hands out that configuration as a frozen dataclass, built once and built
again whenever a setting changes (tests, `override_settings`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


@dataclass(frozen=True, slots=True)
class HookSettings:
    """`OKTA_HOOK_*` and `OKTA_EVENT_HOOK_*`, by their names without the prefix."""

    #: Header secrets: the password import hook's, and the event hook's own.
    auth_header: str
    auth_values: tuple[str, ...]
    event_auth_header: str
    event_auth_values: tuple[str, ...]
    #: Events one event hook delivery may carry.
    event_max_events: int
    #: OAuth 2.0 bearer tokens on the password import hook.
    oauth_issuer: str
    oauth_audience: str
    oauth_scope: str
    oauth_jwks_url: str
    oauth_client_ids: tuple[str, ...]
    #: What a call may carry.
    max_body_bytes: int
    max_password_bytes: int
    #: Answering in time, and shedding what cannot be.
    deadline_ms: int
    verify_slots: int
    shed_hold_ms: int
    dummy_bcrypt_rounds: int
    #: The least time an UNVERIFIED answer takes (-1: measured, `hash_timing`).
    refusal_floor_ms: int
    #: Throttles, locks and the spray budget.
    lockout_threshold: int
    lockout_minutes: int
    lockout_sources: int
    global_failures_per_minute: int
    spray_delay_ms: int
    login_failures_per_minute: int
    ip_failures_per_minute: int


@functools.cache
def hook_settings() -> HookSettings:
    """The hook's current settings."""

    def read(name: str) -> Any:
        return getattr(settings, name)

    return HookSettings(
        auth_header=str(read("OKTA_HOOK_AUTH_HEADER")),
        auth_values=tuple(read("OKTA_HOOK_AUTH_VALUES")),
        event_auth_header=str(read("OKTA_EVENT_HOOK_AUTH_HEADER")),
        event_auth_values=tuple(read("OKTA_EVENT_HOOK_AUTH_VALUES")),
        event_max_events=int(read("OKTA_EVENT_HOOK_MAX_EVENTS")),
        oauth_issuer=str(read("OKTA_HOOK_OAUTH_ISSUER")),
        oauth_audience=str(read("OKTA_HOOK_OAUTH_AUDIENCE")),
        oauth_scope=str(read("OKTA_HOOK_OAUTH_SCOPE")),
        oauth_jwks_url=str(read("OKTA_HOOK_OAUTH_JWKS_URL")),
        oauth_client_ids=tuple(read("OKTA_HOOK_OAUTH_CLIENT_IDS")),
        max_body_bytes=int(read("OKTA_HOOK_MAX_BODY_BYTES")),
        max_password_bytes=int(read("OKTA_HOOK_MAX_PASSWORD_BYTES")),
        deadline_ms=int(read("OKTA_HOOK_DEADLINE_MS")),
        verify_slots=int(read("OKTA_HOOK_VERIFY_SLOTS")),
        shed_hold_ms=int(read("OKTA_HOOK_SHED_HOLD_MS")),
        dummy_bcrypt_rounds=int(read("OKTA_HOOK_DUMMY_BCRYPT_ROUNDS")),
        refusal_floor_ms=int(read("OKTA_HOOK_REFUSAL_FLOOR_MS")),
        lockout_threshold=int(read("OKTA_HOOK_LOCKOUT_THRESHOLD")),
        lockout_minutes=int(read("OKTA_HOOK_LOCKOUT_MINUTES")),
        lockout_sources=int(read("OKTA_HOOK_LOCKOUT_SOURCES")),
        global_failures_per_minute=int(read("OKTA_HOOK_GLOBAL_FAILURES_PER_MINUTE")),
        spray_delay_ms=int(read("OKTA_HOOK_SPRAY_DELAY_MS")),
        login_failures_per_minute=int(read("OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE")),
        ip_failures_per_minute=int(read("OKTA_HOOK_IP_FAILURES_PER_MINUTE")),
    )


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(("OKTA_HOOK_", "OKTA_EVENT_HOOK_")):
        hook_settings.cache_clear()
