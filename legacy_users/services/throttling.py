"""Failure counters in Django's cache (Redis when shared): throttles, per-source locks and
the spray budget.

- Per end-user source and per login, failed calls are counted in one-minute windows; over
  the limit a call is refused without hashing. A source is an IPv4 address or an IPv6 /64
  (one subscriber's allocation: rotating addresses inside it does not walk around it).
- Per (login, source), failures are counted over the lockout period: at the threshold that
  source is locked out of that login, and nobody else is. The account-wide lock (in the
  database) needs failures from several sources (see `password_import`).
- Across all logins, failures per minute are a budget: past it a password spray is in
  progress, and wrong answers are slowed while right ones are not.

Keys hold a digest of the login or source, never the value itself. A cache failure raises
`CountersUnavailable`: the hook answers 503 (Okta retries) rather than guess.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from legacy_users.addresses import ip_source
from legacy_users.app_settings import hook_settings
from legacy_users.clock import wall
from legacy_users.models import AttemptReason

WINDOW_SECONDS = 60


class CountersUnavailable(Exception):
    """The cache holding the counters failed; the message never carries request data."""


def current_window() -> int:
    """The one-minute window failures are counted in now (on the hook's wall clock)."""
    return int(wall() // WINDOW_SECONDS)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class _Keys:
    login_minute: str
    source_minute: str
    pair: str
    login_sources: str
    all_minute: str

    @classmethod
    def of(cls, login_key: str, ip_address: str | None) -> _Keys:
        window = current_window()
        known_source = ip_source(ip_address)
        login, source = _digest(login_key), _digest(known_source or "unknown")
        return cls(
            login_minute=f"hook-failures:login:{login}:{window}",
            source_minute=f"hook-failures:ip:{source}:{window}" if known_source else "",
            pair=f"hook-failures:pair:{login}:{source}",
            login_sources=f"hook-failures:sources:{login}",
            all_minute=f"hook-failures:all:{window}",
        )


def _cache_call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any cache backend's failure means the same
        raise CountersUnavailable(f"the counters' cache failed ({type(exc).__name__})") from None


def throttle_reason(*, login_key: str, ip_address: str | None) -> AttemptReason | None:
    """Why a call must be refused unchecked now, or None (one cache round trip)."""
    keys = _Keys.of(login_key, ip_address)
    wanted = [keys.login_minute, keys.pair] + ([keys.source_minute] if keys.source_minute else [])
    login_minute, pair, *source_minute = _get_counts(wanted)
    config = hook_settings()
    if source_minute and source_minute[0] >= config.ip_failures_per_minute:
        return AttemptReason.THROTTLED_IP
    if login_minute >= config.login_failures_per_minute:
        return AttemptReason.THROTTLED_LOGIN
    if pair >= config.lockout_threshold:
        return AttemptReason.LOCKED_SOURCE
    return None


def _get_counts(keys: list[str]) -> list[int]:
    """The counters at `keys` (0 when missing): one round trip on the Redis backend
    (`counts`), `get_many` on any other cache."""
    if hasattr(cache, "counts"):
        return [int(count) for count in _cache_call(cache.counts, keys)]
    found = _cache_call(cache.get_many, keys)
    return [int(found.get(key, 0)) for key in keys]


@dataclass(frozen=True, slots=True)
class FailureTally:
    """What one more failure adds up to."""

    #: Distinct sources that failed for this login within the lockout period.
    sources: int
    #: Failures across all logins this minute are past the spray budget.
    spraying: bool


def _count_all(keys: list[tuple[str, int]]) -> list[tuple[int, bool]]:
    """Add one to each key (made with its timeout when new): (count, made now) per key. One
    round trip on the Redis backend (`count_all`); key by key on any other cache."""
    if hasattr(cache, "count_all"):
        return [(int(n), bool(made)) for n, made in _cache_call(cache.count_all, keys)]
    counts: list[tuple[int, bool]] = []
    for key, timeout in keys:
        created = _cache_call(cache.add, key, 0, timeout=timeout)
        try:
            counts.append((int(_cache_call(cache.incr, key)), bool(created)))
        except ValueError:  # expired between add and incr: start again
            _cache_call(cache.add, key, 1, timeout=timeout)
            counts.append((1, True))
    return counts


def throttle_record_failure(*, login_key: str, ip_address: str | None) -> FailureTally:
    """Count one failed call against its login, source, (login, source) and everyone."""
    keys = _Keys.of(login_key, ip_address)
    lockout = hook_settings().lockout_minutes * 60
    window = 2 * WINDOW_SECONDS
    wanted = [(keys.pair, lockout), (keys.all_minute, window), (keys.login_minute, window)]
    if keys.source_minute:
        wanted.append((keys.source_minute, window))
    (_, new_source), (everyone, _), *_ = _count_all(wanted)
    if new_source:
        ((sources, _),) = _count_all([(keys.login_sources, lockout)])
    else:
        sources = int(_cache_call(cache.get, keys.login_sources, 1))
    return FailureTally(
        sources=sources,
        spraying=everyone > hook_settings().global_failures_per_minute,
    )
