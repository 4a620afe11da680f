"""Only reviewed text reaches the public: successors, retirements, the changelog, the last editor."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from frameworks.models import Claim
from tests.factories import ClaimFactory, UserFactory
from tests.frameworks.test_admin import change_url, claim_form, messages_of, retire_in_admin, run_action

pytestmark = pytest.mark.django_db

CLAIMS = "/api/claims/"


def unreviewed_successor(claim, status):
    return ClaimFactory(
        framework=claim.framework, criterion=claim.criterion, status=status, statement="Unreviewed words."
    )


# Superseded by: published claims only.


@pytest.mark.parametrize("status", [Claim.Status.DRAFT, Claim.Status.IN_REVIEW])
def test_a_reviewer_cannot_supersede_a_published_claim_by_an_unreviewed_one(reviewer_client, status):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    draft = unreviewed_successor(claim, status)
    response = reviewer_client.post(change_url(claim), claim_form(claim, superseded_by=draft.pk))
    assert response.status_code == 200
    assert "Only a published claim can supersede another" in response.content.decode()
    claim.refresh_from_db()
    assert claim.superseded_by is None and not claim.is_stale()
    page = reviewer_client.get(reverse("frameworks:claim", args=[claim.pk])).content.decode()
    assert "Unreviewed words." not in page and "Superseded by" not in page


def test_a_published_successor_is_accepted_and_shown(reviewer_client, client):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    newer = unreviewed_successor(claim, Claim.Status.PUBLISHED)
    response = reviewer_client.post(change_url(claim), claim_form(claim, superseded_by=newer.pk))
    assert response.status_code == 302
    page = client.get(reverse("frameworks:claim", args=[claim.pk])).content.decode()
    assert "Superseded by a newer claim" in page and "Unreviewed words." in page


@pytest.mark.parametrize("status", [Claim.Status.DRAFT, Claim.Status.IN_REVIEW, Claim.Status.RETIRED])
def test_the_database_refuses_a_successor_that_is_not_published(status):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    other = unreviewed_successor(claim, status)
    claim.superseded_by = other
    with pytest.raises(IntegrityError), transaction.atomic():
        claim.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(superseded_by=other)


def test_the_successor_picker_offers_published_claims_only(reviewer_client):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED, statement="Findable old.")
    published = unreviewed_successor(claim, Claim.Status.PUBLISHED)
    draft = unreviewed_successor(claim, Claim.Status.DRAFT)
    response = reviewer_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "frameworks", "model_name": "claim", "field_name": "superseded_by", "term": ""},
    )
    offered = {int(result["id"]) for result in response.json()["results"]}
    assert published.pk in offered and draft.pk not in offered


def test_pages_and_the_api_show_only_a_published_successor(client, api):
    # Data from before the rule: a claim already pointing at a draft.
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    draft = unreviewed_successor(claim, Claim.Status.PUBLISHED)
    Claim.objects.filter(pk=claim.pk).update(superseded_by=draft)
    Claim.objects.filter(pk=draft.pk).update(status=Claim.Status.DRAFT)
    page = client.get(reverse("frameworks:claim", args=[claim.pk])).content.decode()
    assert "Unreviewed words." not in page and f"/claims/{draft.pk}/" not in page
    assert api.get(f"{CLAIMS}{claim.pk}/").json()["superseded_by"] is None


# Retiring: published claims only; drafts are withdrawn, out of sight.


@pytest.mark.parametrize("status", [Claim.Status.DRAFT, Claim.Status.IN_REVIEW])
def test_only_published_claims_can_be_retired_through_the_api(reviewer_api, status, client):
    claim = ClaimFactory(status=status, statement="Never reviewed text.", author=UserFactory())
    response = reviewer_api.post(f"{CLAIMS}{claim.id}/retire/", {"reason": "Not wanted."}, format="json")
    assert response.status_code == 409 and "withdraw it instead" in response.json()["detail"]
    claim.refresh_from_db()
    assert claim.status == status
    assert "Never reviewed text." not in client.get("/changes/").content.decode()


@pytest.mark.parametrize("status", [Claim.Status.DRAFT, Claim.Status.IN_REVIEW])
def test_only_published_claims_can_be_retired_in_the_admin(reviewer_client, status):
    claim = ClaimFactory(status=status, author=UserFactory())
    response = retire_in_admin(reviewer_client, claim)
    claim.refresh_from_db()
    assert claim.status == status
    assert any("Only published claims can be retired" in m for m in messages_of(response))


def test_a_withdrawn_draft_never_reaches_the_changelog_or_the_feed(editor_api, editor_client, client):
    by_api = ClaimFactory(status=Claim.Status.DRAFT, statement="Draft one, never reviewed.")
    in_admin = ClaimFactory(status=Claim.Status.IN_REVIEW, statement="Draft two, never reviewed.")
    assert editor_api.post(f"{CLAIMS}{by_api.id}/withdraw/").json()["status"] == "withdrawn"
    run_action(editor_client, "withdraw", in_admin)
    in_admin.refresh_from_db()
    assert in_admin.status == Claim.Status.WITHDRAWN
    for url in ("/changes/", "/changes/feed/"):
        text = client.get(url).content.decode()
        assert "never reviewed" not in text
    assert client.get(reverse("frameworks:claim", args=[by_api.pk])).status_code == 404
    assert editor_api.post(f"{CLAIMS}{by_api.id}/withdraw/").status_code == 409


def test_the_changelog_leaves_out_drafts_retired_before_the_rule(client):
    claim = ClaimFactory(status=Claim.Status.DRAFT, statement="Retired as a draft, never reviewed.")
    claim.status = Claim.Status.RETIRED  # as the workflow allowed before
    claim.retired_reason = "Given up."
    claim.save()
    published = ClaimFactory(status=Claim.Status.PUBLISHED, statement="Reviewed and published.")
    published.retire(UserFactory(), "Overtaken.")
    published.save()
    for url in ("/changes/", "/changes/feed/"):
        text = client.get(url).content.decode()
        assert "never reviewed" not in text and "Reviewed and published." in text


# The last editor: only a real change makes one.


def test_an_empty_patch_does_not_make_its_sender_the_last_editor(editor, reviewer, reviewer_api):
    from tests.conftest import token_client

    claim = ClaimFactory(status=Claim.Status.IN_REVIEW, author=editor, last_edited_by=reviewer, rating=2)
    other = token_client(UserFactory(username="otto", role="Editor"))
    response = other.patch(f"{CLAIMS}{claim.id}/", {"version": claim.version}, format="json")
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.last_edited_by == reviewer
    refused = reviewer_api.post(f"{CLAIMS}{claim.id}/publish/")
    assert refused.status_code == 403 and "You changed this claim last" in refused.json()["detail"]
    same = other.patch(f"{CLAIMS}{claim.id}/", {"rating": 2, "version": claim.version}, format="json")
    assert same.status_code == 200
    claim.refresh_from_db()
    assert claim.last_edited_by == reviewer


def test_a_real_change_makes_its_sender_the_last_editor(editor_api, editor, other_editor):
    claim = ClaimFactory(status=Claim.Status.DRAFT, author=other_editor, last_edited_by=other_editor)
    response = editor_api.patch(f"{CLAIMS}{claim.id}/", {"rating": 4, "version": 1}, format="json")
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.last_edited_by == editor


# Every step moves the version, in the admin and through the API alike.


def test_a_workflow_step_bumps_the_version_in_the_admin_and_through_the_api(editor_api, editor_client):
    by_api, in_admin = (ClaimFactory(status=Claim.Status.DRAFT, author=UserFactory()) for _ in range(2))
    response = editor_api.post(f"{CLAIMS}{by_api.id}/submit/")
    assert response.status_code == 200 and response.json()["version"] == 2
    run_action(editor_client, "submit_for_review", in_admin)
    for claim in (by_api, in_admin):
        claim.refresh_from_db()
        assert (claim.status, claim.version) == (Claim.Status.IN_REVIEW, 2)
    stale_edit = editor_api.patch(f"{CLAIMS}{in_admin.id}/", {"rating": 4, "version": 1}, format="json")
    assert stale_edit.status_code == 409


def test_only_a_workflow_step_is_taken_as_one():
    claim = ClaimFactory(status=Claim.Status.DRAFT)
    with pytest.raises(ValueError, match="not a workflow step"):
        claim.take_step("delete", UserFactory())
    claim.refresh_from_db()
    assert claim.version == 1
