"""Every anonymous post that stores a verdict or a report counts against one limit per address."""

import pytest
from django.test import Client
from django.urls import reverse

from recommender.models import Verdict
from tests.pages import public_forms

pytestmark = pytest.mark.usefixtures("small_dataset")

RECOMMEND = "/api/recommendations/"


@pytest.fixture
def forms(settings):
    settings.ANONYMOUS_POST_RATE = "3/minute"
    return public_forms()


def post_form(client, forms, name: str, number: int = 0):
    """A valid post of each form that stores something; `number` makes each one distinct."""
    fields = {
        "questionnaire": {"experience": ["beginner", "intermediate", "experienced"][number % 3]},
        "weights": {},
        "rerun": {},
        "widen": {},
        "report": {"message": f"The quote looks cut short ({number})."},
    }[name]
    if name == "weights":
        verdict = Verdict.objects.get(pk=forms["weights"].split("/")[2])
        fields = {slug: number % 10 + 1 for slug in verdict.snapshot["weights"]}  # not all 0: refused
    return client.post(forms[name], fields)


def test_distinct_questionnaire_posts_are_limited_with_a_page_saying_when_to_come_back(forms):
    client = Client()
    answers = [post_form(client, forms, "questionnaire", n).status_code for n in range(4)]
    assert answers == [302, 302, 302, 429]
    refused = post_form(client, forms, "questionnaire", 5)
    page = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    assert "come back in 30 seconds" in page
    assert Verdict.objects.count() == 1 + 3  # public_forms() stored one


@pytest.mark.parametrize("name", ["weights", "rerun", "widen", "report"])
def test_each_storing_form_is_limited(forms, name):
    client = Client()
    answers = [post_form(client, forms, name, n).status_code for n in range(4)]
    assert answers[:3] == [302, 302, 302] and answers[3] == 429


@pytest.mark.parametrize("name", ["questionnaire", "weights", "rerun", "report"])
def test_the_api_and_the_forms_share_one_limit(forms, api, name):
    assert [api.post(RECOMMEND, {}, format="json").status_code for _ in range(3)] == [201, 201, 201]
    assert post_form(Client(), forms, name).status_code == 429
    assert api.post(RECOMMEND, {}, format="json").status_code == 429


def test_the_limit_is_per_address(forms):
    for _ in range(3):
        post_form(Client(), forms, "questionnaire")
    assert post_form(Client(REMOTE_ADDR="203.0.113.9"), forms, "questionnaire").status_code == 302


def test_signed_in_editors_and_pages_read_are_not_limited(forms, editor_client):
    for n in range(5):
        assert post_form(editor_client, forms, "questionnaire", n).status_code == 302
    client = Client()
    for n in range(3):
        post_form(client, forms, "questionnaire", n)
    assert client.get(reverse("recommender:questionnaire")).status_code == 200
    assert client.get(forms["weights"]).status_code == 200
