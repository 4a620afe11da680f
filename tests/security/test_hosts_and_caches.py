"""Hosts the site does not serve get a plain 400 (probes answer whatever the Host), and what is
cached is keyed by all it shows: the host it links to, and never a visitor's CSRF token."""

import logging
import re

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_example_org(settings):
    settings.ALLOWED_HOSTS = ["example.org"]


@pytest.mark.parametrize(
    "path", ["/", "/questionnaire/", "/compare/", "/api/claims/", "/admin/", "/nothing/"]
)
def test_a_host_the_site_does_not_serve_gets_400_without_a_traceback(only_example_org, path, caplog):
    client = Client(raise_request_exception=False, HTTP_HOST="10.0.0.5:8000")
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 400
    page = response.json()["detail"] if path.startswith("/api/") else response.content.decode()
    assert "malformed" in page or "This request could not be understood" in page
    refusals = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert refusals and all(r.exc_info is None and r.exc_text is None for r in refusals)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name != refusals[0].name]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_whatever_the_host(only_example_org, path):
    response = Client(raise_request_exception=False, HTTP_HOST="10.0.0.5:8000").get(path)
    assert response.status_code == 200


def test_api_answers_are_kept_apart_per_host(settings, api):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    ClaimFactory.create_batch(3)
    for _ in range(6):
        api.get("/api/claims/", {"page_size": 1}, HTTP_HOST="localhost:6666")
    links = api.get("/api/claims/", {"page_size": 1}).json()["next"]
    assert links.startswith("http://testserver/")


def csrf_in_page(page: str) -> str:
    return re.search(r'csrfmiddlewaretoken" value="([^"]+)"|"csrfToken": "([^"]+)"', page).group(0)


def test_the_browsable_api_is_never_served_from_the_cache(api):
    ClaimFactory()
    first = Client().get("/api/claims/", HTTP_ACCEPT="text/html")
    assert first.status_code == 200 and "text/html" in first["Content-Type"]
    assert not [key for key in cache._cache if "api-response" in key]  # locmem's own store
    second = Client().get("/api/claims/?format=api")
    assert csrf_in_page(first.content.decode()) != csrf_in_page(second.content.decode())
    assert api.get("/api/claims/").status_code == 200
    assert [key for key in cache._cache if "api-response" in key]  # JSON is still kept


def kept(prefix: str) -> list[str]:
    return [key for key in cache._cache if f":{prefix}:" in key]  # locmem's own store


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("url", "prefix"),
    [
        ("/compare/?frameworks=flask,django", "page"),
        ("/questionnaire/", "page"),
        ("/api/claims/?framework=django", "api-response"),
        ("/api/matrix/?frameworks=flask,django", "api-response"),
    ],
)
def test_query_parameters_a_page_does_not_read_keep_no_copies(client, url, prefix):
    client.get(url)
    assert len(kept(prefix)) == 1
    glue = "&" if "?" in url else "?"
    for n in range(20):
        assert client.get(f"{url}{glue}junk{n}={n}").status_code == 200
        assert client.get(f"{url}{glue}utm_source=x{n}").status_code == 200
    assert len(kept(prefix)) == 1


@pytest.mark.usefixtures("seeded")
def test_only_the_spellings_of_a_small_comparison_are_kept(client):
    for query in ["frameworks=flask,django", "frameworks=flask&frameworks=django", "", "sort=difference"]:
        client.get(f"/compare/?{query}")
    assert len(kept("page")) == 4
    for query in ["frameworks= flask,django", "frameworks=flask,django,fastapi,bottle", "sort=junk"]:
        assert client.get(f"/compare/?{query}").status_code in (200, 400)
    assert len(kept("page")) == 4
