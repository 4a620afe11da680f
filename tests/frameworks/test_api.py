import pytest
from django.urls import reverse

from frameworks.models import Claim
from tests.factories import ClaimFactory, CriterionFactory, FrameworkFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

CLAIMS = "/api/claims/"


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_the_api_root_lists_every_endpoint(api):
    listed = api.get("/api/").json()
    assert set(listed) == {
        "frameworks",
        "criteria",
        "sources",
        "source-changes",
        "claims",
        "matrix",
        "questions",
        "recommendations",
        "snippets",
    }


def test_anonymous_clients_read_published_claims_only(api, editor_api):
    published = ClaimFactory(status=Claim.Status.PUBLISHED)
    draft = ClaimFactory(status=Claim.Status.DRAFT)
    in_review = ClaimFactory(status=Claim.Status.IN_REVIEW)
    assert ids(api.get(CLAIMS)) == {published.id}
    assert api.get(f"{CLAIMS}{draft.id}/").status_code == 404
    assert ids(editor_api.get(CLAIMS)) == {published.id, draft.id, in_review.id}
    assert ids(editor_api.get(CLAIMS, {"status": "draft"})) == {draft.id}


def test_detail_routes_by_slug_and_by_id(api):
    claim = ClaimFactory(framework=FrameworkFactory(slug="flask"), criterion=CriterionFactory(slug="orm"))
    assert api.get("/api/frameworks/flask/").json()["slug"] == "flask"
    assert api.get("/api/criteria/orm/").json()["slug"] == "orm"
    assert api.get(f"/api/sources/{claim.source_id}/").json()["id"] == claim.source_id
    body = api.get(f"{CLAIMS}{claim.id}/").json()
    assert (body["framework"], body["criterion"], body["source_detail"]["title"]) == (
        "flask",
        "orm",
        claim.source.title,
    )


def test_claims_filter_by_several_frameworks_and_criteria(api):
    flask, django, fastapi = (FrameworkFactory(slug=s) for s in ("flask", "django", "fastapi"))
    orm, admin = CriterionFactory(slug="orm"), CriterionFactory(slug="admin")
    a = ClaimFactory(framework=flask, criterion=orm)
    b = ClaimFactory(framework=django, criterion=admin)
    ClaimFactory(framework=fastapi, criterion=orm)
    assert ids(api.get(CLAIMS, {"framework": "flask,django"})) == {a.id, b.id}
    assert ids(api.get(CLAIMS, {"framework": "flask,django", "criterion": "orm"})) == {a.id}


def test_claims_filter_by_rating_date_source_kind_stale_and_contested(api):
    flask, orm = FrameworkFactory(slug="flask"), CriterionFactory(slug="orm")
    low = ClaimFactory(framework=flask, criterion=orm, rating=1, as_of=None)
    high = ClaimFactory(framework=flask, criterion=orm, rating=5, source=SourceFactory(kind="official-docs"))
    calm = ClaimFactory(rating=3)
    assert ids(api.get(CLAIMS, {"rating_min": 4})) == {high.id}
    assert ids(api.get(CLAIMS, {"rating_max": 3})) == {low.id, calm.id}
    assert ids(api.get(CLAIMS, {"as_of_after": high.as_of.isoformat()})) == {high.id, calm.id}
    assert ids(api.get(CLAIMS, {"source_kind": "official-docs"})) == {high.id}
    assert ids(api.get(CLAIMS, {"undated": "true"})) == {low.id}
    assert ids(api.get(CLAIMS, {"stale": "true"})) == set()
    old = ClaimFactory(rating=3, as_of="2001-01-01")
    assert ids(api.get(CLAIMS, {"stale": "true"})) == {old.id}
    old.delete()
    assert ids(api.get(CLAIMS, {"contested": "true"})) == {low.id, high.id}
    assert ids(api.get(CLAIMS, {"contested": "false"})) == {calm.id}
    assert api.get(f"{CLAIMS}{high.id}/").json()["contested"] is True


def test_claims_search_order_and_paginate_with_a_capped_page_size(api):
    ClaimFactory(statement="Flask is tiny.", rating=2)
    ClaimFactory.create_batch(120, rating=4)
    assert [r["statement"] for r in api.get(CLAIMS, {"search": "tiny"}).json()["results"]] == [
        "Flask is tiny."
    ]
    assert api.get(CLAIMS, {"ordering": "rating"}).json()["results"][0]["rating"] == 2
    page = api.get(CLAIMS, {"page_size": 500}).json()
    assert page["count"] == 121 and len(page["results"]) == 100


def test_sources_and_frameworks_filter(api):
    # Anonymous clients see the sources that published claims cite.
    docs = SourceFactory(kind="official-docs", publisher="Django documentation", published_on=None)
    ClaimFactory(source=docs)
    ClaimFactory(source=SourceFactory(kind="article", publisher="DEV"))
    FrameworkFactory(slug="flask", is_featured=True)
    FrameworkFactory(slug="tornado", kind="async-first")
    assert api.get("/api/sources/", {"kind": "article"}).json()["count"] == 1
    assert api.get("/api/sources/", {"publisher": "django"}).json()["count"] == 1
    assert api.get("/api/sources/", {"undated": "true"}).json()["results"][0]["published"] == "undated"
    assert [f["slug"] for f in api.get("/api/frameworks/", {"is_featured": "true"}).json()["results"]] == [
        "flask"
    ]
    assert [f["slug"] for f in api.get("/api/frameworks/", {"kind": "async-first"}).json()["results"]] == [
        "tornado"
    ]


def test_matrix_gives_one_cell_per_framework_and_criterion(api):
    flask, django = (
        FrameworkFactory(slug="flask", is_featured=True),
        FrameworkFactory(slug="django", is_featured=True),
    )
    orm = CriterionFactory(slug="orm")
    CriterionFactory(slug="admin")
    claim = ClaimFactory(framework=flask, criterion=orm, rating=5)
    ClaimFactory(framework=flask, criterion=orm, rating=1)
    body = api.get("/api/matrix/", {"frameworks": "flask,django"}).json()
    cells = {(c["framework"], c["criterion"]): c for c in body["cells"]}
    assert len(cells) == 4
    assert (
        cells["flask", "orm"]["mean_rating"] == pytest.approx(3)
        and cells["flask", "orm"]["contested"] is True
    )
    assert claim.id in cells["flask", "orm"]["claim_ids"] and cells["flask", "orm"]["sources"] == 2
    assert cells["django", "admin"]["empty"] is True and cells["django", "admin"]["score"] == 0.5
    assert api.get("/api/matrix/", {"frameworks": "flask,rails"}).status_code == 400
    assert {c["framework"] for c in api.get("/api/matrix/").json()["cells"]} == {"flask", "django"}
    assert django.slug == "django"


# Writing: editors with a token, under the admin's rules.


def claim_payload(**changes):
    framework, criterion, source = FrameworkFactory(), CriterionFactory(), SourceFactory()
    data = {
        "framework": framework.slug,
        "criterion": criterion.slug,
        "source": source.id,
        "statement": "A drafted claim.",
        "quote": "Verbatim.",
        "rating": 3,
    }
    return {**data, **changes}


def test_anonymous_writes_get_401(api):
    assert api.post(CLAIMS, claim_payload(), format="json").status_code == 401
    assert api.post("/api/sources/", {"slug": "x"}, format="json").status_code == 401


def test_an_editor_drafts_and_changes_a_claim_with_a_token(editor_api, editor):
    response = editor_api.post(CLAIMS, claim_payload(status="published"), format="json")
    assert response.status_code == 201, response.json()
    claim = Claim.objects.get(pk=response.json()["id"])
    assert (claim.status, claim.author, claim.version) == (Claim.Status.DRAFT, editor, 1)

    changed = editor_api.patch(f"{CLAIMS}{claim.id}/", {"rating": 4, "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert claim.history.count() == 2


def test_a_change_from_an_outdated_version_gets_409_and_changes_nothing(editor_api):
    claim = ClaimFactory(status=Claim.Status.DRAFT, rating=3)
    assert (
        editor_api.patch(f"{CLAIMS}{claim.id}/", {"rating": 4, "version": 1}, format="json").status_code
        == 200
    )
    stale = editor_api.patch(f"{CLAIMS}{claim.id}/", {"rating": 1, "version": 1}, format="json")
    assert stale.status_code == 409 and "Someone else saved this claim" in stale.json()["detail"]
    claim.refresh_from_db()
    assert claim.rating == 4
    missing = editor_api.patch(f"{CLAIMS}{claim.id}/", {"rating": 1}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()


def test_a_published_claim_cannot_be_changed_through_the_api(editor_api):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    response = editor_api.patch(f"{CLAIMS}{claim.id}/", {"rating": 1, "version": 1}, format="json")
    assert response.status_code == 400 and "can no longer be changed" in str(response.json())


def test_an_editor_doing_a_reviewers_action_gets_403(editor_api, other_editor):
    claim = ClaimFactory(status=Claim.Status.IN_REVIEW, author=other_editor)
    assert editor_api.post(f"{CLAIMS}{claim.id}/publish/").status_code == 403
    assert editor_api.post(f"{CLAIMS}{claim.id}/retire/").status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_REVIEW


def test_the_workflow_through_the_api_with_the_four_eyes_rule(editor_api, editor, reviewer_api, reviewer):
    claim = ClaimFactory(status=Claim.Status.DRAFT, author=editor)
    assert editor_api.post(f"{CLAIMS}{claim.id}/submit/").json()["status"] == "in-review"
    assert reviewer_api.post(f"{CLAIMS}{claim.id}/publish/").json()["status"] == "published"
    assert reviewer_api.post(f"{CLAIMS}{claim.id}/publish/").status_code == 409

    own = ClaimFactory(status=Claim.Status.IN_REVIEW, author=reviewer)
    refused = reviewer_api.post(f"{CLAIMS}{own.id}/publish/")
    assert refused.status_code == 403 and "four-eyes" in refused.json()["detail"]


def test_retiring_through_the_api_says_why(reviewer_api, client):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    retired = reviewer_api.post(
        f"{CLAIMS}{claim.id}/retire/", {"reason": " Its source withdrew the page. "}, format="json"
    )
    assert retired.status_code == 200
    assert (retired.json()["status"], retired.json()["retired_reason"]) == (
        "retired",
        "Its source withdrew the page.",
    )
    claim.refresh_from_db()
    assert (claim.status, claim.retired_reason) == (Claim.Status.RETIRED, "Its source withdrew the page.")


@pytest.mark.parametrize("body", [None, {}, {"reason": ""}, {"reason": "   "}, {"reason": None}, [1]])
def test_retiring_through_the_api_without_a_reason_is_a_400(reviewer_api, body):
    claim = ClaimFactory(status=Claim.Status.PUBLISHED)
    response = reviewer_api.post(f"{CLAIMS}{claim.id}/retire/", body, format="json")
    assert response.status_code == 400
    if isinstance(body, dict | None):
        assert "Say why the claim is retired" in str(response.json())
    claim.refresh_from_db()
    assert (claim.status, claim.retired_reason) == (Claim.Status.PUBLISHED, "")


def test_the_retired_reason_is_read_only_through_the_api(editor_api):
    claim = ClaimFactory(status=Claim.Status.DRAFT)
    response = editor_api.patch(
        f"{CLAIMS}{claim.id}/", {"retired_reason": "Sneaked in.", "version": 1}, format="json"
    )
    assert response.status_code == 200 and response.json()["retired_reason"] == ""


def test_editors_create_and_change_sources_with_the_model_rules(editor_api):
    created = editor_api.post(
        "/api/sources/",
        {
            "slug": "new",
            "title": "A new source",
            "kind": "article",
            "url": "ftp://x.org/",
            "accessed_on": "2026-11-20",
        },
        format="json",
    )
    assert created.status_code == 400 and "http://" in str(created.json()["url"])
    created = editor_api.post(
        "/api/sources/",
        {"slug": "new", "title": "A new source", "kind": "article", "url": "", "accessed_on": "2026-11-20"},
        format="json",
    )
    assert created.status_code == 201
    source_id = created.json()["id"]
    assert (
        editor_api.patch(f"/api/sources/{source_id}/", {"title": "Renamed"}, format="json").status_code == 200
    )
    # Evidence is never deleted through the API (the role lacks the permission, the view the method).
    assert editor_api.delete(f"/api/sources/{source_id}/").status_code in {403, 405}
    assert editor_api.get(f"/api/sources/{source_id}/").json()["title"] == "Renamed"


def test_a_user_without_a_role_cannot_write(db):
    from tests.conftest import token_client

    client = token_client(UserFactory(is_staff=False))
    assert client.post(CLAIMS, claim_payload(), format="json").status_code == 403


@pytest.mark.parametrize("rows", [5, 150])
@pytest.mark.parametrize(
    "url", [CLAIMS, "/api/sources/", "/api/frameworks/", "/api/criteria/", "/api/questions/", "/api/matrix/"]
)
def test_list_endpoints_use_a_fixed_number_of_queries(api, django_assert_max_num_queries, rows, url):
    for _ in range(rows // 5):
        ClaimFactory.create_batch(5, framework=FrameworkFactory(), criterion=CriterionFactory())
    with django_assert_max_num_queries(4):
        assert api.get(url, {"page_size": 100}).status_code == 200
    assert reverse("claim-list") == CLAIMS


def test_a_slug_holding_a_nul_byte_is_refused_before_it_reaches_the_database(editor_api):
    response = editor_api.post(CLAIMS, claim_payload(criterion="or\x00m"), format="json")
    assert response.status_code == 400 and "criterion" in response.json()
