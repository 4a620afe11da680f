"""The evidence matrix, cached by dataset version: reused while nothing changes, rebuilt after any edit."""

import pytest
from django.utils import timezone

from frameworks.evidence import build_matrix, load_matrix
from frameworks.models import Claim
from infrastructure.versioned_cache import forget_in_process
from recommender.verdicts import VerdictRequest, compute_and_store
from tests.factories import ClaimFactory
from tests.frameworks.test_admin import retire_in_admin

pytestmark = pytest.mark.usefixtures("seeded")

CLAIMS = "/api/claims/"


def ranking(verdict) -> dict[str, float]:
    return {row["framework"]: row["score"] for row in verdict.snapshot["ranking"]}


def decisive_claim(verdict) -> Claim:
    """The winner's first claim on the criterion that did most for the verdict."""
    top = verdict.snapshot["reasons"][0]
    return Claim.objects.get(pk=top["cells"][verdict.snapshot["winner"]]["claim_ids"][0])


def test_a_built_matrix_costs_two_queries_and_a_reused_one_only_the_version(django_assert_num_queries):
    with django_assert_num_queries(1 + 2):
        built = load_matrix()
    with django_assert_num_queries(1):
        assert load_matrix() is built


def test_another_process_finds_the_matrix_in_the_shared_cache(django_assert_num_queries):
    built = load_matrix()
    forget_in_process()  # as a second worker would start
    with django_assert_num_queries(1):
        assert load_matrix().cells == built.cells


def test_the_cached_matrix_equals_a_fresh_build():
    cached = load_matrix()
    fresh = build_matrix(timezone.localdate(), cached.version, cached.key)
    assert cached == fresh
    assert list(cached.frameworks)[:2] == ["django", "flask"]  # featured first


def test_a_claim_published_through_the_api_shows_in_the_very_next_verdict(editor, editor_api, reviewer_api):
    before = compute_and_store(VerdictRequest(answers={}))
    decisive = decisive_claim(before)
    draft = ClaimFactory(
        framework=decisive.framework,
        criterion=decisive.criterion,
        status=Claim.Status.DRAFT,
        author=editor,
        rating=1,
    )
    assert editor_api.post(f"{CLAIMS}{draft.id}/submit/").status_code == 200
    assert (
        compute_and_store(VerdictRequest(answers={})).snapshot == before.snapshot
    )  # a draft changes nothing

    assert reviewer_api.post(f"{CLAIMS}{draft.id}/publish/").status_code == 200
    after = compute_and_store(VerdictRequest(answers={}))
    assert after.dataset_version != before.dataset_version
    assert ranking(after)[draft.framework.slug] < ranking(before)[draft.framework.slug]


def test_a_claim_retired_in_the_admin_shows_in_the_very_next_verdict(reviewer_client):
    before = compute_and_store(VerdictRequest(answers={}))
    decisive = decisive_claim(before)
    response = retire_in_admin(reviewer_client, decisive)
    assert response.status_code == 200
    decisive.refresh_from_db()
    assert decisive.status == Claim.Status.RETIRED
    after = compute_and_store(VerdictRequest(answers={}))
    assert str(decisive.pk) in before.snapshot["claims"]
    assert str(decisive.pk) not in after.snapshot["claims"]
