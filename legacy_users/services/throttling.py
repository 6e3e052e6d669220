"""Failure counters per login and per end-user IP, in Django's cache (Redis when shared).

Counts live in one-minute windows. They slow a guessing attack down to the configured rate
whether or not the login exists; the per-user lockout (in the database) stops it for good.
Keys hold a digest of the login or IP, not the value itself.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from legacy_users.models import AttemptReason

WINDOW_SECONDS = 60


def _keys(login_key: str, ip_address: str | None) -> dict[str, str]:
    window = int(time.time() // WINDOW_SECONDS)
    keys = {}
    for kind, value in (("login", login_key), ("ip", ip_address)):
        if value:
            digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
            keys[kind] = f"hook-failures:{kind}:{digest}:{window}"
    return keys


def throttle_reason(*, login_key: str, ip_address: str | None) -> AttemptReason | None:
    """Why a call must be refused unchecked this minute, or None (one cache round trip)."""
    keys = _keys(login_key, ip_address)
    counts = cache.get_many(list(keys.values()))
    if "ip" in keys and counts.get(keys["ip"], 0) >= settings.OKTA_HOOK_IP_FAILURES_PER_MINUTE:
        return AttemptReason.THROTTLED_IP
    if counts.get(keys["login"], 0) >= settings.OKTA_HOOK_LOGIN_FAILURES_PER_MINUTE:
        return AttemptReason.THROTTLED_LOGIN
    return None


def throttle_record_failure(*, login_key: str, ip_address: str | None) -> None:
    """Count one failed call against the login and the IP (atomic increments)."""
    for key in _keys(login_key, ip_address).values():
        cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: start again
            cache.add(key, 1, timeout=2 * WINDOW_SECONDS)
