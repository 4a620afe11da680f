"""Verdicts on the shipped evidence: must-haves, other frameworks, reproducibility, storage.

The visitors the sources give rules for are in test_calibration.py."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from criteria.models import Criterion
from frameworks.models import Claim, Framework
from infrastructure.versioned_cache import forget_in_process
from recommender import snapshot
from recommender.models import Verdict
from recommender.verdicts import VerdictRequest, compute_and_store, preview
from tests.factories import ClaimFactory
from tests.text import visible_text

pytestmark = pytest.mark.usefixtures("seeded")


def verdict_for(**answers):
    answers = {q: c if isinstance(c, list) else [c] for q, c in answers.items()}
    return compute_and_store(VerdictRequest(answers=answers)).snapshot


def test_async_as_a_must_have_rules_out_flask_and_says_why():
    snapshot = verdict_for(**{"async": "yes"})
    flask = next(r for r in snapshot["ranking"] if r["framework"] == "flask")
    assert flask["excluded_reason"] == "below the bar on a must-have: Async support"
    assert snapshot["winner"] == "django"


def test_other_frameworks_are_listed_without_changing_the_featured_pair():
    snapshot = verdict_for(project="rest-api")
    featured = [r["framework"] for r in snapshot["ranking"]]
    assert featured[0] in {"flask", "django"} and set(featured) == {"flask", "django"}
    assert "fastapi" in [r["framework"] for r in snapshot["also_worth_a_look"]]
    three_way = compute_and_store(
        VerdictRequest(answers={"project": ["rest-api"]}, frameworks=["flask", "django", "fastapi"])
    )
    order = [r["framework"] for r in three_way.snapshot["ranking"] if r["framework"] != "fastapi"]
    assert order == featured


def test_a_stored_verdict_reproduces_its_confidence():
    first = verdict_for(project="iot", database="non-relational")
    again = verdict_for(project="iot", database="non-relational")
    assert first["confidence"] == again["confidence"]
    assert first["ranking"] == again["ranking"]


def test_the_same_request_on_the_same_evidence_gets_the_stored_verdict_not_a_copy():
    asked = VerdictRequest(answers={"project": ["content-site"]})
    first = compute_and_store(asked)
    assert compute_and_store(VerdictRequest(answers={"project": ["content-site"]})).pk == first.pk
    assert compute_and_store(VerdictRequest(answers={"project": ["rest-api"]})).pk != first.pk
    assert (
        compute_and_store(
            VerdictRequest(answers={"project": ["content-site"]}, weight_overrides={"orm": 0})
        ).pk
        != first.pk
    )


def test_new_evidence_gets_a_new_verdict_for_the_same_request():
    first = compute_and_store(VerdictRequest(answers={}))
    ClaimFactory(framework=Framework.objects.get(slug="flask"), criterion=Criterion.objects.get(slug="orm"))
    again = compute_and_store(VerdictRequest(answers={}))
    assert again.pk != first.pk and again.dataset_version != first.dataset_version


def test_verdicts_between_the_same_pair_share_their_claims_until_the_evidence_moves():
    first = compute_and_store(VerdictRequest(answers={}, weight_overrides={"orm": 9})).snapshot
    snapshot._kept_claims.clear()
    with CaptureQueriesContext(connection) as reading_claims:
        compute_and_store(VerdictRequest(answers={}, weight_overrides={"orm": 8}))
    # Another weighting of the same pair on the same evidence: the frozen claims are not read again.
    with CaptureQueriesContext(connection) as keeping_claims:
        compute_and_store(VerdictRequest(answers={}, weight_overrides={"orm": 7}))
    assert len(keeping_claims) == len(reading_claims) - 1
    claim_id = next(iter(first["claims"]))
    Claim.objects.filter(pk=claim_id).update(statement="Edited after the first verdict.")
    again = compute_and_store(VerdictRequest(answers={}, weight_overrides={"orm": 6})).snapshot
    assert again["claims"][claim_id]["statement"] == "Edited after the first verdict."


def test_a_preview_is_the_stored_verdict_without_the_flips_it_does_not_show():
    request = VerdictRequest(answers={})
    previewed, stored = preview(request).snapshot, compute_and_store(request).snapshot
    assert stored["flips"] and previewed["flips"] == []
    assert {**previewed, "flips": stored["flips"]} == stored


def test_a_forgotten_cache_still_finds_the_stored_verdict():
    first = compute_and_store(VerdictRequest(answers={"team": ["solo"]}))
    cache.clear()
    forget_in_process()
    assert compute_and_store(VerdictRequest(answers={"team": ["solo"]})).pk == first.pk
    assert Verdict.objects.count() == 1


def test_frameworks_without_evidence_are_not_scored_but_say_what_is_missing(client):
    verdict = compute_and_store(VerdictRequest(answers={}))
    tornado = next(r for r in verdict.snapshot["also_worth_a_look"] if r["framework"] == "tornado")
    assert tornado["lacks_evidence"] and tornado["excluded_reason"].startswith(
        "not enough evidence to compare"
    )
    assert "Ease of learning" in tornado["excluded_reason"]
    page = visible_text(client.get(verdict.get_absolute_url()).content.decode())
    assert "Tornado: not enough evidence to compare" in page and "Tornado: 50.0" not in page


def test_comparing_with_a_framework_without_evidence_names_no_winner():
    verdict = compute_and_store(VerdictRequest(answers={}, frameworks=["flask", "tornado"]))
    assert verdict.snapshot["winner"] is None and verdict.snapshot["leader"] == "flask"
    tornado = next(r for r in verdict.snapshot["ranking"] if r["framework"] == "tornado")
    assert tornado["lacks_evidence"]


def test_a_verdict_page_without_enough_evidence_says_so(client):
    verdict = compute_and_store(VerdictRequest(answers={}, frameworks=["flask", "tornado"]))
    page = client.get(verdict.get_absolute_url()).content.decode()
    assert "Not enough evidence to compare" in page and "Too close to call" not in page
    assert "Tornado is out: not enough evidence to compare" in page
