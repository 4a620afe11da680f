"""The weights page: its live projection, the weights it refuses, and must-haves it lifts."""

import pytest
from django.urls import reverse

from recommender.forms import ALL_WEIGHTS_ZERO
from recommender.models import Verdict
from recommender.verdicts import VerdictRequest, compute_and_store

pytestmark = pytest.mark.django_db
SEEDED = pytest.mark.usefixtures("seeded")
SMALL = pytest.mark.usefixtures("small_dataset")


def weights_of(verdict: Verdict) -> dict[str, int]:
    return {slug: round(weight) for slug, weight in verdict.snapshot["weights"].items()}


def preview_url(verdict: Verdict) -> str:
    return reverse("recommender:weights-preview", args=[verdict.id])


def weights_url(verdict: Verdict) -> str:
    return reverse("recommender:weights", args=[verdict.id])


@SEEDED
def test_the_weights_page_asks_for_a_live_preview_and_still_works_as_a_plain_form(client):
    verdict = compute_and_store(VerdictRequest())
    page = client.get(weights_url(verdict)).content.decode()
    assert f'data-preview-url="{preview_url(verdict)}"' in page
    assert f'action="{weights_url(verdict)}"' in page and 'aria-live="polite"' in page
    assert "js/preview.js" in page
    response = client.post(weights_url(verdict), {**weights_of(verdict), "fit-iot": 10})
    assert response.status_code == 302 and response.url != verdict.get_absolute_url()


@SEEDED
def test_the_preview_projects_the_verdict_the_post_would_give_without_storing_it(client):
    verdict = compute_and_store(VerdictRequest())
    assert verdict.snapshot["winner"] == "django"
    posted = {**weights_of(verdict), "fit-iot": 10}
    before = Verdict.objects.count()
    response = client.post(preview_url(verdict), posted)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert 'data-winner="flask"' in fragment and "<strong>Flask</strong> fits best" in fragment
    assert "Confidence:" in fragment and "/ 100" in fragment
    assert Verdict.objects.count() == before

    client.post(weights_url(verdict), posted)
    stored = Verdict.objects.exclude(pk=verdict.pk).get()
    assert stored.snapshot["winner"] == "flask"
    assert f"{stored.snapshot['ranking'][0]['score']:.1f} / 100" in fragment


@SEEDED
def test_the_preview_of_unchanged_weights_is_the_verdict_itself(client):
    verdict = compute_and_store(VerdictRequest(answers={"project": ["content-site"]}))
    fragment = client.post(preview_url(verdict), weights_of(verdict)).content.decode()
    assert 'data-winner="django"' in fragment
    assert f"{verdict.snapshot['ranking'][0]['score']:.1f} / 100" in fragment


@SMALL
@pytest.mark.parametrize("url", [weights_url, preview_url])
def test_every_weight_at_0_is_refused_with_a_message_not_scored(client, url):
    verdict = compute_and_store(VerdictRequest())
    before = Verdict.objects.count()
    response = client.post(url(verdict), {slug: 0 for slug in verdict.snapshot["weights"]})
    assert response.status_code == 400
    assert ALL_WEIGHTS_ZERO in response.content.decode()
    assert Verdict.objects.count() == before


@SMALL
@pytest.mark.parametrize("url", [weights_url, preview_url])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("heavy", "Enter a whole number."),
        ("2.5", "Enter a whole number."),
        ("11", "less than or equal to 10"),
        ("-1", "greater than or equal to 0"),
        ("", "This field is required."),
    ],
)
def test_a_weight_that_is_not_a_whole_number_from_0_to_10_is_refused_with_400(client, url, value, message):
    verdict = compute_and_store(VerdictRequest())
    response = client.post(url(verdict), {**weights_of(verdict), "orm": value})
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert "Database layer" in page  # the field is named
    assert Verdict.objects.count() == 1


@SMALL
def test_the_preview_of_an_unknown_verdict_is_a_404_and_a_get_is_refused(client):
    assert client.post("/verdict/00000000-0000-0000-0000-000000000000/weights/preview/").status_code == 404
    assert client.get(preview_url(compute_and_store(VerdictRequest()))).status_code == 405


@SMALL
def test_a_must_have_set_to_0_on_the_weights_page_no_longer_excludes(client):
    # Answering that websockets matter makes async support a must-have, which Flask is below.
    verdict = compute_and_store(VerdictRequest(answers={"async": ["yes"]}))
    flask = next(r for r in verdict.snapshot["ranking"] if r["framework"] == "flask")
    assert verdict.snapshot["must_haves"] == ["async-support"]
    assert flask["excluded_reason"] == "below the bar on a must-have: Async support"
    page = client.get(weights_url(verdict)).content.decode()
    assert "must-have</span>" in page

    response = client.post(weights_url(verdict), {**weights_of(verdict), "async-support": 0})
    assert response.status_code == 302
    lifted = Verdict.objects.exclude(pk=verdict.pk).get()
    assert lifted.answers == {"async": ["yes"]} and lifted.snapshot["must_haves"] == []
    ranked = {r["framework"]: r for r in lifted.snapshot["ranking"]}
    assert ranked["flask"]["excluded_reason"] == "" and ranked["flask"]["score"] > 0
    assert lifted.snapshot["runner_up"] in {"flask", "django"} and lifted.snapshot["leader"]
    shown = client.get(response.url).content.decode()
    assert "below the bar on a must-have" not in shown
    assert "must-have</span>" not in client.get(weights_url(lifted)).content.decode()
