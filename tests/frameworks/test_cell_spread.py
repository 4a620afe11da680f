"""A cell is contested by one rule, the matrix's: the claims API says and filters what it says."""

import pytest

from frameworks.models import Claim
from tests.factories import ClaimFactory, CriterionFactory, FrameworkFactory, SourceFactory

pytestmark = pytest.mark.django_db

CLAIMS = "/api/claims/"


def cell(framework, criterion, *ratings, source=None, **fields):
    return [
        ClaimFactory(
            framework=framework,
            criterion=criterion,
            rating=rating,
            source=source or SourceFactory(),
            **fields,
        )
        for rating in ratings
    ]


@pytest.fixture
def cells():
    flask = FrameworkFactory(slug="flask", is_featured=True, current_version="3.0")
    orm, admin, docs, speed = (CriterionFactory(slug=s) for s in ("orm", "admin", "docs", "speed"))
    # Every claim of the cell superseded, by a successor retired since: nothing counts.
    superseded = cell(flask, orm, 1, 5)
    newer = ClaimFactory(framework=flask, criterion=orm, rating=3)
    Claim.objects.filter(pk__in=[c.pk for c in superseded]).update(superseded_by=newer)
    Claim.objects.filter(pk=newer.pk).update(status=Claim.Status.RETIRED, retired_reason="Withdrawn page.")
    draft = ClaimFactory(framework=flask, criterion=orm, rating=2, status=Claim.Status.DRAFT)
    # One source of two minds is one voice; a claim about older versions does not count.
    one_source = cell(flask, admin, 1, 5, source=SourceFactory())
    out_of_scope = cell(flask, docs, 1) + cell(flask, docs, 5, applies_to="<1.0")
    disagreeing = cell(flask, speed, 1, 5)
    return [*superseded, newer, draft, *one_source, *out_of_scope, *disagreeing]


def test_the_claims_api_calls_a_cell_contested_when_the_matrix_does(cells, api, editor_api):
    matrix = api.get("/api/matrix/", {"frameworks": "flask"}).json()
    contested_in_matrix = {c["criterion"] for c in matrix["cells"] if c["contested"]}
    assert contested_in_matrix == {"speed"}
    listed = editor_api.get(CLAIMS, {"page_size": 100}).json()["results"]
    assert len(listed) == len(cells)
    for claim in listed:
        assert claim["contested"] is (claim["criterion"] in contested_in_matrix), claim
        one = editor_api.get(f"{CLAIMS}{claim['id']}/").json()
        assert one["contested"] is claim["contested"]
    expected = {c["id"] for c in listed if c["criterion"] in contested_in_matrix}
    for value, wanted in (("true", expected), ("false", {c.id for c in cells} - expected)):
        found = editor_api.get(CLAIMS, {"contested": value, "page_size": 100}).json()["results"]
        assert {c["id"] for c in found} == wanted


def test_a_cell_whose_claims_are_all_superseded_is_contested_nowhere(cells, api, editor_api):
    matrix = api.get("/api/matrix/", {"frameworks": "flask"}).json()
    orm = next(c for c in matrix["cells"] if c["criterion"] == "orm")
    assert orm["empty"] and not orm["contested"]
    on_orm = editor_api.get(CLAIMS, {"criterion": "orm"}).json()["results"]
    assert len(on_orm) == 4 and not any(claim["contested"] for claim in on_orm)
    assert not editor_api.get(CLAIMS, {"criterion": "orm", "contested": "true"}).json()["results"]
