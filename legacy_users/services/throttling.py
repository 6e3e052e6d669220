"""Failure counters in the database: throttles, per-source locks and the spray budget.

- Per end-user source and per login, failed calls are counted in one-minute windows; over
  the limit a call is refused without hashing. A source is an IPv4 address or an IPv6 /64
  (one subscriber's allocation: rotating addresses inside it does not walk around it).
- Per (login, source), failures are counted over the lockout period: at the threshold that
  source is locked out of that login, and nobody else is. The account-wide lock (on the
  user's row) needs failures from several sources (see `password_import`).
- Across all logins, failures per minute are a budget: past it a password spray is in
  progress, and wrong answers are slowed while right ones are not.

The counters are rows of `FailureCounter`, shared by every process that serves the hook
because they are in its database. A sign-in reads the ones that can refuse it inside its own
lookup (`COUNTS_SQL`, in `password_import`), so a call that is not refused pays no round trip
for them. Only a failure writes, and a few times a minute a failure also clears out the
counters that have expired. Keys hold a digest of the login or source, never the value
itself. Times come from the hook's wall clock (`legacy_users.clock.wall`), so every process
agrees on the minute.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from legacy_users.addresses import ip_source
from legacy_users.app_settings import hook_settings
from legacy_users.clock import wall
from legacy_users.models import AttemptReason, FailureCounter
from legacy_users.services.statements import Statement, column, fetch_one

WINDOW_SECONDS = 60
#: A minute's counter is kept for two windows (the one it counts in, and a margin).
MINUTE_COUNTER_SECONDS = 2 * WINDOW_SECONDS
#: The failures of everyone in a minute are spread over this many rows, so concurrent
#: failures do not all queue for one row's lock; the budget is their sum.
EVERYONE_SHARDS = 8

_TABLE = FailureCounter._meta.db_table
_KEY, _COUNT, _EXPIRES = (
    connection.ops.quote_name(column(FailureCounter, name))
    for name in ("key", "count", "expires_at")
)

#: The counters that can refuse a sign-in before its check, as one row (login_minute, pair,
#: source_minute; 0 when missing or expired), for the lookup to join. Its parameters are
#: `counts_params`'.
COUNTS_SQL = f"""
SELECT coalesce(max(CASE WHEN f.{_KEY} = %(t_login)s THEN f.{_COUNT} END), 0) AS login_minute,
       coalesce(max(CASE WHEN f.{_KEY} = %(t_pair)s THEN f.{_COUNT} END), 0) AS pair,
       coalesce(max(CASE WHEN f.{_KEY} = %(t_source)s THEN f.{_COUNT} END), 0) AS source_minute
FROM {_TABLE} f
WHERE f.{_KEY} IN (%(t_login)s, %(t_pair)s, %(t_source)s) AND f.{_EXPIRES} > %(t_now)s"""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class _Keys:
    login_minute: str
    source_minute: str
    pair: str
    login_sources: str
    window: int

    @classmethod
    def of(cls, login_key: str, ip_address: str | None, now: float) -> _Keys:
        """The keys of a call at `now` (the hook's wall clock), in that minute's window."""
        window = int(now // WINDOW_SECONDS)
        known_source = ip_source(ip_address)
        login, source = _digest(login_key), _digest(known_source or "unknown")
        return cls(
            login_minute=f"login:{login}:{window}",
            source_minute=f"ip:{source}:{window}" if known_source else "",
            pair=f"pair:{login}:{source}",
            login_sources=f"sources:{login}",
            window=window,
        )

    def everyone(self, shard: int) -> str:
        return f"all:{self.window}:{shard}"


def counts_params(*, login_key: str, ip_address: str | None) -> dict[str, Any]:
    """`COUNTS_SQL`'s parameters for a call from `ip_address` about `login_key`."""
    now = wall()
    keys = _Keys.of(login_key, ip_address, now)
    return {
        "t_login": keys.login_minute,
        "t_pair": keys.pair,
        # No source, no counter: a key no row has.
        "t_source": keys.source_minute,
        "t_now": now,
    }


def throttle_verdict(*, login_minute: int, pair: int, source_minute: int) -> AttemptReason | None:
    """Why a call must be refused unchecked, given its counters (`COUNTS_SQL`), or None."""
    config = hook_settings()
    if source_minute >= config.ip_failures_per_minute:
        return AttemptReason.THROTTLED_IP
    if login_minute >= config.login_failures_per_minute:
        return AttemptReason.THROTTLED_LOGIN
    if pair >= config.lockout_threshold:
        return AttemptReason.LOCKED_SOURCE
    return None


def throttle_reason(*, login_key: str, ip_address: str | None) -> AttemptReason | None:
    """Why a call must be refused unchecked now, or None (one query of its own; the hook
    reads the same counters inside its lookup instead)."""
    counts = fetch_one(
        Statement(COUNTS_SQL, counts_params(login_key=login_key, ip_address=ip_address))
    )
    login_minute, pair, source_minute = counts or (0, 0, 0)  # an aggregate: always one row
    return throttle_verdict(login_minute=login_minute, pair=pair, source_minute=source_minute)


@dataclass(frozen=True, slots=True)
class FailureTally:
    """What one more failure adds up to."""

    #: Distinct sources that failed for this login within the lockout period.
    sources: int
    #: Failures across all logins this minute are past the spray budget.
    spraying: bool


def _count(counters: list[tuple[str, float]], now: float) -> dict[str, int]:
    """Add one to each counter, made (or started again, when expired) with its expiry; the new
    counts by key. One statement; keys in a fixed order, so concurrent failures lock their
    rows in the same order."""
    counters = sorted(counters)
    values = ", ".join(f"(%(k{i})s, 1, %(e{i})s)" for i in range(len(counters)))
    params: dict[str, Any] = {"now": now}
    for i, (key, expires) in enumerate(counters):
        params[f"k{i}"], params[f"e{i}"] = key, expires
    live = f"{_TABLE}.{_EXPIRES} > %(now)s"
    sql = f"""
        INSERT INTO {_TABLE} ({_KEY}, {_COUNT}, {_EXPIRES}) VALUES {values}
        ON CONFLICT ({_KEY}) DO UPDATE SET
            {_COUNT} = CASE WHEN {live} THEN {_TABLE}.{_COUNT} + 1 ELSE 1 END,
            {_EXPIRES} = CASE WHEN {live} THEN {_TABLE}.{_EXPIRES} ELSE excluded.{_EXPIRES} END
        RETURNING {_KEY}, {_COUNT}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {key: int(count) for key, count in cursor.fetchall()}


#: After a failure: the login's distinct sources, and everyone's failures this minute (the
#: sum of its shards, keys `s0`...).
_SOURCES_AND_EVERYONE = f"""
SELECT (SELECT {_COUNT} FROM {_TABLE} WHERE {_KEY} = %(sources)s AND {_EXPIRES} > %(now)s),
       (SELECT coalesce(sum({_COUNT}), 0) FROM {_TABLE}
        WHERE {_KEY} IN ({", ".join(f"%(s{i})s" for i in range(EVERYONE_SHARDS))})
          AND {_EXPIRES} > %(now)s)"""


def throttle_record_failure(*, login_key: str, ip_address: str | None) -> FailureTally:
    """Count one failed call against its login, source, (login, source) and everyone."""
    now = wall()
    keys = _Keys.of(login_key, ip_address, now)
    lockout = now + hook_settings().lockout_minutes * 60
    minute = now + MINUTE_COUNTER_SECONDS
    shard = keys.everyone(random.randrange(EVERYONE_SHARDS))  # noqa: S311 - not a secret
    counters = [(keys.pair, lockout), (shard, minute), (keys.login_minute, minute)]
    if keys.source_minute:
        counters.append((keys.source_minute, minute))
    counted = _count(counters, now)
    if counted[shard] == 1:
        # This shard's first failure this minute (a few times a minute at most, across every
        # process): clear out the counters that have expired. On a wrong answer, whose
        # refusal is held to the floor anyway.
        failure_counters_prune(now=now)
    if counted[keys.pair] == 1:  # the first failure from this source: one more source
        _count([(keys.login_sources, lockout)], now)
    params: dict[str, Any] = {"now": now, "sources": keys.login_sources}
    params.update({f"s{i}": keys.everyone(i) for i in range(EVERYONE_SHARDS)})
    sources, everyone = fetch_one(Statement(_SOURCES_AND_EVERYONE, params)) or (None, 0)
    return FailureTally(
        sources=int(sources or 1),
        spraying=int(everyone) > hook_settings().global_failures_per_minute,
    )


#: Expired counters deleted by one prune (a failure's): a few prunes a minute keep up with
#: tens of thousands of distinct logins and sources a minute.
PRUNE_BATCH = 5000


def failure_counters_prune(*, now: float | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete up to `batch` counters that have expired (they count as zero already); how
    many. Counters another call holds are skipped rather than waited for (PostgreSQL), so a
    prune never queues behind, or deadlocks with, the failures it runs beside."""
    expired = FailureCounter.objects.filter(expires_at__lte=wall() if now is None else now)
    with transaction.atomic():
        keys = list(
            expired.select_for_update(skip_locked=True)
            .order_by("key")
            .values_list("key", flat=True)[:batch]
        )
        deleted, _ = FailureCounter.objects.filter(key__in=keys).delete()
    return deleted
