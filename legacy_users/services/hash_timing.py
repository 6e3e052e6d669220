"""Refusals that take as long whatever they refuse: the floor every UNVERIFIED answer waits
for, so that the time of an answer tells nobody whether a login exists or how cheap its
legacy hash is (an unknown login, a `{SSHA}` user and a PBKDF2-600k user answer alike).

The floor is the slowest hash check among the formats the loaded users have: measured on
this machine after each load (`hash_costs_measure`, also `manage.py measure_hash_costs`) by
checking a wrong password against a few users of each format, and kept in the database for
every hook process to read. Before any measurement, a process measures its dummy check.
OKTA_HOOK_REFUSAL_FLOOR_MS overrides it with a fixed figure.
"""

from __future__ import annotations

import functools
import secrets
import threading
import time
from collections.abc import Callable

from django.db.models import Max, Min

from legacy_users.app_settings import hook_settings
from legacy_users.hashing import check_password
from legacy_users.hashing.secrets import MissingSecret
from legacy_users.models import LegacyUser, SyncCursor

FLOOR_CURSOR = "refusal_floor_ms"
#: How long a hook process trusts the floor it read before reading it again.
REFRESH_SECONDS = 60.0
#: Measured on a quiet machine, a check costs more under load: the floor keeps a margin.
MARGIN = 1.5
#: Users of each format whose hash is timed: the first, the last, and one between.
SAMPLES = 3

_lock = threading.Lock()
_cached: tuple[float, float] = (float("-inf"), 0.0)  # (read at, floor seconds)


def hash_costs_measure(*, clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Time a wrong password's check against a few users of every format in use; store
    the slowest (with a margin) as the refusal floor. Returns seconds per format."""
    costs: dict[str, float] = {}
    with_hashes = LegacyUser.objects.exclude(password_hash="")
    spans = with_hashes.values("hash_format").annotate(first=Min("id"), last=Max("id"))
    wrong = secrets.token_urlsafe(12)
    for span in spans:
        ids = {span["first"], span["last"], (span["first"] + span["last"]) // 2}
        users = with_hashes.filter(hash_format=span["hash_format"], pk__gte=min(ids))
        sample = list(users.filter(pk__in=ids).only(*LegacyUser.CHECK_FIELDS)[:SAMPLES])
        slowest = 0.0
        for user in sample:
            try:
                params = user.hash_check_params()
            except MissingSecret:
                continue
            started = clock()
            check_password(wrong, user.password_hash, format_name=user.hash_format, params=params)
            slowest = max(slowest, clock() - started)
        costs[span["hash_format"] or "(unknown)"] = slowest
    floor_ms = int(max(costs.values(), default=0.0) * MARGIN * 1000)
    SyncCursor.objects.update_or_create(name=FLOOR_CURSOR, defaults={"value": str(floor_ms)})
    _forget()
    return costs


@functools.cache
def _dummy_check_seconds() -> float:
    from legacy_users.services.password_import import dummy_check

    started = time.perf_counter()
    dummy_check(secrets.token_urlsafe(12))
    return (time.perf_counter() - started) * MARGIN


def refusal_floor() -> float:
    """Seconds an UNVERIFIED answer takes at least (0: no floor)."""
    global _cached
    configured = hook_settings().refusal_floor_ms
    if configured >= 0:
        return configured / 1000
    read_at, floor = _cached
    now = time.monotonic()
    if now - read_at < REFRESH_SECONDS:
        return floor
    with _lock:
        value = SyncCursor.objects.filter(name=FLOOR_CURSOR).values_list("value", flat=True)
        stored = value.first()
        floor = int(stored) / 1000 if stored and stored.isdigit() else _dummy_check_seconds()
        _cached = (now, floor)
    return floor


def _forget() -> None:
    global _cached
    with _lock:
        _cached = (float("-inf"), 0.0)
