"""Counting requests against a limit, shared by every process of every app server.

A fixed window: one counter per key and period, raised atomically, so concurrent requests cannot
overwrite each other's counts as a read-modify-write of a request history would. The price: a
client may spend one window's allowance at its end and the next at the start of the next window.

Where the counters live (RATE_LIMIT_STORE, set from REDIS_URL):

- "cache", with Redis, which every process shares: one atomic round trip that creates the counter
  if it is missing and raises it (add() and incr() on other caches, as in the tests).
- "database", without Redis: one row per key in RateCounter, raised by a single upsert. The
  local-memory cache would not do: each worker process keeps its own, so N workers would let N
  times the limit through.
"""

import functools
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize

from .client_address import client_address
from .data_versions import cache_key

# Everything an anonymous client posts that stores a row (a verdict, a problem report), through the
# API or a form, counts against this one limit per address: API_ANONYMOUS_POST_RATE.
ANONYMOUS_POSTS = "anonymous-posts"

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'30/minute' -> (30, 60), as DRF reads its throttle rates."""
    count, period = rate.split("/")
    return int(count), _PERIODS[period[0]]


def retry_after(key: str, limit: int, period: int) -> int | None:
    """Count one request for `key`: None while within `limit` per `period` seconds, else the
    seconds until the window ends and requests are allowed again."""
    now = time.time()
    window = int(now // period)
    ends = (window + 1) * period
    if settings.RATE_LIMIT_STORE == "database":
        count = _count_in_database(cache_key(key, period), window, ends, now)
    else:
        count = _count_in_cache(cache_key("rate", key, period, window), period)
    if count <= limit:
        return None
    return max(1, math.ceil(ends - now))


def anonymous_post_wait(request: HttpRequest, limit: int, period: int) -> int | None:
    """Count an anonymous post that stores something; editors (signed in) are not limited."""
    if request.user.is_authenticated:
        return None
    return retry_after(cache_key(ANONYMOUS_POSTS, client_address(request)), limit, period)


def limit_anonymous_posts(view):
    """Posts to `view` share the anonymous post limit with the API; beyond it, a 429 page that says
    when to come back."""

    @functools.wraps(view)
    def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            limit, period = parse_rate(settings.ANONYMOUS_POST_RATE)
            wait = anonymous_post_wait(request, limit, period)
            if wait is not None:
                return too_many_requests(request, wait)
        return view(request, *args, **kwargs)

    return limited


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    minutes = math.ceil(wait / 60)
    when = f"{wait} second{pluralize(wait)}" if wait < 60 else f"{minutes} minute{pluralize(minutes)}"
    response = render(request, "429.html", {"when": when}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _count_in_cache(counter: str, period: int) -> int:
    count_in_window = getattr(cache, "count_in_window", None)  # infrastructure.cache_backends
    if count_in_window is not None:
        count = count_in_window(counter, period)
        return 1 if count is None else count  # Redis unreachable: nobody is throttled meanwhile
    cache.add(counter, 0, timeout=period)
    try:
        return cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=period)
        return 1


# RateCounter's table (models.py); "key" and "window" are quoted, as keywords of SQL.
_TABLE = "compare_site_ratecounter"
_UPSERT = f"""
INSERT INTO {_TABLE} ("key", "window", "count", expires_at) VALUES (%s, %s, 1, %s)
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN {_TABLE}."window" = excluded."window" THEN {_TABLE}."count" + 1 ELSE 1 END,
    "window" = excluded."window",
    expires_at = excluded.expires_at
RETURNING "count"
"""
_FORGET_ENDED = f"DELETE FROM {_TABLE} WHERE expires_at < %s"


def _count_in_database(key: str, window: int, ends: float, now: float) -> int:
    """One statement, atomic on PostgreSQL and SQLite alike: the count after this request."""
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, window, int(ends)])
        (count,) = cursor.fetchone()
        if count == 1:  # a new window for this key: clear out counters whose windows are over
            cursor.execute(_FORGET_ENDED, [int(now)])
    return count
