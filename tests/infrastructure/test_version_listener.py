"""The version listener keeps this process's data versions as the database has them: after every
committed change, never before, and never while its connection is down.

The listener's own tests run against a throwaway PostgreSQL (tests/services.py), whatever database
the suite runs on; the page test runs on the suite's database.
"""

import contextlib
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from infrastructure import version_listener
from infrastructure.version_listener import APPLICATION_NAME, Rows, _Listener
from tests.conftest import token_client
from tests.factories import CriterionFactory, FrameworkFactory, SourceFactory, UserFactory
from tests.services import manage, production_environment, wait_until

CHANGE_A_CRITERION = (
    "UPDATE criteria_criterion SET name = name || '.' WHERE id = (SELECT min(id) FROM criteria_criterion)"
)
SECOND = 1.0


@pytest.fixture(scope="module")
def database(postgres, redis_server, tmp_path_factory):
    """The throwaway cluster, migrated and seeded: the version table and its triggers in place."""
    env = production_environment(postgres.url, redis_server.url, tmp_path_factory.mktemp("static"))
    manage(env, "migrate", "--no-input")
    manage(env, "seed")
    return {"host": "127.0.0.1", "port": postgres.port, "user": "postgres", "dbname": "compare_site"}


@pytest.fixture
def editor_connection(database):
    with psycopg.connect(**database, autocommit=True) as editing:
        yield editing


def version_rows(editing: psycopg.Connection) -> tuple:
    return tuple(editing.execute(version_listener._READ_SQL).fetchall())


@contextlib.contextmanager
def listening(database, retry_seconds: float = 0.1) -> Iterator[_Listener]:
    listener = _Listener({**database, "application_name": APPLICATION_NAME}, retry_seconds)
    listener.thread.start()
    try:
        wait_until(lambda: listener.current() is not None, 5, "the listener has read the versions")
        yield listener
    finally:
        listener.stop()


def read_again(listener: _Listener) -> Rows:
    """Ask the listener to read the table again, as after a write; what it then knows."""
    listener.forget()
    assert listener.current() is None  # meanwhile, readers ask the database
    wait_until(lambda: listener.current() is not None, SECOND, "the listener has read again")
    return listener.current()


def drop_listening_connections(editing: psycopg.Connection) -> int:
    query = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s"
    dropped = editing.execute(query, [APPLICATION_NAME]).fetchall()
    return len(dropped)


@pytest.mark.services
def test_the_listener_keeps_what_the_database_has_and_follows_each_commit(database, editor_connection):
    with listening(database) as listener:
        assert listener.current() == version_rows(editor_connection)
        editor_connection.execute(CHANGE_A_CRITERION)
        changed = version_rows(editor_connection)
        wait_until(lambda: listener.current() == changed, SECOND, "the change reaches the listener")


@pytest.mark.services
def test_a_change_is_not_known_before_it_commits_and_never_if_it_rolls_back(database, editor_connection):
    with listening(database) as listener:
        before = listener.current()
        with pytest.raises(RuntimeError), editor_connection.transaction():
            editor_connection.execute(CHANGE_A_CRITERION)
            # A heartbeat or wake-up now reads the table again: what is committed, unchanged.
            assert read_again(listener) == before
            raise RuntimeError("roll the change back")
        assert read_again(listener) == before == version_rows(editor_connection)


@pytest.mark.services
def test_after_forgetting_readers_ask_the_database_until_the_listener_reads(database, editor_connection):
    with listening(database) as listener:
        editor_connection.execute(CHANGE_A_CRITERION)
        assert read_again(listener) == version_rows(editor_connection)


@pytest.mark.services
def test_a_dropped_connection_sends_readers_to_the_database_and_a_change_meanwhile_is_not_missed(
    database, editor_connection
):
    # Retrying only after a minute: the listener stays down for the whole first half of the test.
    with listening(database, retry_seconds=60) as listener:
        assert drop_listening_connections(editor_connection) == 1
        wait_until(lambda: listener.current() is None, 5, "the listener notices its connection has gone")
        editor_connection.execute(CHANGE_A_CRITERION)
        assert listener.current() is None  # still down: readers go on asking the database
    # A listener that reconnects (this one at once) reads the table afresh: the change is there.
    with listening(database) as again:
        assert again.current() == version_rows(editor_connection)
        assert drop_listening_connections(editor_connection) == 1
        editor_connection.execute(CHANGE_A_CRITERION)
        changed = version_rows(editor_connection)
        wait_until(lambda: again.current() == changed, 5, "the listener reconnects and reads the change")


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_asks_the_database_nothing_on_postgresql(client, settings, seeded):
    """On PostgreSQL the versions come from the listener's memory: no query at all. SQLite reads
    them in-process: one query, and no network."""
    settings.VERSION_LISTENER = True
    try:
        client.get("/questionnaire/")
        if connection.vendor == "postgresql":
            wait_until(lambda: version_listener._listener.current() is not None, 5, "the listener has read")
        client.get("/questionnaire/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/questionnaire/").status_code == 200
        assert len(queries) == (0 if connection.vendor == "postgresql" else 1), queries.captured_queries
    finally:
        version_listener.stop()


@pytest.mark.django_db(transaction=True)
def test_after_a_request_writes_the_next_answers_are_of_the_new_data(settings, api):
    """A draft changes the claims table: the anonymous answers that follow, from this process,
    carry the new version, never the one kept in memory from before."""
    settings.VERSION_LISTENER = True
    # A superuser: the roles, made by a migration, are gone from a database flushed between tests.
    editor_api = token_client(UserFactory(is_superuser=True))
    framework, criterion, source = FrameworkFactory(), CriterionFactory(), SourceFactory()
    draft = {"framework": framework.slug, "criterion": criterion.slug, "source": source.id}
    try:
        api.get("/api/claims/")
        if connection.vendor == "postgresql":
            wait_until(lambda: version_listener._listener.rows is not None, 5, "the listener has read")
        for number in range(3):
            before = api.get("/api/claims/")["ETag"]
            payload = {**draft, "statement": f"Draft {number}.", "quote": "Verbatim.", "rating": 3}
            assert editor_api.post("/api/claims/", payload, format="json").status_code == 201
            assert api.get("/api/claims/")["ETag"] != before
    finally:
        version_listener.stop()
