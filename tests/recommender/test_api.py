import re

import pytest
from django.urls import reverse

from infrastructure.api_support import AnonymousPostThrottle
from recommender.models import Verdict

pytestmark = pytest.mark.django_db
SEEDED = pytest.mark.usefixtures("seeded")
SMALL = pytest.mark.usefixtures("small_dataset")

RECOMMEND = "/api/recommendations/"
CONTENT_SITE = {
    "experience": "experienced",
    "project": "content-site",
    "accounts": "yes",
    "admin": "yes",
    "database": "relational",
}


@SEEDED
def test_posting_answers_returns_the_stored_verdict(api):
    response = api.post(
        RECOMMEND, {"answers": {**CONTENT_SITE, "priority": ["long-term", "ship-fast"]}}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    verdict = Verdict.objects.get(pk=body["id"])
    assert body["url"] == f"http://testserver{verdict.get_absolute_url()}"
    assert body["winner"] == "django" and body["too_close_to_call"] is False
    assert 0 <= body["confidence"] <= 1 and body["margin"] > 0
    assert [r["framework"] for r in body["ranking"]] == ["django", "flask"]
    first = body["reasons"][0]
    assert {"criterion", "weight", "contribution", "claims"} <= set(first)
    claim = first["claims"][0]
    assert {"id", "statement", "quote", "rating", "stale", "source"} <= set(claim)
    assert {"title", "publisher", "url", "published"} <= set(claim["source"])
    assert set(body["weights"]) == set(verdict.snapshot["criteria"])
    for flip in body["flips"]:
        assert {"criterion", "current_weight", "flip_weight", "new_winner"} <= set(flip)


@SEEDED
def test_a_repeated_post_answers_with_the_stored_verdict_and_the_asking_host_s_url(api, settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    payload = {"answers": CONTENT_SITE}
    first = api.post(RECOMMEND, payload, format="json").json()
    again = api.post(RECOMMEND, payload, format="json", HTTP_HOST="localhost")
    assert again.status_code == 201 and again["Content-Type"] == "application/json"
    body = again.json()
    assert body["url"] == first["url"].replace("testserver", "localhost")
    assert {**body, "url": ""} == {**first, "url": ""} and list(body) == list(first)
    assert Verdict.objects.count() == 1


@SEEDED
def test_the_browsable_api_renders_the_same_verdict(api):
    body = api.post(RECOMMEND, {"answers": CONTENT_SITE}, format="json").json()
    page = api.post(RECOMMEND, {"answers": CONTENT_SITE}, format="json", HTTP_ACCEPT="text/html")
    assert page.status_code == 201 and body["id"] in page.content.decode()


@SMALL
def test_a_stored_verdict_reads_back_frozen(api):
    body = api.post(RECOMMEND, {"answers": {"project": "iot"}}, format="json").json()
    again = api.get(f"{RECOMMEND}{body['id']}/")
    assert again.status_code == 200 and again.json() == body


@SMALL
def test_frameworks_and_weight_overrides_are_honoured(api):
    body = api.post(
        RECOMMEND, {"frameworks": ["flask", "fastapi"], "weights": {"orm": 0}}, format="json"
    ).json()
    assert {r["framework"] for r in body["ranking"]} == {"flask", "fastapi"}
    assert body["weights"]["orm"] == 0


@SEEDED
def test_the_api_and_the_html_page_agree_on_the_same_answers(api, client):
    body = api.post(
        RECOMMEND,
        {"answers": {"project": "iot", "database": "non-relational", "control": "full-control"}},
        format="json",
    ).json()
    page = client.post(
        reverse("recommender:questionnaire"),
        {"project": "iot", "database": "non-relational", "control": "full-control"},
        follow=True,
    )
    html = page.content.decode()
    assert (
        re.search(r'class="headline"[^>]*data-winner="([^"]*)"', html).group(1) == body["winner"] == "flask"
    )
    html_verdict = page.context["verdict"]
    assert html_verdict.snapshot["ranking"] == body["ranking"]
    assert html_verdict.snapshot["confidence"] == body["confidence"]
    # The API's own link shows the same verdict.
    linked = client.get(body["url"].removeprefix("http://testserver")).content.decode()
    assert f'data-winner="{body["winner"]}"' in linked


@SMALL
@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"answers": {"colour": "blue"}}, "answers", "There is no question 'colour'"),
        ({"answers": {"experience": "wizard"}}, "answers", "'wizard' is not a choice"),
        ({"answers": {"experience": ["beginner", "experienced"]}}, "answers", "Choose one answer only."),
        ({"answers": {"experience": 3}}, "answers", "Give a choice slug or a list of choice slugs."),
        ({"answers": ["beginner"]}, "answers", "Expected a dictionary"),
        ({"frameworks": []}, "frameworks", "Name at least one framework"),
        ({"frameworks": ["flask", "rails"]}, "frameworks", "Unknown framework(s): rails."),
        ({"weights": {"orm": 11}}, "weights", "less than or equal to 10"),
        ({"weights": {"orm": "heavy"}}, "weights", "A valid integer is required."),
        ({"weights": {"elegance": 5}}, "weights", "Unknown criterion or criteria: elegance."),
        ({"weights": {"o\u0000rm": 5}}, "weights", "Unknown criterion or criteria: o"),  # never sent to SQL
        ({"weights": {"orm; DROP TABLE x": 5}}, "weights", "Unknown criterion or criteria: orm; DROP"),
    ],
)
def test_bad_input_gets_400_naming_the_field(api, payload, field, message):
    response = api.post(RECOMMEND, payload, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not Verdict.objects.exists()


@SMALL
@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("", "application/json", 201),  # no body: no answers, the default verdict
        ("[1, 2]", "application/json", 400),
        ("answers=x", "application/x-www-form-urlencoded", 415),
        (b"\xff\xfe\x00", "application/json", 400),
    ],
)
def test_malformed_bodies_are_refused_never_a_500(api, body, content_type, status):
    assert api.generic("POST", RECOMMEND, body, content_type=content_type).status_code == status


@SMALL
def test_a_body_over_the_size_limit_is_refused(api, settings):
    settings.API_MAX_BODY_BYTES = 2048
    huge = '{"answers": {"experience": "' + "x" * 4096 + '"}}'
    response = api.generic("POST", RECOMMEND, huge, content_type="application/json")
    assert response.status_code == 413 and "2048 bytes" in response.json()["detail"]


@SMALL
def test_anonymous_posts_are_throttled_with_retry_after(api, reviewer_api, monkeypatch):
    monkeypatch.setattr(AnonymousPostThrottle, "rate", "2/minute", raising=False)
    assert [api.post(RECOMMEND, {}, format="json").status_code for _ in range(3)] == [201, 201, 429]
    refused = api.post(RECOMMEND, {}, format="json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert api.get("/api/claims/").status_code == 200  # reading is not throttled
    assert reviewer_api.post(RECOMMEND, {}, format="json").status_code == 201  # signed-in users are not


@SMALL
def test_questions_list_their_choices_and_weights(api):
    experience = api.get("/api/questions/experience/").json()
    assert [c["slug"] for c in experience["choices"]] == ["beginner", "intermediate", "experienced"]
    assert experience["choices"][0]["weights"][0].keys() == {"criterion", "delta", "must_have", "why"}


@SEEDED
def test_the_recommendation_post_uses_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):  # two of them count the post against the rate limit
        assert (
            api.post(
                RECOMMEND,
                {"answers": CONTENT_SITE, "frameworks": ["flask", "django"], "weights": {"orm": 3}},
                format="json",
            ).status_code
            == 201
        )
