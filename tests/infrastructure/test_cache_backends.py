"""The Redis cache tolerates an unreachable Redis as a cache that keeps nothing, and says so once.

The site under gunicorn with Redis stopped, hung and back is in tests/operations/test_faults.py.
"""

import logging
import pickle
import time

import pytest
import redis

from infrastructure.cache_backends import RETRY_AFTER_SECONDS, TolerantRedisCache
from tests.concurrency import results_of_racing_threads
from tests.services import free_port


def tolerant_cache(url: str) -> TolerantRedisCache:
    return TolerantRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}})


def test_an_unreachable_redis_is_a_cache_that_keeps_nothing_and_is_logged_once(caplog):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    cache = tolerant_cache(url)
    with caplog.at_level(logging.WARNING, logger="infrastructure.cache_backends"):
        for _ in range(3):
            cache.set("key", 1)
            assert cache.get("key", "missing") == "missing"
            assert cache.add("key", 1) is True
            assert cache.get_many(["key"]) == {}
            assert cache.has_key("key") is False
            assert cache.get_or_set("key", 2) == 2
            with pytest.raises(ValueError):
                cache.incr("key")
            assert cache.count_in_window("counter", 60) is None
    (warning,) = caplog.records  # three rounds of calls, one warning
    assert f"Redis at {url} is unreachable (ConnectionError" in warning.getMessage()
    # A readiness probe is told the truth.
    with pytest.raises(redis.ConnectionError, match="refused"):
        cache.ping()


def test_a_password_in_the_redis_url_is_not_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="infrastructure.cache_backends"):
        tolerant_cache(f"redis://cache:s3cret@127.0.0.1:{free_port()}/0").get("key")
    assert "s3cret" not in caplog.text and "Redis at redis://127.0.0.1:" in caplog.text


@pytest.mark.services
def test_a_reachable_redis_is_used_and_other_errors_still_raise(redis_server):
    cache = tolerant_cache(redis_server.url)
    cache.set("key", {"a": 1})
    cache.set("hits", 1)
    assert cache.get("key") == {"a": 1} and cache.incr("hits") == 2
    cache.ping()
    with pytest.raises((pickle.PicklingError, AttributeError)):
        cache.set("key", lambda: None)  # cannot be pickled: a bug to see, not an outage to hide


@pytest.mark.services
def test_after_a_failure_redis_is_left_alone_for_a_while_then_tried_again(redis_server):
    # A database number of its own: the pause after a failure is kept per process and location.
    cache = tolerant_cache(redis_server.url.replace("/0", "/1"))
    with redis_server.down():
        cache.set("key", 1)
    cache.set("key", 1)  # Redis is back, but this process does not try it yet
    assert redis.Redis(port=redis_server.port, db=1).get(cache.make_key("key")) is None
    time.sleep(RETRY_AFTER_SECONDS + 0.1)
    cache.set("key", 1)
    assert cache.get("key") == 1


@pytest.mark.services
def test_a_counter_is_created_with_its_expiry_and_raised_in_one_transaction(redis_server):
    cache = tolerant_cache(redis_server.url.replace("/0", "/2"))
    server = redis.Redis(port=redis_server.port, db=2)
    commands = ("multi", "exec", "set", "incrby")

    def calls() -> dict[str, int]:
        stats = server.info("commandstats")
        return {command: stats.get(f"cmdstat_{command}", {"calls": 0})["calls"] for command in commands}

    before = calls()
    assert [cache.count_in_window("window", 60) for _ in range(3)] == [1, 2, 3]
    # Each count is one MULTI ... EXEC: the set-if-missing and the increment go together.
    made = {command: count - before[command] for command, count in calls().items()}
    assert made == {"multi": 3, "exec": 3, "set": 3, "incrby": 3}
    assert 0 < server.ttl(cache.make_key("window")) <= 60


@pytest.mark.services
def test_concurrent_counts_are_each_counted_once(redis_server):
    cache = tolerant_cache(redis_server.url.replace("/0", "/3"))
    counts = results_of_racing_threads(lambda: [cache.count_in_window("race", 60) for _ in range(25)])
    assert sorted(counts) == list(range(1, 201))
