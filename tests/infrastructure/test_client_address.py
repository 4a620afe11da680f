"""Behind TRUSTED_PROXY_COUNT proxies the client is the address the outermost trusted proxy saw;
what a client writes into X-Forwarded-For itself cannot dodge a throttle or a rate limit."""

import pytest
from django.test import RequestFactory

from frameworks.models import Claim
from infrastructure.api_support import AnonymousPostThrottle
from infrastructure.client_address import client_address

RECOMMEND = "/api/recommendations/"


def address(forwarded: str | None, remote: str = "10.0.0.2") -> str:
    extra = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    return client_address(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.2"),  # no proxy: the header is anybody's
        (1, None, "10.0.0.2"),  # through no proxy after all
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),  # a forged entry stays on the left
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies: the leftmost
        (1, " , 203.0.113.5 ,", "203.0.113.5"),  # blanks are not addresses
        (1, "<script>, unknown", "10.0.0.2"),  # nor is text: the nearest proxy's address instead
        (1, "2001:DB8::1", "2001:db8::1"),  # canonical, as the lockout records store it
    ],
)
def test_the_client_is_the_entry_the_outermost_trusted_proxy_wrote(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert address(forwarded) == expected


def test_a_missing_remote_address_is_still_an_address(settings):
    assert address(None, remote="") == "0.0.0.0"


def forged_posts(api, count: int) -> list[int]:
    """Posts that each claim a new origin in front of the one the proxy saw."""
    return [
        api.post(
            RECOMMEND,
            {},
            format="json",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",
        ).status_code
        for n in range(count)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [0, 1])
def test_a_forged_forwarded_for_cannot_dodge_the_post_throttle(api, settings, monkeypatch, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    monkeypatch.setattr(AnonymousPostThrottle, "rate", "2/minute", raising=False)
    assert forged_posts(api, 3) == [201, 201, 429]


@pytest.mark.django_db
def test_behind_a_proxy_different_clients_are_throttled_apart(api, settings, monkeypatch):
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(AnonymousPostThrottle, "rate", "1/minute", raising=False)
    statuses = [
        api.post(
            RECOMMEND, {}, format="json", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client
        ).status_code
        for client in ["203.0.113.5", "203.0.113.6", "203.0.113.5"]
    ]
    assert statuses == [201, 201, 429]


@pytest.mark.usefixtures("seeded")
def test_a_forged_forwarded_for_cannot_dodge_the_problem_report_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    claim = Claim.objects.published().first()
    codes = [
        client.post(
            f"/claims/{claim.pk}/report/",
            {"message": "Wrong."},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",
        ).status_code
        for n in range(6)
    ]
    assert codes == [302] * 5 + [429]
