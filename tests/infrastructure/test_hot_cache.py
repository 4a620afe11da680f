"""Hot answers are kept in the process in front of the shared cache: a hit there costs no round trip,
and the process keeps no more bytes than its bound, least recently used out first."""

import re
import threading
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from infrastructure import hot_cache
from infrastructure.page_cache import cached_page
from tests.factories import ClaimFactory

SLOT_TEMPLATE = "note.html"


def without_csrf_tokens(html: bytes) -> bytes:
    """Each response masks the visitor's token afresh."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def shared_keys(prefix: str) -> list[str]:
    return [key for key in cache._cache if f":{prefix}:" in key]  # locmem's own store


@pytest.fixture
def note_template(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", {SLOT_TEMPLATE: "{{ note }}"})]
            },
        }
    ]


@pytest.fixture
def clock(monkeypatch):
    """The process layer's clock, moved by hand: clock.now += seconds."""
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(hot_cache, "time", SimpleNamespace(monotonic=lambda: clock.now))
    return clock


@pytest.mark.django_db
def test_a_hot_page_is_answered_from_the_process_when_the_shared_cache_has_forgotten_it(client):
    url = reverse("recommender:questionnaire")
    first = client.get(url)
    assert shared_keys("page") and first.status_code == 200
    cache.clear()
    again = client.get(url)
    assert again.status_code == 200 and without_csrf_tokens(again.content) == without_csrf_tokens(
        first.content
    )
    assert not shared_keys("page"), "a process hit neither renders nor writes the shared cache"


@pytest.mark.usefixtures("note_template")
def test_a_page_is_rendered_once_per_data_version():
    renders = []

    def build():
        renders.append(1)
        return {"note": f"render {len(renders)}"}

    def show(version):
        return cached_page(RequestFactory().get("/note/"), version, SLOT_TEMPLATE, build).content

    assert show("v1") == show("v1") == b"render 1"
    cache.clear()
    assert show("v1") == b"render 1"
    assert show("v2") == b"render 2", "a new data version renders afresh"


@pytest.mark.usefixtures("seeded")
def test_a_hot_api_answer_costs_only_the_version_lookup(api, django_assert_num_queries):
    url = "/api/claims/?framework=django"
    first = api.get(url)
    cache.clear()
    with django_assert_num_queries(1):
        again = api.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    ClaimFactory()  # a new version: a new ETag, an answer built afresh
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    assert len(queries) > 1 and len(hot_cache.kept_in_process()) == 2


@pytest.mark.usefixtures("seeded")
def test_a_repeated_post_finds_its_verdict_and_its_document_in_the_process(api):
    first = api.post("/api/recommendations/", {"answers": {}}, format="json")
    cache.clear()
    again = api.post("/api/recommendations/", {"answers": {}}, format="json")
    assert again.json() == first.json()
    kinds = {key.split(":")[0] for key in hot_cache.kept_in_process()}
    assert {"verdict-id-by-fingerprint", "recommendation-json"} <= kinds
    assert not shared_keys("verdict-id-by-fingerprint") and not shared_keys("recommendation-json")


def test_the_byte_bound_pushes_out_the_least_recently_used_and_is_never_exceeded(settings):
    settings.HOT_CACHE_BYTES = 1600  # entries up to 100 bytes are kept
    sizes = []
    for n in range(40):
        hot_cache.keep(f"answer:{n:02}", b"x" * 80, 60)
        hot_cache.read("answer:00", 60)  # kept hot throughout
        sizes.append(hot_cache.bytes_in_process())
    kept = hot_cache.kept_in_process()
    assert max(sizes) <= 1600 and len(kept) == 1600 // 89
    assert "answer:00" in kept
    newest = [f"answer:{n:02}" for n in range(40 - len(kept) + 1, 40)]
    assert sorted(kept) == ["answer:00", *newest]
    assert shared_keys("answer"), "the shared cache keeps them all the same"


def test_an_entry_expires_in_the_process_with_its_timeout(clock):
    hot_cache.keep("answer:soon", b"brief", 30)
    cache.clear()
    clock.now += 29
    assert hot_cache.read("answer:soon", 30) == b"brief"
    clock.now += 1
    assert hot_cache.read("answer:soon", 30) is None
    assert hot_cache.kept_in_process() == [] and hot_cache.bytes_in_process() == 0


def test_an_answer_larger_than_its_share_of_the_bound_stays_in_the_shared_cache_only(settings):
    settings.HOT_CACHE_BYTES = 16_000
    hot_cache.keep("answer:big", b"x" * 1000, 60)
    hot_cache.keep("answer:small", (b"x" * 900, "application/json"), 60)
    assert hot_cache.kept_in_process() == ["answer:small"]
    assert hot_cache.read("answer:big", 60) == b"x" * 1000  # from the shared cache


def test_with_no_bytes_allowed_nothing_is_kept_in_process(settings):
    settings.HOT_CACHE_BYTES = 0
    builds = []
    for _ in range(2):
        assert hot_cache.get_or_build("answer:one", lambda: builds.append(1) or b"built", 60) == b"built"
    assert hot_cache.kept_in_process() == [] and len(builds) == 1, "the shared cache still serves"
    cache.clear()
    hot_cache.get_or_build("answer:one", lambda: builds.append(1) or b"built", 60)
    assert len(builds) == 2


def test_only_bytes_and_text_are_kept():
    with pytest.raises(TypeError, match="only bytes and text"):
        hot_cache.keep("answer:object", {"a": 1}, 60)
    assert not shared_keys("answer")


def test_threads_hammering_the_process_layer_keep_it_whole(settings):
    settings.HOT_CACHE_BYTES = 16 * 400
    errors, sizes = [], []

    def hammer(thread: int) -> None:
        try:
            for n in range(400):
                key = f"answer:{(thread * 7 + n) % 60}"
                answer = hot_cache.get_or_build(key, lambda key=key: key.encode() * 10, 60)
                assert answer == key.encode() * 10
                sizes.append(hot_cache.bytes_in_process())
        except Exception as error:  # reported below: an assert in a thread would pass silently
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert max(sizes) <= settings.HOT_CACHE_BYTES
    kept = hot_cache.kept_in_process()
    assert len(kept) == len(set(kept))
    assert hot_cache.bytes_in_process() == sum(len(key) + len(key) * 10 for key in kept)
