"""A Redis cache that the site survives losing: while Redis is unreachable it keeps nothing.

What the site caches is either rebuilt from the database on a miss (pages, verdict documents,
evidence matrices) or can be done without for a while (throttle counters: nobody is throttled), so
a Redis outage should cost speed, not requests. While Redis does not answer, each operation behaves
as on a cache that keeps nothing (Django's DummyCache): reads miss, writes are dropped. After a
failure the process leaves Redis alone for RETRY_AFTER_SECONDS, so a hung Redis costs a socket
timeout per thread now and then rather than one per call, and then tries again by itself. The
warning is logged once per outage, and once more when Redis answers again.
"""

import logging
import re
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis import exceptions as redis_errors

logger = logging.getLogger(__name__)

# How long a process leaves Redis alone after a failure before trying it again.
RETRY_AFTER_SECONDS = 5.0

UNREACHABLE = (redis_errors.ConnectionError, redis_errors.TimeoutError)


class _Circuit:
    """One Redis location's state in this process; shared by the cache objects of all its threads."""

    def __init__(self, location: str):
        self.location = location
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0

    def may_try(self) -> bool:
        """Redis answered last time, or the pause after a failure is over."""
        return time.monotonic() >= self._retry_at

    def failed(self, error: Exception) -> None:
        with self._lock:
            first = not self._down
            self._down, self._retry_at = True, time.monotonic() + RETRY_AFTER_SECONDS
        if first:
            logger.warning(
                "cache: Redis at %s is unreachable (%s: %s); serving without the cache, retrying every %g s",
                self.location,
                type(error).__name__,
                error,
                RETRY_AFTER_SECONDS,
            )

    def answered(self) -> None:
        if not self._down:
            return
        with self._lock:
            recovered, self._down, self._retry_at = self._down, False, 0.0
        if recovered:
            logger.warning("cache: Redis at %s answers again; the cache is back in use", self.location)


_circuits: dict[str, _Circuit] = {}
_circuits_lock = threading.Lock()


def _circuit_for(location: str) -> _Circuit:
    with _circuits_lock:
        # Logged without the user and password a Redis URL may hold.
        return _circuits.setdefault(location, _Circuit(re.sub(r"(?<=//)[^/@]*@", "", location)))


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, except that an unreachable Redis makes it a cache that keeps nothing.

    Only unreachability is tolerated: any other error (a bad key, a value that cannot be pickled)
    still raises. Readiness probes call ping(), which reports an outage instead of hiding it.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._circuit = _circuit_for(server if isinstance(server, str) else ",".join(server))

    def ping(self) -> None:
        """Raise the driver's error unless Redis answers now, whatever the circuit says."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE as error:
            self._circuit.failed(error)
            raise
        self._circuit.answered()

    def _tolerantly(self, operation, fallback, *args):
        """operation(*args) if Redis answers, else `fallback`, what a cache keeping nothing gives."""
        if not self._circuit.may_try():
            return fallback
        try:
            result = operation(*args)
        except UNREACHABLE as error:
            self._circuit.failed(error)
            return fallback
        self._circuit.answered()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerantly(super().add, True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._tolerantly(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._tolerantly(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerantly(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._tolerantly(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._tolerantly(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._tolerantly(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._tolerantly(super().incr, None, key, delta, version)
        if result is None:  # what an empty cache says: the caller handles a missing counter already
            raise ValueError(f"Key '{key}' not found.")
        return result

    def count_in_window(self, key, timeout: int) -> int | None:
        """Add one to the counter `key`, first created at 0 to expire in `timeout` seconds: what
        add() then incr() do, in one round trip and one transaction. None while Redis is
        unreachable."""

        def count():
            name = self.make_and_validate_key(key)
            pipeline = self._cache.get_client(name, write=True).pipeline()  # MULTI ... EXEC
            pipeline.set(name, 0, ex=timeout, nx=True)
            pipeline.incr(name)
            return pipeline.execute()[-1]

        return self._tolerantly(count, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerantly(super().set_many, [], data, timeout, version)

    def delete_many(self, keys, version=None):
        self._tolerantly(super().delete_many, None, keys, version)

    def clear(self):
        return self._tolerantly(super().clear, False)
