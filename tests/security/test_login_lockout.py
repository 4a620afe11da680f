"""Admin logins resist guessing: lockouts per account and per address, which end by themselves and
are checked before any password is hashed; behind proxies a forged X-Forwarded-For changes nothing."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as project_settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"
LIMIT = project_settings.AXES_FAILURE_LIMIT


class CountingHasher(MD5PasswordHasher):
    """Counts every hash computed, so a test can see whether a login attempt reached one."""

    algorithm = "counting_md5"
    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def counted_hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.security.test_login_lockout.CountingHasher"]
    CountingHasher.computed = 0


@pytest.fixture
def editor(db):
    return UserFactory(username="edith", role="Editor")


def log_in(client, username, password="wrong", address="198.51.100.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra)


def fail_until_locked(client, username, **where):
    answers = [log_in(client, username, **where).status_code for _ in range(LIMIT)]
    assert answers == [200] * (LIMIT - 1) + [429]  # the form again with its error, then the lockout


def test_an_account_locks_after_a_few_failures_from_any_addresses_and_says_so(client, editor):
    for attempt in range(LIMIT):
        log_in(client, "edith", address=f"203.0.113.{attempt}")
    refused = log_in(client, "edith", PASSWORD, address="192.0.2.99")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many failed logins" in page and "0:15:00" in page and "“edith”" in page
    assert "_auth_user_id" not in client.session


def test_an_address_locks_after_a_few_failures_whatever_the_usernames(client, editor):
    for attempt in range(LIMIT):
        log_in(client, f"guess{attempt}")
    assert log_in(client, "edith", PASSWORD).status_code == 429
    assert log_in(client, "edith", PASSWORD, address="192.0.2.1").status_code == 302  # elsewhere: fine


def test_a_locked_out_attempt_costs_no_password_hash(client, editor):
    fail_until_locked(client, "edith")
    hashed = CountingHasher.computed
    assert hashed >= LIMIT  # each failure before the lockout did cost one
    for _ in range(20):
        assert log_in(client, "edith", PASSWORD).status_code == 429
        assert log_in(client, "nobody").status_code == 429
    assert CountingHasher.computed == hashed


def test_the_lockout_ends_after_the_cool_off_even_if_the_attacker_keeps_trying(client, editor):
    fail_until_locked(client, "edith", address="203.0.113.66")
    locked_at = AccessAttempt.objects.get(username="edith").attempt_time
    for _ in range(10):  # still hammering while locked
        assert log_in(client, "edith", address="203.0.113.66").status_code == 429
    assert AccessAttempt.objects.get(username="edith").attempt_time == locked_at  # not extended
    cool_off = project_settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=locked_at - cool_off - timedelta(seconds=1))  # time passes

    assert log_in(client, "edith", PASSWORD, address="192.0.2.10").status_code == 302
    assert int(client.session["_auth_user_id"]) == editor.pk


def test_behind_a_proxy_a_forged_forwarded_for_cannot_dodge_the_lockout(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for attempt in range(LIMIT):  # each guess claims another origin, in front of the real one
        log_in(client, f"guess{attempt}", address=proxy, forwarded=f"192.0.2.{attempt}, 203.0.113.5")
    locked = log_in(client, "edith", PASSWORD, address=proxy, forwarded="192.0.2.200, 203.0.113.5")
    assert locked.status_code == 429
    # A different visitor behind the same proxy is not locked out with them.
    assert log_in(client, "edith", PASSWORD, address=proxy, forwarded="198.51.100.20").status_code == 302


def test_logging_in_to_an_account_of_ones_own_does_not_reset_the_count(client, editor):
    UserFactory(username="mallory", role="Editor")
    answers = []
    for _ in range(3):  # a few guesses at edith's password, then a login as oneself, again and again
        answers += [log_in(client, "edith").status_code for _ in range(LIMIT - 1)]
        client.logout()
        answers.append(log_in(Client(), "mallory", PASSWORD).status_code)
    assert 429 in answers
    assert log_in(client, "edith", PASSWORD).status_code == 429
