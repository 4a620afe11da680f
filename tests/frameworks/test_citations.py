"""Citations a visitor can follow: to the source's page and its original, dated as far as known,
naming the extension a document is about; and every listed framework backed by claims."""

import datetime
import html

import pytest
from django.urls import reverse

from frameworks.models import Claim, Framework, Source

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    return html.unescape(client.get(url).content.decode())


def test_an_undated_page_is_dated_by_its_last_revision_labelled_as_such():
    source = Source(published_on=None, revised_on=datetime.date(2026, 11, 21), published_precision="day")
    assert source.date_display == "revised 21 November 2026"
    source.published_on = datetime.date(2019, 5, 3)
    assert source.date_display == "3 May 2019"
    assert Source(published_on=None, revised_on=None, published_note="").date_display == "undated"


def test_a_citation_links_to_the_source_page_and_the_original_with_its_date(client, seeded):
    source = Source.objects.filter(
        speaks_for__slug="flask", revised_on__isnull=False, published_on__isnull=True, claims__isnull=False
    ).first()
    text = page(client, reverse("frameworks:framework", args=["flask"]))
    assert f'href="{reverse("frameworks:source", args=[source.pk])}"' in text
    assert f'href="{source.url}"' in text
    assert f"{source.publisher}, revised {source.revised_on.day} {source.revised_on:%B %Y}" in text
    assert "provided by the Flask-SQLAlchemy extension" in text


def test_a_source_without_a_public_address_says_so(client, seeded):
    source = Source.objects.get(slug="skillcrush-flask-vs-django")
    assert source.url == ""
    claim = source.claims.published().first()
    assert "(no public address known)" in page(client, reverse("frameworks:claim", args=[claim.pk]))
    assert "no public address known" in page(client, reverse("frameworks:source", args=[source.pk]))


def test_every_framework_the_site_lists_has_claims_from_its_own_documents(seeded):
    for framework in Framework.objects.all():
        claims = Claim.objects.published().filter(framework=framework)
        assert claims.count() >= 3, framework.slug
        assert claims.filter(source__speaks_for=framework).exists(), framework.slug


def test_cells_whose_only_witness_is_the_frameworks_own_documentation_say_so(client, api, seeded):
    cells = api.get("/api/matrix/?frameworks=fastapi,django").json()["cells"]
    fastapi = [cell for cell in cells if cell["framework"] == "fastapi" and not cell["empty"]]
    assert fastapi and all(cell["only_own_word"] for cell in fastapi)
    assert not all(cell["only_own_word"] for cell in cells if cell["framework"] == "django")
    csv_rows = client.get("/compare/?frameworks=fastapi,django&format=csv").content.decode().splitlines()
    assert any("only_own_word" in row for row in csv_rows[1:])
