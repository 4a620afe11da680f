"""Rate limits count every request, even concurrent ones, in a store every process shares, and say
when to come back."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection

from infrastructure import rate_limit
from infrastructure.cache_backends import TolerantRedisCache
from infrastructure.models import RateCounter
from infrastructure.rate_limit import retry_after
from tests.compare_site.test_settings import load_settings
from tests.concurrency import results_of_racing_threads


@pytest.fixture(params=["cache", "database"])
def store(request, settings):
    settings.RATE_LIMIT_STORE = request.param
    if request.param == "database":
        request.getfixturevalue("db")
    return request.param


def test_counters_live_in_redis_when_there_is_one_else_in_the_database():
    show = "settings.RATE_LIMIT_STORE"
    assert load_settings(show, SECRET_KEY="k").stdout.strip() == "database"
    assert load_settings(show, SECRET_KEY="k", REDIS_URL="redis://127.0.0.1:6379/0").stdout.strip() == "cache"


# Threads on SQLite's in-memory test database fail with "table is locked" rather than wait (a file
# database waits its turn); SQLite runs one write at a time anyway, so the upsert cannot race there.
CONCURRENT_STORES = ["cache", "database"] if connection.vendor == "postgresql" else ["cache"]


@pytest.mark.parametrize("store", CONCURRENT_STORES)
def test_concurrent_requests_are_each_counted(store, settings, request):
    # Threads racing on one key: a read-modify-write counter would let more than the limit through.
    settings.RATE_LIMIT_STORE = store
    if store == "database":
        request.getfixturevalue("transactional_db")

    def post_many():
        mine = [retry_after("race", limit=50, period=3600) for _ in range(25)]
        connection.close()
        return mine

    answers = results_of_racing_threads(post_many)
    assert len(answers) == 200 and answers.count(None) == 50


def test_a_refusal_says_how_long_until_the_window_ends(store):
    # The tests' clock stands half-way through a minute (conftest.py).
    assert [retry_after("client", limit=2, period=60) is None for _ in range(3)] == [True, True, False]
    assert retry_after("client", limit=2, period=60) == 30


def test_keys_and_periods_are_counted_apart(store):
    assert retry_after("a", limit=1, period=60) is None
    assert retry_after("b", limit=1, period=60) is None
    assert retry_after("a", limit=1, period=3600) is None
    assert retry_after("a", limit=1, period=60) is not None


def test_the_count_starts_afresh_in_the_next_window(store, monkeypatch):
    assert retry_after("w", limit=1, period=60) is None
    assert retry_after("w", limit=1, period=60) is not None
    later = rate_limit.time.time() + 60
    monkeypatch.setattr(rate_limit.time, "time", lambda: later)
    assert retry_after("w", limit=1, period=60) is None


def test_without_redis_a_limit_holds_across_processes(db, monkeypatch):
    # Each worker process has a local-memory cache of its own: one stands in for each post here.
    # Counted there, every process would allow the whole limit again.
    for _ in range(3):
        monkeypatch.setattr(rate_limit, "cache", LocMemCache(f"process-{_}", {}))
        retry_after("client", limit=2, period=60)
    assert retry_after("client", limit=2, period=60) is not None


def test_ended_windows_are_cleared_from_the_database(db, monkeypatch):
    for client in range(5):
        retry_after(f"client-{client}", limit=2, period=60)
    later = rate_limit.time.time() + 120
    monkeypatch.setattr(rate_limit.time, "time", lambda: later)
    retry_after("someone-new", limit=2, period=60)
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["someone-new:60"]


@pytest.mark.services
def test_with_redis_a_limit_is_counted_there_and_holds(redis_server, settings, monkeypatch):
    settings.RATE_LIMIT_STORE = "cache"
    monkeypatch.setattr(rate_limit, "cache", TolerantRedisCache(redis_server.url.replace("/0", "/4"), {}))
    assert [retry_after("client", limit=2, period=60) is None for _ in range(3)] == [True, True, False]
    assert retry_after("client", limit=2, period=60) == 30
    assert retry_after("other", limit=2, period=60) is None
