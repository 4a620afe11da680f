"""Editors store a source's text in the admin, and see at once whether a claim's quote is in it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from frameworks.models import MAX_SOURCE_TEXT_BYTES, Claim, SourceText
from tests.factories import ClaimFactory, SourceFactory, SourceTextFactory
from tests.frameworks.test_admin import CLAIMS, NO_INLINE_CLAIMS, change_url, claim_form, messages_of

pytestmark = pytest.mark.django_db

ADD_TEXT = reverse("admin:frameworks_sourcetext_add")
TEXT = "Flask is a lightweight WSGI web application framework. It is designed to make getting started quick."


def store(client, source, **fields):
    return client.post(ADD_TEXT, {"source": source.pk, "text": "", **fields}, follow=True)


def form_errors(response) -> str:
    return " ".join(str(error) for error in response.context["adminform"].form.errors.values())


def test_a_pasted_text_is_stored_and_the_claims_quotes_located_in_it(editor_client):
    source = SourceFactory()
    claim = ClaimFactory(source=source, quote="designed to make getting started quick")
    answer = store(editor_client, source, text=TEXT)
    stored = SourceText.objects.get(source=source)
    assert (stored.origin, len(stored.sha256)) == ("pasted", 64)
    assert "1 of the source's 1 claims' quotes are found in it" in " ".join(messages_of(answer))
    claim.refresh_from_db()
    assert claim.quote_prefix == "WSGI web application framework. It is "


def test_an_uploaded_utf8_file_is_stored_with_its_name(editor_client):
    source = SourceFactory()
    store(editor_client, source, upload=SimpleUploadedFile("page.md", "Les \u00e9l\u00e8ves.".encode()))
    stored = SourceText.objects.get(source=source)
    assert (stored.text, stored.origin) == ("Les \u00e9l\u00e8ves.", "uploaded file page.md")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("page.txt", "caf\u00e9".encode("latin-1")), "page.txt is not UTF-8 text"),
        (SimpleUploadedFile("big.txt", b"a" * (MAX_SOURCE_TEXT_BYTES + 1)), "may be at most 2.0\xa0MB"),
    ],
    ids=["not-utf8", "too-large"],
)
def test_a_bad_upload_is_refused_with_a_clear_message_and_nothing_stored(editor_client, upload, message):
    answer = store(editor_client, SourceFactory(), upload=upload)
    assert message in form_errors(answer)
    assert not SourceText.objects.exists()


def test_a_form_with_neither_file_nor_text_asks_for_one(editor_client):
    answer = store(editor_client, SourceFactory())
    assert "Upload a text file or paste the text." in form_errors(answer)


def test_a_text_without_a_published_quote_is_refused_and_the_old_one_kept(editor_client):
    stored = SourceTextFactory(text=TEXT)
    ClaimFactory(source=stored.source, quote="a lightweight WSGI web application framework")
    answer = editor_client.post(
        reverse("admin:frameworks_sourcetext_change", args=[stored.pk]),
        {"text": "The page now says something else."},
        follow=True,
    )
    assert "does not hold the quotes of 1 published claim(s)" in form_errors(answer)
    stored.refresh_from_db()
    assert stored.text == TEXT


def test_the_claim_form_says_at_once_whether_the_quote_was_found(editor_client):
    source = SourceTextFactory(text=TEXT).source
    claim = ClaimFactory(source=source, status=Claim.Status.DRAFT, quote="getting started quick")
    assert (
        "Found in the source's text: …framework. It is designed to make "
        "<strong>getting started quick</strong>.…" in (editor_client.get(change_url(claim)).content.decode())
    )

    answer = editor_client.post(
        change_url(claim), {**claim_form(claim, quote="q"), **NO_INLINE_CLAIMS}, follow=True
    )
    said = " ".join(messages_of(answer))
    assert "Saved, but it cannot be published yet. The quote is not in the source's stored text" in said
    claim.refresh_from_db()
    assert (claim.quote, claim.quote_exact) == ("q", "")


def test_the_source_page_links_to_storing_its_text(editor_client):
    source = SourceFactory()
    page = editor_client.get(reverse("admin:frameworks_source_change", args=[source.pk])).content.decode()
    assert f'href="{ADD_TEXT}?source={source.pk}"' in page


def test_the_claim_list_filters_by_whether_the_quote_was_found(editor_client):
    source = SourceTextFactory(text=TEXT).source
    found = ClaimFactory(source=source, status=Claim.Status.DRAFT, quote="getting started quick")
    missing = ClaimFactory(source=source, status=Claim.Status.DRAFT, quote="q", quote_unchecked_reason="")
    unchecked = ClaimFactory(status=Claim.Status.DRAFT)
    listed = {
        check: {claim.pk for claim in editor_client.get(f"{CLAIMS}?quote={check}").context["cl"].result_list}
        for check in ("found", "missing", "unchecked")
    }
    assert listed == {"found": {found.pk}, "missing": {missing.pk}, "unchecked": {unchecked.pk}}
