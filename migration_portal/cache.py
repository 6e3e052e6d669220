"""Django's Redis cache, with one Redis client per connection pool instead of one per call,
and counters read (`counts`) and incremented (`count_all`) in one round trip each.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache operation,
and building one (its table of response callbacks) costs about 0.15 ms: more than the round
trip itself, on every hook call. A `redis.Redis` is thread-safe over its pool, so one per
pool is enough.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ChoosesPools(Protocol):
    """Django's own choice of pool (the primary for writes, a replica for reads)."""

    def _get_connection_pool(self, write: bool) -> redis.ConnectionPool: ...


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(
        self, key: str | bytes | memoryview[int] | None = None, *, write: bool = False
    ) -> redis.Redis:
        pool = cast(_ChoosesPools, self)._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), redis.Redis(connection_pool=pool))
        return client


class ReusingRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache`, reusing its Redis clients."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient

    def count_all(self, keys: list[tuple[str, int]]) -> list[tuple[int, bool]]:
        """Add one to each key (made at 0 with its timeout, in seconds, when missing), all in
        one round trip; per key, (the new count, whether it was made by this call)."""
        client = self._cache.get_client(write=True)
        pipe = client.pipeline(transaction=False)
        for key, timeout in keys:
            made = self.make_and_validate_key(key)
            pipe.set(made, 0, ex=timeout, nx=True)
            pipe.incr(made)
        results = pipe.execute()
        return [(int(results[2 * i + 1]), bool(results[2 * i])) for i in range(len(keys))]

    def counts(self, keys: list[str]) -> list[int]:
        """The counters at `keys` (0 when missing), in one round trip: a plain MGET of the
        stored integers, without `get_many`'s per-key unpickling and dictionary."""
        client = self._cache.get_client()
        values = client.mget([self.make_key(key) for key in keys])
        return [0 if value is None else int(value) for value in values]
