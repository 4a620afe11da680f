"""/healthz says the process is alive; /readyz says whether the database and the cache answer."""

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from infrastructure.middleware import DatabaseUnavailable
from tests.compare_site.test_settings import load_settings

pytestmark = pytest.mark.django_db

# Printed by a separate process: the status and the body of /readyz, as JSON.
PROBE = (
    "(lambda r: __import__('json').dumps([r.status_code, r.json()]))"
    "(__import__('django.test', fromlist=['Client']).Client().get('/readyz'))"
)


def test_healthz_answers_without_touching_any_service(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert "no-cache" in response["Cache-Control"] and not response.cookies


def test_readyz_is_ready_when_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"database": "ok", "cache": "ok"}


@pytest.mark.parametrize(
    ("variable", "url", "down"),
    [
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:9/nothing?connect_timeout=2", "database"),
        ("REDIS_URL", "redis://127.0.0.1:9/0", "cache"),
    ],
)
def test_readyz_answers_503_naming_the_service_that_is_down_and_logs_the_detail(variable, url, down):
    # A separate process, so that the broken setting cannot touch this test run's connections.
    result = load_settings(PROBE, SECRET_KEY="k", ALLOWED_HOSTS="testserver", **{variable: url})
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout)
    # The public answer names the service, nothing more: no host, port, database or driver message.
    assert status == 503 and body == {**{"database": "ok", "cache": "ok"}, down: "unavailable"}
    assert f"readiness: {down} unreachable" in result.stderr and "127.0.0.1" in result.stderr


def test_a_query_error_on_a_database_that_answers_stays_an_error():
    # A 503 "database not answering" would hide a missing table or a deadlock behind a retry page.
    unavailable = DatabaseUnavailable(lambda request: None)
    error = OperationalError("no such table: frameworks_claim")
    assert unavailable.process_exception(RequestFactory().get("/questionnaire/"), error) is None
