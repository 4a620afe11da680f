import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from frameworks.models import Claim, EditConflict, WorkflowError
from tests.factories import ClaimFactory, CriterionFactory, FrameworkFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def raises_integrity_error(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize("rating", [0, 6, 7])
def test_rating_outside_1_to_5_is_refused_by_the_database(rating):
    raises_integrity_error(lambda: ClaimFactory(rating=rating))


@pytest.mark.parametrize("quote", ["", "   "])
def test_published_claim_without_quote_is_refused_by_the_database(quote):
    raises_integrity_error(lambda: ClaimFactory(status=Claim.Status.PUBLISHED, quote=quote))


@pytest.mark.parametrize("reason", ["", "   "])
def test_retired_claim_without_a_reason_is_refused_by_the_database(reason):
    raises_integrity_error(lambda: ClaimFactory(status=Claim.Status.RETIRED, retired_reason=reason))


def test_draft_claim_may_lack_a_quote():
    assert ClaimFactory(status=Claim.Status.DRAFT, quote="").pk


@pytest.mark.parametrize("url", ["ftp://example.org/x", "javascript:alert(1)", "example.org"])
def test_source_url_that_is_not_http_is_refused_by_the_database(url):
    raises_integrity_error(lambda: SourceFactory(url=url))


def test_source_url_may_be_blank():
    assert SourceFactory(url="").pk


def test_duplicate_slugs_are_refused_by_the_database():
    FrameworkFactory(slug="flask", name="Flask")
    raises_integrity_error(lambda: FrameworkFactory._meta.model.objects.create(slug="flask", name="Flask 2"))
    CriterionFactory(slug="orm")
    raises_integrity_error(
        lambda: CriterionFactory._meta.model.objects.create(slug="orm", name="Other", default_weight=1)
    )


def test_a_claim_reviewed_by_its_author_is_refused_by_the_database():
    author = UserFactory()
    raises_integrity_error(lambda: ClaimFactory(author=author, reviewer=author))


def test_evidence_cannot_be_deleted_from_under_its_claims():
    claim = ClaimFactory()
    for parent in (claim.framework, claim.criterion, claim.source):
        with pytest.raises(ProtectedError):
            parent.delete()


def test_model_validation_explains_bad_values():
    claim = ClaimFactory.build(
        framework=FrameworkFactory(), criterion=CriterionFactory(), source=SourceFactory(), rating=7
    )
    with pytest.raises(ValidationError) as error:
        claim.full_clean()
    assert "rating" in error.value.message_dict
    source = SourceFactory.build(url="ftp://example.org/")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "http:// or https://" in " ".join(error.value.message_dict["url"])


def test_stale_covers_old_and_superseded_claims_and_undated_ones_are_said_apart(settings):
    settings.STALE_AFTER_DAYS = 730
    today = datetime.date(2026, 11, 23)
    fresh = ClaimFactory(as_of=today - datetime.timedelta(days=730))
    old = ClaimFactory(as_of=today - datetime.timedelta(days=731))
    undated = ClaimFactory(as_of=None)
    superseded = ClaimFactory(as_of=today, superseded_by=fresh)

    assert set(Claim.objects.stale(today)) == {old, superseded}
    assert set(Claim.objects.undated()) == {undated}
    assert set(Claim.objects.fresh(today)) == {fresh}
    assert [c.is_stale(today) for c in (fresh, old, undated, superseded)] == [False, True, False, True]
    assert [c.is_undated for c in (fresh, old, undated, superseded)] == [False, False, True, False]


def test_a_claim_without_a_date_takes_its_sources_date(settings):
    settings.STALE_AFTER_DAYS = 730
    today = datetime.date(2026, 11, 23)
    documented = ClaimFactory(as_of=None, source=SourceFactory(revised_on=datetime.date(2026, 1, 25)))
    published = ClaimFactory(as_of=None, source=SourceFactory(published_on=datetime.date(2019, 12, 1)))
    assert documented.dated == datetime.date(2026, 1, 25) and not documented.is_undated
    assert published.is_stale(today) and set(Claim.objects.stale(today)) == {published}
    assert set(Claim.objects.fresh(today)) == {documented} and not Claim.objects.undated()


def test_published_excludes_every_other_status():
    published = ClaimFactory(status=Claim.Status.PUBLISHED)
    for status in (Claim.Status.DRAFT, Claim.Status.IN_REVIEW, Claim.Status.RETIRED):
        ClaimFactory(status=status)
    assert list(Claim.objects.published()) == [published]


def test_workflow_moves_a_claim_from_draft_to_retired():
    author, reviewer = UserFactory(), UserFactory()
    claim = ClaimFactory(status=Claim.Status.DRAFT, author=author)
    claim.submit_for_review(author)
    claim.publish(reviewer)
    assert (claim.status, claim.reviewer) == (Claim.Status.PUBLISHED, reviewer)
    claim.retire(reviewer, "  Its source withdrew the page. ")
    assert (claim.status, claim.retired_reason) == (Claim.Status.RETIRED, "Its source withdrew the page.")


@pytest.mark.parametrize("reason", ["", " \n "])
def test_retiring_needs_a_reason(reason):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    with pytest.raises(WorkflowError, match="Say why the claim is retired"):
        claim.retire(UserFactory(), reason)
    assert (claim.status, claim.retired_reason) == (Claim.Status.PUBLISHED, "")


def test_four_eyes_an_author_cannot_publish_their_own_claim():
    author = UserFactory()
    claim = ClaimFactory(status=Claim.Status.IN_REVIEW, author=author)
    with pytest.raises(WorkflowError, match="someone else must review"):
        claim.publish(author)
    assert claim.status == Claim.Status.IN_REVIEW


def test_publishing_needs_a_quote_and_a_review():
    reviewer = UserFactory()
    with pytest.raises(WorkflowError, match="quote"):
        ClaimFactory(status=Claim.Status.IN_REVIEW, quote="").publish(reviewer)
    with pytest.raises(WorkflowError, match="Only claims in review"):
        ClaimFactory(status=Claim.Status.DRAFT).publish(reviewer)


def test_an_edit_from_an_outdated_version_is_refused():
    claim = ClaimFactory()
    with transaction.atomic():
        claim.begin_edit(loaded_version=1)
        claim.save()
    assert Claim.objects.get(pk=claim.pk).version == 2
    with pytest.raises(EditConflict), transaction.atomic():
        Claim.objects.get(pk=claim.pk).begin_edit(loaded_version=1)


def test_every_edit_leaves_a_history_row():
    claim = ClaimFactory(rating=3)
    claim.rating = 4
    claim.save()
    assert [h.rating for h in claim.history.order_by("history_date")] == [3, 4]
    source = claim.source
    source.title = "Renamed"
    source.save()
    assert source.history.count() == 2
    assert claim.framework.history.count() == 1 and claim.criterion.history.count() == 1


def test_published_date_says_undated_rather_than_guessing():
    assert SourceFactory(published_on=None).published_display == "undated"
    noted = SourceFactory(published_on=None, published_note="2019 or later (cites a 2019 survey)")
    assert noted.published_display == "undated (2019 or later (cites a 2019 survey))"
    month = SourceFactory(published_on=datetime.date(2019, 12, 1), published_precision="month")
    assert month.published_display == "December 2019"
    assert SourceFactory(published_on=datetime.date(2019, 12, 2)).published_display == "2 December 2019"
