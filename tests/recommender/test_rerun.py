"""A re-run on current evidence records the verdict it re-ran, and its page says what changed since."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from frameworks.models import Claim
from recommender.models import Verdict
from recommender.verdicts import VerdictRequest, compute_and_store
from tests.factories import ClaimFactory

pytestmark = pytest.mark.usefixtures("small_dataset")

CONTENT_SITE = {"project": ["content-site"], "admin": ["yes"]}


def rerun(client, verdict: Verdict):
    response = client.post(reverse("recommender:rerun", args=[verdict.id]))
    assert response.status_code == 302
    return Verdict.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1]), response.url


def counted_claim(verdict: Verdict, framework: str) -> Claim:
    """The first claim the verdict's top reason counted for `framework`."""
    return Claim.objects.get(pk=verdict.snapshot["reasons"][0]["cells"][framework]["scored_ids"][0])


def since_section(page: str) -> str:
    start = page.index('<section class="notice since"')
    return page[start : page.index("</section>", start)]


def score(verdict: Verdict, framework: str) -> float:
    return next(r["score"] for r in verdict.snapshot["ranking"] if r["framework"] == framework)


def test_a_re_run_says_which_claims_left_and_came_and_how_the_scores_moved(client, reviewer):
    old = compute_and_store(VerdictRequest(answers=CONTENT_SITE))
    retired = counted_claim(old, "django")
    retired.retire(reviewer, "Its source withdrew the page.")
    retired.save()
    flask = Claim.objects.filter(framework__slug="flask").first().framework
    criterion = retired.criterion
    added = ClaimFactory(framework=flask, criterion=criterion, rating=5, statement="Now built in.")

    page = client.get(old.get_absolute_url()).content.decode()
    assert "The evidence has changed" in page and "What changed since" not in page
    new, url = rerun(client, old)
    assert new.rerun_of == old and new.answers == old.answers
    response = client.get(url)
    assert response.status_code == 200
    shown = since_section(response.content.decode())

    assert f"What changed since the verdict of {old.created_at:%-d %B %Y}" in shown
    assert f'href="{old.get_absolute_url()}"' in shown
    # The retired claim, said to be retired, linked to its page, which says why.
    assert f"{escape(retired.statement)}</a> (Django, {escape(criterion.name)}): retired." in shown
    assert f'href="/claims/{retired.pk}/"' in shown
    # The new claim, linked, with its cell.
    assert f'<a href="/claims/{added.pk}/">Now built in.</a> (Flask, {escape(criterion.name)}: 5/5' in shown
    # The scores, each before and after.
    for framework, name in (("django", "Django"), ("flask", "Flask")):
        before, after = score(old, framework), score(new, framework)
        assert before != after
        change = f"{'+' if after > before else ''}{after - before:.1f}"
        assert f"{name}: {before:.1f} → {after:.1f} ({change} points)" in shown
    assert "Ratings that moved" in shown and f"{escape(criterion.name)}, Flask:" in shown


def test_a_superseded_claim_is_said_to_be_superseded_and_stays_linked(client):
    old = compute_and_store(VerdictRequest(answers=CONTENT_SITE))
    earlier = counted_claim(old, "flask")
    successor = ClaimFactory(
        framework=earlier.framework, criterion=earlier.criterion, rating=earlier.rating, statement="Restated."
    )
    earlier.superseded_by = successor
    earlier.save()
    _, url = rerun(client, old)
    shown = since_section(client.get(url).content.decode())
    assert f'<a href="/claims/{earlier.pk}/">{escape(earlier.statement)}</a>' in shown
    assert "superseded by a newer claim." in shown
    assert f'href="/claims/{successor.pk}/"' in shown


def test_re_running_again_finds_the_same_re_run_and_a_fresh_verdict_is_kept_apart(client):
    old = compute_and_store(VerdictRequest(answers=CONTENT_SITE))
    Claim.objects.filter(pk=counted_claim(old, "django").pk).update(
        status=Claim.Status.RETIRED, retired_reason="Overtaken."
    )
    first, _ = rerun(client, old)
    again, _ = rerun(client, old)
    assert again == first
    # The same request made afresh is its own verdict, with no "since" on its page.
    fresh = compute_and_store(VerdictRequest(answers=CONTENT_SITE))
    assert fresh != first and fresh.rerun_of is None
    assert "What changed since" not in client.get(fresh.get_absolute_url()).content.decode()


def test_a_re_run_on_unchanged_evidence_says_nothing_changed(client):
    old = compute_and_store(VerdictRequest(answers=CONTENT_SITE))
    _, url = rerun(client, old)
    shown = since_section(client.get(url).content.decode())
    assert "Nothing it rests on has changed" in shown


def test_the_difference_is_part_of_the_cached_page(client, django_assert_num_queries):
    old = compute_and_store(VerdictRequest(answers=CONTENT_SITE))
    Claim.objects.filter(pk=counted_claim(old, "django").pk).update(
        status=Claim.Status.RETIRED, retired_reason="Overtaken."
    )
    _, url = rerun(client, old)
    first = client.get(url).content.decode()
    with django_assert_num_queries(1):  # the dataset version only: the diff comes with the page
        again = client.get(url).content.decode()
    assert "What changed since" in again and again.count("<li>") == first.count("<li>")


def test_when_the_old_verdict_is_deleted_the_re_run_still_renders_without_the_difference(client):
    old = compute_and_store(VerdictRequest(answers=CONTENT_SITE))
    Claim.objects.filter(pk=counted_claim(old, "django").pk).update(
        status=Claim.Status.RETIRED, retired_reason="Overtaken."
    )
    new, url = rerun(client, old)
    old.delete()
    new.refresh_from_db()
    assert new.rerun_of is None
    page = client.get(url).content.decode()
    assert re.search(r'data-winner="\w*"', page) and "What changed since" not in page
