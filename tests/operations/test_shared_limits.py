"""Without Redis, a rate limit still holds across every worker of every app server: the counters
live in the database, not in each process's local-memory cache."""

import time

import pytest

from tests.services import Site, prepare_database, production_environment

pytestmark = pytest.mark.services

LIMIT = 10


@pytest.fixture(scope="module")
def sites_without_redis(postgres, tmp_path_factory):
    env = production_environment(postgres.url, "", tmp_path_factory.mktemp("static"))
    env["API_ANONYMOUS_POST_RATE"] = f"{LIMIT}/minute"
    prepare_database(env)
    logs = tmp_path_factory.mktemp("gunicorn")
    with (
        Site(env, logs / "first.log", workers=3) as first,
        Site(env, logs / "second.log", workers=3) as second,
    ):
        yield first, second


def test_six_workers_on_two_servers_let_the_limit_through_once(sites_without_redis):
    first, second = sites_without_redis
    if time.time() % 60 > 45:  # the window is a minute of the clock: start in a fresh one
        time.sleep(61 - time.time() % 60)
    answers = [
        site.request("POST", "/api/recommendations/", {}) for _ in range(20) for site in (first, second)
    ]
    statuses = [answer.status for answer in answers]
    assert statuses.count(201) == LIMIT and statuses.count(429) == len(statuses) - LIMIT, statuses
    assert all(int(answer.headers["Retry-After"]) > 0 for answer in answers if answer.status == 429)
