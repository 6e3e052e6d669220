"""The app's settings, typed, in one place: `hook_settings()` for the hooks (`OKTA_HOOK_*`,
`OKTA_EVENT_HOOK_*`), `app_settings()` for everything else the app reads (Okta's API, the
migration's rules, retention, the loader's secrets). No other module of the app reads
`django.conf.settings` for them.

`migration_portal/settings.py` reads them from the environment, with their defaults
(docs/configuration.md); each accessor hands out a frozen dataclass, built once and built
again whenever a setting changes (tests, `override_settings`). System checks on them:
`hooks/checks.py`.
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


@dataclass(frozen=True, slots=True)
class AppSettings:
    """The app's settings besides the hooks', by their setting names in lower case."""

    #: Okta's management API (empty: the portal does not drive Okta).
    okta_org_url: str
    okta_api_token: str
    okta_api_concurrency: int
    okta_system_log_lag_seconds: int
    okta_profile_map: str
    #: The migration's rules.
    purge_hash_on_confirm: bool
    #: How long records are kept (days; 0: for ever).
    hook_call_retention_days: int
    okta_event_retention_days: int
    load_run_retention_days: int
    #: Where the loader's named secrets are read (`secret:<name>`).
    hash_secrets_dir: str
    #: The admin's view of a user's profile, for operators who are not superusers.
    admin_profile_attributes: tuple[str, ...]
    #: Whether the worker runs here (PostgreSQL): periodic jobs and background pushes.
    worker_available: bool
    #: Whether the hook's statements are prepared on PostgreSQL.
    db_prepared_statements: bool
    debug: bool

    @property
    def okta_api_configured(self) -> bool:
        """Whether the portal can call Okta's API (create users, read the System Log)."""
        return bool(self.okta_org_url and self.okta_api_token)


@functools.cache
def app_settings() -> AppSettings:
    """The app's current settings (the hooks' apart: `hook_settings()`)."""
    return AppSettings(
        okta_org_url=str(settings.OKTA_ORG_URL),
        okta_api_token=str(settings.OKTA_API_TOKEN),
        okta_api_concurrency=max(1, int(settings.OKTA_API_CONCURRENCY)),
        okta_system_log_lag_seconds=int(settings.OKTA_SYSTEM_LOG_LAG_SECONDS),
        okta_profile_map=str(settings.OKTA_PROFILE_MAP),
        purge_hash_on_confirm=bool(settings.PURGE_HASH_ON_CONFIRM),
        hook_call_retention_days=int(settings.HOOK_CALL_RETENTION_DAYS),
        okta_event_retention_days=int(settings.OKTA_EVENT_RETENTION_DAYS),
        load_run_retention_days=int(settings.LOAD_RUN_RETENTION_DAYS),
        hash_secrets_dir=str(settings.HASH_SECRETS_DIR),
        admin_profile_attributes=tuple(settings.ADMIN_PROFILE_ATTRIBUTES),
        worker_available=bool(settings.WORKER_AVAILABLE),
        db_prepared_statements=bool(settings.DB_PREPARED_STATEMENTS),
        debug=bool(settings.DEBUG),
    )


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(("OKTA_HOOK_", "OKTA_EVENT_HOOK_")):
        hook_settings.cache_clear()
    else:
        app_settings.cache_clear()
