"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache operation,
and building one (its table of response callbacks) costs about 0.15 ms: more than the round
trip itself, on every hook call. A `redis.Redis` is thread-safe over its pool, so one per
pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ReusingRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache`, reusing its Redis clients."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient
