"""Counting requests against a limit, shared by every process through the cache.

A fixed window: one counter per key and period, created with add() and raised with incr(), both
atomic in Redis (and in the local-memory cache), so concurrent requests cannot overwrite each
other's counts as a read-modify-write of a request history would. The price: a client may spend
one window's allowance at its end and the next at the start of the next window.
"""

import math
import time

from django.core.cache import cache


def retry_after(key: str, limit: int, period: int) -> int | None:
    """Count one request for `key`: None while within `limit` per `period` seconds, else the
    seconds until the window ends and requests are allowed again."""
    now = time.time()
    window = int(now // period)
    counter = f"rate:{key}:{period}:{window}"
    cache.add(counter, 0, timeout=period)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr, or no cache to count in (Redis down)
        cache.set(counter, 1, timeout=period)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))
