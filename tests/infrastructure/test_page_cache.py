"""A cached page is rendered once for everyone: each visitor's CSRF token goes into the slot on the
way out, and no view can put a real token into the bytes that are kept."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.middleware.csrf import CsrfViewMiddleware, _does_token_match, get_token
from django.test import Client, RequestFactory
from django.urls import reverse

from infrastructure.page_cache import CSRF_SLOT, cached_page

pytestmark = pytest.mark.django_db

FORM_TEMPLATE = "form.html"


def token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def kept_pages(monkeypatch):
    """The pages the page cache writes to the shared cache: {key: bytes}."""
    kept = {}
    set_in_cache = cache.set

    def keep(key, value, *args, **kwargs):
        if key.startswith("page:"):
            kept[key] = value
        return set_in_cache(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", keep)
    return kept


def test_two_visitors_get_their_own_token_in_one_cached_form_and_the_cache_holds_the_slot(kept_pages):
    url = reverse("recommender:questionnaire")
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = []
    for visitor in visitors:
        visitor.get("/")  # no form, so no cookie yet
        response = visitor.get(url)
        assert response.status_code == 200
        pages.append(response.content.decode())
    assert len(kept_pages) == 1, "the second visitor is served the first visitor's render"
    (kept,) = kept_pages.values()
    assert CSRF_SLOT.encode() in kept and b"csrfmiddlewaretoken" in kept
    tokens = [token_in(html) for html in pages]
    assert tokens[0] != tokens[1] and CSRF_SLOT not in pages[0] + pages[1]
    for visitor, token in zip(visitors, tokens, strict=True):
        secret = visitor.cookies[django_settings.CSRF_COOKIE_NAME].value
        assert _does_token_match(token, secret)
        assert secret.encode() not in kept and token.encode() not in kept


@pytest.fixture
def form_template(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {FORM_TEMPLATE: '<form method="post">{% csrf_token %}{{ note }}</form>'},
                    )
                ]
            },
        }
    ]


def visitor_request(path="/form/"):
    """A GET from a visitor who has a CSRF cookie, as the middleware hands it to a view."""
    request = RequestFactory().get(path)
    request.COOKIES[django_settings.CSRF_COOKIE_NAME] = "a" * 32
    CsrfViewMiddleware(lambda request: None).process_request(request)
    return request


@pytest.mark.usefixtures("form_template")
def test_the_page_cache_renders_the_form_with_the_slot_and_hands_out_the_visitors_token(kept_pages):
    request = visitor_request()
    response = cached_page(request, "v1", FORM_TEMPLATE, lambda: {"note": "hello"})
    assert _does_token_match(token_in(response.content.decode()), "a" * 32)
    slot = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_SLOT}">'
    assert list(kept_pages.values()) == [f'<form method="post">{slot}hello</form>'.encode()]


@pytest.mark.usefixtures("form_template")
@pytest.mark.parametrize("query", ["", "x=1"], ids=["kept", "not kept"])
def test_a_view_that_reads_the_visitors_token_for_a_cached_page_is_refused(kept_pages, query):
    request = visitor_request(f"/form/?{query}")
    with pytest.raises(ImproperlyConfigured, match="CSRF token"):
        cached_page(request, "v1", FORM_TEMPLATE, lambda: {"note": get_token(request)})
    assert not kept_pages


@pytest.mark.usefixtures("form_template")
def test_a_view_that_copies_the_visitors_csrf_cookie_into_a_cached_page_is_refused(kept_pages):
    request = visitor_request()
    secret = request.COOKIES[django_settings.CSRF_COOKIE_NAME]
    with pytest.raises(ImproperlyConfigured, match="CSRF token"):
        cached_page(request, "v1", FORM_TEMPLATE, lambda: {"note": secret})
    assert not kept_pages


@pytest.mark.usefixtures("form_template")
def test_a_csrf_token_the_view_puts_in_its_context_is_overridden_by_the_slot(kept_pages):
    request = visitor_request()
    cached_page(request, "v1", FORM_TEMPLATE, lambda: {"csrf_token": "not-the-slot", "note": ""})
    (kept,) = kept_pages.values()
    assert CSRF_SLOT.encode() in kept and b"not-the-slot" not in kept
