"""One reading of a choice of frameworks, for the compare page, the matrix API and the recommender."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from frameworks.choice import MOST_FRAMEWORKS, FrameworkChoiceError, parse_framework_choice
from tests.factories import CriterionFactory, FrameworkFactory

KNOWN = {"flask", "django", "fastapi"}


@pytest.mark.parametrize(
    ("raw", "chosen"),
    [
        ("flask,django", ["flask", "django"]),
        (" Flask , DJANGO ,, ", ["flask", "django"]),
        (["flask", "django"], ["flask", "django"]),
        (["flask,fastapi", "django", "flask"], ["flask", "fastapi", "django"]),
        ("django,flask,django", ["django", "flask"]),
        ("", []),
        (" , ", []),
        ([], []),
        (None, []),
    ],
)
def test_a_choice_is_trimmed_lowercased_and_deduplicated_in_the_order_asked(raw, chosen):
    assert parse_framework_choice(raw, KNOWN) == chosen


def test_repeated_and_comma_separated_query_parameters_read_alike():
    repeated = QueryDict("frameworks=flask&frameworks=django").getlist("frameworks")
    assert parse_framework_choice(repeated, KNOWN) == parse_framework_choice("flask,django", KNOWN)


def test_unknown_slugs_are_refused_by_name():
    with pytest.raises(FrameworkChoiceError, match=r"^Unknown framework\(s\): rails, sinatra\.$"):
        parse_framework_choice("flask,rails,sinatra", KNOWN)


def test_a_long_unknown_slug_is_named_shortened():
    with pytest.raises(FrameworkChoiceError) as refused:
        parse_framework_choice("x" * 5000, KNOWN)
    assert len(str(refused.value)) < 100


def test_too_many_or_too_few_are_refused():
    many = ",".join(f"f{n}" for n in range(MOST_FRAMEWORKS + 1))
    with pytest.raises(FrameworkChoiceError, match=f"at most {MOST_FRAMEWORKS} frameworks"):
        parse_framework_choice(many, {f"f{n}" for n in range(MOST_FRAMEWORKS + 1)})
    with pytest.raises(FrameworkChoiceError, match="at least 2 frameworks"):
        parse_framework_choice("flask", KNOWN, fewest=2)
    assert parse_framework_choice("", KNOWN, fewest=2) == []


def test_a_required_choice_refuses_an_empty_one():
    with pytest.raises(FrameworkChoiceError, match="Name at least one framework"):
        parse_framework_choice([], KNOWN, required=True)


@pytest.mark.django_db
def test_without_known_slugs_the_visible_frameworks_are_looked_up(django_assert_num_queries):
    FrameworkFactory(slug="flask")
    with django_assert_num_queries(1):
        assert parse_framework_choice(["flask"]) == ["flask"]
    with django_assert_num_queries(1), pytest.raises(FrameworkChoiceError, match="o\x00rm"):
        parse_framework_choice(["flask", "o\x00rm"])


def test_the_refusal_is_a_validation_error_with_its_message():
    with pytest.raises(ValidationError) as refused:
        parse_framework_choice("rails", KNOWN)
    assert refused.value.messages == ["Unknown framework(s): rails."]


@pytest.mark.django_db
def test_the_matrix_api_and_the_compare_page_read_a_choice_alike(api, client):
    for slug in ("flask", "django", "fastapi"):
        FrameworkFactory(slug=slug, is_featured=slug != "fastapi")
    CriterionFactory(slug="orm")
    for query in ("frameworks=Flask, fastapi", "frameworks=flask&frameworks=fastapi&frameworks=flask"):
        body = api.get(f"/api/matrix/?{query}").json()
        assert body["frameworks"] == ["flask", "fastapi"]
        assert client.get(f"/compare/?{query}").status_code == 200
    refused = api.get("/api/matrix/?frameworks=flask,rails")
    assert refused.status_code == 400 and refused.json()["frameworks"] == ["Unknown framework(s): rails."]
    page = client.get("/compare/?frameworks=flask,rails")
    assert page.status_code == 400 and "Unknown framework(s): rails." in page.content.decode()
    assert "Pick at least 2 frameworks" in client.get("/compare/?frameworks=flask").content.decode()
