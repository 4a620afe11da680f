"""Criteria are retired, never deleted: slugs are permanent and old verdicts still show them."""

import pytest

from frameworks.evidence import build_matrix
from tests.factories import ClaimFactory, CriterionFactory, FrameworkFactory

pytestmark = pytest.mark.django_db


def test_a_retired_criterion_leaves_the_matrix_and_its_page_says_so(client):
    flask = FrameworkFactory(slug="flask", is_featured=True)
    kept, retired = CriterionFactory(slug="orm"), CriterionFactory(slug="old-criterion", is_retired=True)
    claim = ClaimFactory(framework=flask, criterion=retired)
    matrix = build_matrix(claim.as_of)
    assert "orm" in matrix.criteria and "old-criterion" not in matrix.criteria
    page = client.get("/criteria/old-criterion/")
    assert page.status_code == 200 and "This criterion is retired" in page.content.decode()
    assert claim.statement in page.content.decode()
    assert kept.slug in {c["slug"] for c in client.get("/api/criteria/").json()["results"]}
