"""Quotes checked where they are written: located in the source's stored text when a claim is saved,
and published only when found there, or when the source cannot be stored and a reason says so."""

import pytest
from django.urls import reverse

from frameworks.models import Claim, WorkflowError
from frameworks.source_texts import relocate_quotes, store_text
from tests.factories import ClaimFactory, SourceFactory, SourceTextFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "Flask is a lightweight WSGI web application framework. It is designed to make getting "
    "started quick and easy, with the ability to scale up to complex applications."
)


def draft(source, quote: str, **fields) -> Claim:
    fields.setdefault("quote_unchecked_reason", "")
    return ClaimFactory(source=source, quote=quote, status=Claim.Status.IN_REVIEW, **fields)


def test_saving_a_claim_records_where_its_quote_is_with_a_few_words_either_side():
    source = SourceTextFactory(text=TEXT).source
    claim = draft(source, "designed to make getting\n   started quick and easy")
    claim.refresh_from_db()
    assert claim.quote_exact == "designed to make getting started quick and easy"
    assert claim.quote_prefix == "WSGI web application framework. It is "
    assert claim.quote_suffix == ", with the ability to scale up"


def test_a_quote_not_in_the_text_is_refused_for_publishing_with_the_nearest_passage():
    source = SourceTextFactory(text=TEXT).source
    claim = draft(source, "It is designed to make starting quick and easy")
    assert claim.quote_exact == ""
    with pytest.raises(WorkflowError, match="not in the source's stored text") as refused:
        claim.take_step("publish", UserFactory())
    assert "The nearest passage there: \u201cIt is designed to make getting started quick and" in str(
        refused.value
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW


def test_a_reason_does_not_excuse_a_quote_missing_from_a_stored_text():
    source = SourceTextFactory(text=TEXT).source
    claim = draft(source, "q", quote_unchecked_reason="It is a printed book.")
    with pytest.raises(WorkflowError, match="not in the source's stored text"):
        claim.take_step("publish", UserFactory())


def test_a_source_without_text_needs_a_reviewers_reason_which_the_claim_page_shows(client):
    claim = draft(SourceFactory(), "A passage of a printed book.")
    with pytest.raises(WorkflowError, match="holds no text to check the quote against"):
        claim.take_step("publish", UserFactory())

    claim.quote_unchecked_reason = "The source is a printed book; the quote was checked by hand."
    claim.save()
    claim.take_step("publish", UserFactory())
    page = client.get(reverse("frameworks:claim", args=[claim.pk])).content.decode()
    assert "not been checked against a stored copy of its source" in page
    assert "a printed book; the quote was checked by hand." in page


def test_the_claim_page_shows_the_quote_in_its_context(client):
    source = SourceTextFactory(text=TEXT).source
    claim = draft(source, "designed to make getting started quick and easy")
    claim.take_step("publish", UserFactory())
    page = client.get(reverse("frameworks:claim", args=[claim.pk])).content.decode()
    assert (
        "…WSGI web application framework. It is <strong>designed to make getting started quick and easy"
        "</strong>, with the ability to scale up…"
    ) in page
    assert "not been checked" not in page


def test_without_a_stored_text_a_recorded_location_is_kept_only_while_it_matches_the_quote():
    # The seed data carries locations for checkouts without the source documents.
    claim = draft(SourceFactory(), "started   quick and easy", quote_exact="started quick and easy")
    claim.refresh_from_db()
    assert claim.quote_exact == "started quick and easy"

    claim.quote = "started slowly"
    claim.save()
    claim.refresh_from_db()
    assert claim.quote_exact == ""


def test_storing_a_text_locates_the_quotes_of_the_claims_already_there():
    source = SourceFactory()
    found, missing = draft(source, "quick and easy"), draft(source, "slow and hard")
    store_text(source, TEXT, "pasted")
    found.refresh_from_db()
    missing.refresh_from_db()
    assert (found.quote_exact, missing.quote_exact) == ("quick and easy", "")
    assert relocate_quotes(source, TEXT) == 0, "a second pass moves nothing"


def test_a_text_that_lacks_a_published_quote_is_refused_and_the_stored_one_kept():
    source = SourceTextFactory(text=TEXT).source
    published = draft(source, "quick and easy")
    published.take_step("publish", UserFactory())
    with pytest.raises(Exception, match=rf"1 published claim\(s\) of this source \(claim {published.pk}"):
        store_text(source, "An unrelated page.", "pasted")
    assert source.stored_text.text == TEXT


def test_the_api_gives_the_location_and_never_the_stored_text(api):
    source = SourceTextFactory(text=TEXT).source
    claim = ClaimFactory(source=source, quote="quick and easy", quote_unchecked_reason="")
    data = api.get(f"/api/claims/{claim.pk}/").json()
    assert (data["quote_prefix"], data["quote_exact"]) == (
        "is designed to make getting started ",
        "quick and easy",
    )
    assert data["quote_suffix"] == ", with the ability to scale up"
    for url in (f"/api/claims/{claim.pk}/", f"/api/sources/{source.pk}/", "/api/sources/"):
        assert "lightweight WSGI" not in api.get(url).content.decode(), url


def test_the_api_refuses_to_publish_a_quote_not_in_the_text(reviewer_api):
    source = SourceTextFactory(text=TEXT).source
    claim = draft(source, "q", author=None)
    answer = reviewer_api.post(f"/api/claims/{claim.pk}/publish/")
    assert answer.status_code in (400, 409), answer.content
    assert "not in the source's stored text" in answer.content.decode()
