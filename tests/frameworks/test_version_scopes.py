"""Version scopes are data: PEP 440 specifiers, checked where they are written, read by the matrix."""

import pytest
from django.core.exceptions import ValidationError

from frameworks.evidence import build_matrix
from frameworks.models import Claim
from frameworks.versions import in_scope
from tests.factories import ClaimFactory, CriterionFactory, FrameworkFactory

pytestmark = pytest.mark.django_db

CLAIMS = "/api/claims/"


@pytest.mark.parametrize(
    ("scope", "version", "counts"),
    [
        ("", "3.1.3", True),
        ("<2.0", "3.1.3", False),
        (">=2.0", "3.1.3", True),
        (">=3.0,<4", "3.1.3", True),
        ("==5.2.*", "5.2.19", True),
        ("==3.2.*", "3.1.3", False),
        ("<2.0", "2.0rc1", False),
        (">=3.1", "3.2.0.dev0", True),
        ("<2.0", "", True),
    ],
)
def test_a_claim_counts_when_the_current_version_is_inside_its_scope(scope, version, counts):
    assert in_scope(scope, version) is counts


@pytest.mark.parametrize("scope", ["5.2", "3.0+", "latest", ">=", "<2.0 or so"])
def test_a_scope_that_is_not_a_specifier_is_refused_naming_it(scope):
    claim = ClaimFactory.build(applies_to=scope)
    with pytest.raises(ValidationError) as raised:
        claim.full_clean(exclude=["framework", "criterion", "source"])
    assert scope in raised.value.message_dict["applies_to"][0]
    assert "PEP 440" in raised.value.message_dict["applies_to"][0]


def test_a_framework_version_that_is_not_a_version_is_refused():
    framework = FrameworkFactory.build(current_version="three point one")
    with pytest.raises(ValidationError, match="not a version number"):
        framework.full_clean()


def test_the_api_refuses_a_bad_scope_with_a_message_naming_the_field(editor_api):
    claim = ClaimFactory(status=Claim.Status.DRAFT)
    response = editor_api.patch(f"{CLAIMS}{claim.id}/", {"applies_to": "5.2", "version": 1}, format="json")
    assert response.status_code == 400
    assert "applies_to" in response.json() and "PEP 440" in response.json()["applies_to"][0]


def test_the_admin_refuses_a_bad_scope_and_keeps_the_form(editor_client):
    claim = ClaimFactory(status=Claim.Status.DRAFT)
    form = {
        "framework": claim.framework_id,
        "criterion": claim.criterion_id,
        "source": claim.source_id,
        "statement": claim.statement,
        "quote": claim.quote,
        "rating": 3,
        "applies_to": "3.0+",
        "loaded_version": claim.version,
    }
    response = editor_client.post(f"/admin/frameworks/claim/{claim.pk}/change/", form)
    assert response.status_code == 200
    assert "is not a version scope" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).applies_to == ""


def test_claims_about_other_versions_do_not_count_and_show_as_history(client):
    flask = FrameworkFactory(slug="flask", name="Flask", current_version="3.1.3", is_featured=True)
    orm = CriterionFactory(slug="orm", name="Database layer")
    old = ClaimFactory(framework=flask, criterion=orm, rating=1, applies_to="<2.0")
    current = ClaimFactory(framework=flask, criterion=orm, rating=5, applies_to=">=2.0")
    cell = build_matrix(current.as_of).cell("flask", "orm")
    assert cell.scored_ids == (current.id,) and cell.claim_ids == (current.id, old.id)

    note = "about Flask &lt;2.0; Flask is at 3.1.3"
    assert note in client.get(f"/claims/{old.id}/").content.decode()
    assert note in client.get("/frameworks/flask/").content.decode()


def test_the_api_filters_claims_that_apply_to_the_current_version(api):
    flask = FrameworkFactory(slug="flask", current_version="3.1.3")
    old = ClaimFactory(framework=flask, applies_to="<2.0")
    current = ClaimFactory(framework=flask, applies_to=">=2.0")
    unscoped = ClaimFactory(framework=flask, applies_to="")
    body = api.get(CLAIMS, {"current": "true"}).json()
    assert {row["id"] for row in body["results"]} == {current.id, unscoped.id}
    assert {row["id"] for row in api.get(CLAIMS, {"current": "false"}).json()["results"]} == {old.id}
    row = api.get(f"{CLAIMS}{old.id}/").json()
    assert row["applies_to_current_version"] is False and row["witness"] == "independent"
