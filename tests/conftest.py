import io
import os
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from infrastructure import rate_limit
from infrastructure.versioned_cache import forget_in_process
from tests import services
from tests.factories import UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped: a skip there means a missing service, so it fails the run."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which must run everything: {report.longrepr}"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Production settings serve hashed static files from a manifest that only collectstatic writes.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# Half a minute into a minute and half an hour into an hour (1,800,000,000 is a whole hour).
MID_WINDOW = 1_800_001_830.0


@pytest.fixture(autouse=True)
def _rate_limit_windows_hold_still(monkeypatch):
    # Rate limits count per fixed window of the clock: a test running across a window's end would
    # see its counts start afresh half-way. Only the rate limiter's clock stands still.
    monkeypatch.setattr(rate_limit, "time", SimpleNamespace(time=lambda: MID_WINDOW))


@pytest.fixture(autouse=True)
def _empty_cache():
    # Throttle counters, evidence matrices and answers live in the cache and in this process (the
    # hot answers too: forget_in_process drops them); each test starts with none.
    cache.clear()
    forget_in_process()


@pytest.fixture
def api():
    return APIClient()


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def editor_api(editor):
    return token_client(editor)


@pytest.fixture
def reviewer_api(reviewer):
    return token_client(reviewer)


@pytest.fixture
def editor(db):
    return UserFactory(username="edith", role="Editor")


@pytest.fixture
def other_editor(db):
    return UserFactory(username="eddie", role="Editor")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", role="Reviewer")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def seeded(db):
    """The shipped dataset: evidence and questionnaire, as `make run` loads it."""
    call_command("seed", stdout=io.StringIO())


# The service tests' own PostgreSQL and Redis (tests/services.py), one of each per test module.
@pytest.fixture(scope="module")
def postgres():
    with services.Postgres() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def redis_server():
    with services.Redis() as server:
        yield server
