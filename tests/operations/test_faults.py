"""The site under gunicorn survives its services failing, and recovers by itself when they return.

One throwaway PostgreSQL and Redis for the module (conftest.py, tests/services.py); each test that
stops one starts it again.
"""

import itertools
import threading
import time
from collections import Counter

import psycopg
import pytest

from infrastructure.version_listener import APPLICATION_NAME
from tests.services import Postgres, Redis, Site, prepare_database, production_environment, wait_until

pytestmark = pytest.mark.services

ANSWERS = {"answers": {"experience": "experienced", "project": "content-site", "admin": "yes"}}
CLAIMS = "/api/claims/?framework=django"
QUESTION = "How much web development have you done?"  # the first question of the seed data
WORKERS = 2


@pytest.fixture(scope="module")
def env(postgres, redis_server, tmp_path_factory):
    env = production_environment(postgres.url, redis_server.url, tmp_path_factory.mktemp("static"))
    prepare_database(env)
    return env


@pytest.fixture(scope="module")
def site(env, tmp_path_factory):
    with Site(env, tmp_path_factory.mktemp("gunicorn") / "stderr.log", workers=WORKERS) as server:
        yield server


@pytest.fixture(scope="module")
def expected(site):
    """What the pages say with every service up: the answers to compare with during a fault."""
    claims, verdict = site.get(CLAIMS), site.request("POST", "/api/recommendations/", ANSWERS)
    assert claims.status == 200 and verdict.status == 201
    return {"claims": claims.json(), "verdict": verdict.json()}


def assert_pages_are_right(site: Site, expected: dict) -> None:
    """The pages answer 200 with the right content: the same as with every service up."""
    questionnaire = site.get("/questionnaire/")
    assert questionnaire.status == 200 and QUESTION in questionnaire.text
    claims = site.get(CLAIMS)
    assert claims.status == 200 and claims.json() == expected["claims"]
    verdict = site.request("POST", "/api/recommendations/", ANSWERS)
    assert verdict.status == 201 and verdict.json() == expected["verdict"]
    page = site.get(f"/verdict/{expected['verdict']['id']}/")
    assert page.status == 200 and "Django" in page.text


def cache_holds_pages(redis_server: Redis) -> bool:
    return bool(redis_server.client.keys("*page:*"))


def cache_holds_api_answers(redis_server: Redis) -> bool:
    return bool(redis_server.client.keys("*api-response:*"))


_spellings = itertools.count(1)


def fresh_claims(site: Site):
    """The claims under a spelling no worker has answered yet (page_size=020, 0020, ...), so that
    the answer is looked for in Redis: answers hot in a worker's memory never ask it. The same
    answer as CLAIMS but for its links, which repeat the query string."""
    return site.get(f"{CLAIMS}&page_size={'0' * next(_spellings)}20")


def same_claims(answer: dict, expected: dict) -> bool:
    return {key: answer[key] for key in ("count", "results")} == {
        key: expected[key] for key in ("count", "results")
    }


class Traffic:
    """Requests in a loop on a thread of their own while the block runs; the statuses they got.

    Bounded: it stops at the end of the block, or after `seconds` or `most` requests.
    """

    def __init__(self, site: Site, seconds: float = 60, most: int = 5000):
        self.statuses: Counter[int] = Counter()
        self._site, self._deadline, self._most = site, time.monotonic() + seconds, most
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        requests = [
            ("GET", "/questionnaire/", None),
            ("GET", CLAIMS, None),
            ("POST", "/api/recommendations/", ANSWERS),
        ]
        for count in range(self._most):
            if self._stop.is_set() or time.monotonic() > self._deadline:
                return
            method, path, data = requests[count % len(requests)]
            try:
                self.statuses[self._site.request(method, path, data).status] += 1
            except OSError:  # the server closed or refused the connection: counted as status 0
                self.statuses[0] += 1
            time.sleep(0.01)

    def __enter__(self) -> "Traffic":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def test_while_postgresql_restarts_pages_answer_503_and_recover_by_themselves(site, postgres, expected):
    assert_pages_are_right(site, expected)
    log_before = len(site.log())
    with Traffic(site) as traffic:
        with postgres.down():
            # Twice each, so that both workers, whose kept connections have just died, answer.
            for _ in range(WORKERS):
                page = site.get("/questionnaire/")
                assert page.status == 503 and "Back in a moment" in page.text
                assert page.headers["Retry-After"].isdigit() and "Traceback" not in page.text
                for answer in (site.get(CLAIMS), site.request("POST", "/api/recommendations/", ANSWERS)):
                    assert answer.status == 503 and answer.headers["Retry-After"].isdigit()
                    assert "database" in answer.json()["detail"]
                ready = site.get("/readyz")
                # Which service is down, nothing more; the driver's message is in the log only.
                assert ready.status == 503 and ready.json() == {"database": "unavailable", "cache": "ok"}
                assert "readiness: database unreachable" in site.log()
                # Pages that need no database are still served.
                assert site.get("/").status == 200 and site.get("/healthz").status == 200
            # The outage lasts until the traffic has met it too: on a loaded machine one slow answer
            # can hold the traffic's thread through all the checks above.
            wait_until(lambda: traffic.statuses[503] > 0, 30, "the traffic meets the outage")
        recovered_in = wait_until(
            lambda: all(site.get(path).status == 200 for path in ("/questionnaire/", CLAIMS, "/readyz") * 2),
            10,
            "the site answers 200 again after PostgreSQL started",
        )
        for _ in range(3):
            assert_pages_are_right(site, expected)
    # Under traffic the whole time: every answer was a page or a 503, never a 500 or a dropped connection.
    assert set(traffic.statuses) <= {200, 201, 503} and traffic.statuses[503] > 0, traffic.statuses
    log = site.log()[log_before:]
    assert "database unavailable for GET /questionnaire/" in log and "Internal Server Error" not in log
    assert recovered_in < 5


def test_a_postgresql_restart_between_requests_goes_unnoticed(site, postgres, expected):
    for _ in range(WORKERS):
        assert_pages_are_right(site, expected)  # each worker now keeps a connection
    with postgres.down():
        pass
    # The kept connections are dead; each is checked before its first use and replaced.
    for _ in range(WORKERS):
        assert_pages_are_right(site, expected)


def test_without_redis_the_site_serves_from_the_database_and_uses_redis_again_when_it_returns(
    site, redis_server, expected
):
    assert_pages_are_right(site, expected)
    assert cache_holds_pages(redis_server)
    log_before = len(site.log())
    with redis_server.down():
        for _ in range(5):
            assert_pages_are_right(site, expected)
        ready = site.get("/readyz")
        assert ready.status == 503 and ready.json() == {"database": "ok", "cache": "unavailable"}
        assert "readiness: cache unreachable" in site.log()[log_before:]
        log = site.log()[log_before:]
        # Logged once per outage by each worker, not once per call (there were dozens).
        assert 1 <= log.count("is unreachable (ConnectionError") <= WORKERS, log
    # A new, empty Redis on the same port. With no restart of the app, a worker that saw the outage
    # tries Redis again once its pause is over, says so, and new answers fill the cache again (hot
    # pages are served from each worker's memory meanwhile).
    wait_until(
        lambda: (
            site.get("/questionnaire/").status == 200
            and fresh_claims(site).status == 200
            and cache_holds_api_answers(redis_server)
            and "answers again; the cache is back in use" in site.log()[log_before:]
        ),
        15,
        "answers are cached in Redis again",
    )
    assert site.get("/readyz").status == 200
    assert_pages_are_right(site, expected)


def test_a_hung_redis_costs_a_timeout_now_and_then_not_one_per_call(site, redis_server, expected):
    requests, log_before = 20, len(site.log())
    with redis_server.hung():
        start = time.monotonic()
        for _ in range(requests):
            claims = fresh_claims(site)
            assert claims.status == 200 and same_claims(claims.json(), expected["claims"])
        elapsed = time.monotonic() - start
        ready = site.get("/readyz")
        assert ready.status == 503 and ready.json()["cache"] == "unavailable"
    # Each request reads and writes the cache: waiting out the 0.5 s read timeout on every call
    # would take over 20 s; leaving Redis alone for a while after a failure costs about one per worker.
    assert elapsed < 5, f"{requests} requests took {elapsed:.1f} s"
    assert "is unreachable (TimeoutError" in site.log()[log_before:]
    redis_server.client.flushdb()  # what the paused Redis still had queued is not proof of use
    wait_until(
        lambda: fresh_claims(site).status == 200 and cache_holds_api_answers(redis_server),
        15,
        "answers are cached in Redis again",
    )


def edit_claim_in_the_database(postgres: Postgres, claim: int, statement: str) -> None:
    """As an editor's commit through another server would: the site learns of it only from PostgreSQL."""
    with psycopg.connect(postgres.url, autocommit=True) as editing:
        editing.execute("UPDATE frameworks_claim SET statement = %s WHERE id = %s", [statement, claim])


def shown_statements(site: Site) -> list[str]:
    answer = site.get(CLAIMS)
    assert answer.status == 200
    return [claim["statement"] for claim in answer.json()["results"]]


def drop_listening_connections(postgres: Postgres) -> int:
    with psycopg.connect(postgres.url, autocommit=True) as admin:
        query = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s"
        return len(admin.execute(query, [APPLICATION_NAME]).fetchall())


def test_a_change_committed_elsewhere_is_in_the_next_answer_and_while_the_listener_is_down(
    env, postgres, expected, tmp_path
):
    first = expected["claims"]["results"][0]
    # A listener that stays down once dropped: this server then reads the versions from the database.
    slow_env = {**env, "VERSION_LISTENER_RETRY_SECONDS": "3600"}
    with Site(slow_env, tmp_path / "stderr.log", workers=WORKERS) as server:
        try:
            for _ in range(WORKERS * 3):  # each worker listens once it has served a page
                assert shown_statements(server)[0] == first["statement"]
            # Told by PostgreSQL's NOTIFY, within milliseconds (tests/operations/test_scale_out.py has
            # an edit through a server reach the other in the very next answer).
            edit_claim_in_the_database(postgres, first["id"], "Edited while the listener listens.")
            wait_until(
                lambda: shown_statements(server)[0] == "Edited while the listener listens.",
                1,
                "the change made in the database is shown",
            )

            assert drop_listening_connections(postgres) >= 1
            wait_until(
                lambda: "lost its connection" in server.log(), 5, "the listeners notice they were dropped"
            )
            edit_claim_in_the_database(postgres, first["id"], "Edited while the listener is down.")
            for _ in range(WORKERS * 3):
                assert shown_statements(server)[0] == "Edited while the listener is down."
        finally:
            edit_claim_in_the_database(postgres, first["id"], first["statement"])
