"""Rate limits count every request, even concurrent ones, and say when to come back."""

from concurrent.futures import ThreadPoolExecutor

from compare_site.rate_limit import retry_after


def test_concurrent_requests_are_each_counted():
    # Threads racing on one key: a read-modify-write counter would let more than the limit through.
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda _: retry_after("race", limit=50, period=3600), range(400)))
    assert answers.count(None) == 50


def test_a_refusal_says_how_long_until_the_window_ends():
    # The tests' clock stands half-way through a minute (conftest.py).
    assert [retry_after("client", limit=2, period=60) is None for _ in range(3)] == [True, True, False]
    assert retry_after("client", limit=2, period=60) == 30


def test_keys_and_periods_are_counted_apart():
    assert retry_after("a", limit=1, period=60) is None
    assert retry_after("b", limit=1, period=60) is None
    assert retry_after("a", limit=1, period=3600) is None
    assert retry_after("a", limit=1, period=60) is not None
