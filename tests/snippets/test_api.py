"""GET /api/snippets/ and /api/snippets/<id>/: the code, its citation and what running it showed;
editors draft snippets as they draft claims, under the same workflow."""

import pytest

from snippets.models import Snippet
from tests.factories import (
    HELLO,
    FrameworkFactory,
    SnippetFactory,
    SourceFactory,
    TaskFactory,
    VerificationRunFactory,
)

pytestmark = pytest.mark.django_db

SNIPPETS = "/api/snippets/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def snippets(db):
    flask = FrameworkFactory(slug="flask", name="Flask", current_version="3.1.3")
    django = FrameworkFactory(slug="django", name="Django", current_version="5.2.19")
    hello, forms = TaskFactory(slug="hello-world"), TaskFactory(slug="forms")
    runs = SnippetFactory(task=hello, framework=flask)
    VerificationRunFactory(snippet=runs)
    fails = SnippetFactory(task=hello, framework=django)
    VerificationRunFactory(
        snippet=fails,
        framework_version="5.2.19",
        ok=False,
        outcome="failed",
        error_tail="Error\nImportError: x",
    )
    unchecked = SnippetFactory(task=forms, framework=django)
    draft = SnippetFactory(task=forms, framework=flask, status=Snippet.Status.DRAFT)
    return {"runs": runs, "fails": fails, "unchecked": unchecked, "draft": draft}


def test_anonymous_clients_read_published_snippets_only(api, editor_api, snippets):
    published = {snippets[name].id for name in ("runs", "fails", "unchecked")}
    assert ids(api.get(SNIPPETS)) == published
    assert api.get(f"{SNIPPETS}{snippets['draft'].id}/").status_code == 404
    assert ids(editor_api.get(SNIPPETS)) == published | {snippets["draft"].id}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"framework": "flask"}, {"runs"}),
        ({"framework": "flask,django"}, {"runs", "fails", "unchecked"}),
        ({"task": "forms"}, {"unchecked"}),
        ({"verified_ok": "true"}, {"runs"}),
        ({"verified_ok": "false"}, {"fails"}),
        ({"task": "hello-world", "verified_ok": "false"}, {"fails"}),
        ({"framework": "nosuch"}, set()),
    ],
)
def test_filters_by_framework_task_and_whether_it_runs(api, snippets, query, expected):
    assert ids(api.get(SNIPPETS, query)) == {snippets[name].id for name in expected}


def test_a_filter_value_that_is_not_a_boolean_is_ignored_like_the_claims_filters(api, snippets):
    everything = ids(api.get(SNIPPETS))
    assert ids(api.get(SNIPPETS, {"verified_ok": "perhaps"})) == everything
    assert ids(api.get("/api/claims/", {"stale": "perhaps"})) == ids(api.get("/api/claims/"))


def test_the_detail_has_the_code_the_citation_and_the_run(api, snippets):
    source = SourceFactory(title="Flask quickstart", publisher="Pallets")
    snippet = SnippetFactory(
        framework=snippets["runs"].framework,
        origin=Snippet.Origin.QUOTED,
        source=source,
        quote="app = Flask(__name__)",
        applies_to=">=3.0",
        requirements=["pytest>=8"],
    )
    VerificationRunFactory(snippet=snippet)
    data = api.get(f"{SNIPPETS}{snippet.id}/").json()
    assert data["files"] == {"app.py": HELLO} and data["line_count"] == 5
    assert data["command"] == "{python} -m flask --app app run --port {port}"
    assert data["check"] == {
        "kind": "request",
        "method": "GET",
        "path": "/?name=World",
        "expect_status": 200,
        "expect_body": "Hello, World",
    }
    assert data["source_detail"]["title"] == "Flask quickstart" and data["source"] == source.id
    assert (data["origin"], data["quote"], data["applies_to"]) == ("quoted", "app = Flask(__name__)", ">=3.0")
    assert data["applies_to_current_version"] is True and data["requirements"] == ["pytest>=8"]
    assert (data["verified_version"], data["verified_ok"], data["verified_outcome"]) == (
        "3.1.3",
        True,
        "passed",
    )
    assert data["verified_at"] == "2026-12-01T06:00:00Z" and data["error"] == ""
    assert data["installed"] == {"flask": "3.1.3", "werkzeug": "3.1.4"} and data["in_scope_run"] is None


def test_a_failure_and_a_snippet_never_run_say_so(api, snippets):
    failed = api.get(f"{SNIPPETS}{snippets['fails'].id}/").json()
    assert (failed["verified_ok"], failed["error"]) == (False, "Error\nImportError: x")
    never = api.get(f"{SNIPPETS}{snippets['unchecked'].id}/").json()
    assert (never["verified_ok"], never["verified_version"], never["verified_at"]) == (None, None, None)


def test_an_out_of_scope_snippet_carries_its_run_inside_the_scope(api, snippets):
    old = SnippetFactory(framework=snippets["runs"].framework, applies_to="<3.0")
    VerificationRunFactory(snippet=old, ok=False, outcome="failed")
    VerificationRunFactory(snippet=old, target="scope", framework_version="2.3.3")
    data = api.get(f"{SNIPPETS}{old.id}/").json()
    assert data["applies_to_current_version"] is False and data["verified_ok"] is False
    assert data["in_scope_run"]["version"] == "2.3.3" and data["in_scope_run"]["ok"] is True


def test_the_list_runs_in_a_fixed_number_of_queries(api, snippets, django_assert_max_num_queries):
    for _ in range(20):
        VerificationRunFactory(snippet=SnippetFactory(framework=snippets["runs"].framework))
    with django_assert_max_num_queries(4):  # version, count, page, runs
        assert len(api.get(SNIPPETS).json()["results"]) == 20


# Editors write drafts; the scope, the files and the requirements are checked as in the admin.


def draft_body(task, framework, **changes):
    return {
        "task": task.slug,
        "framework": framework.slug,
        "title": "Hello",
        "files": {"app.py": HELLO},
        "command": "{python} -m flask --app app run --port {port}",
        "check": {"kind": "request", "path": "/?name=World", "expect_body": "Hello"},
        "origin": "editor",
        **changes,
    }


def test_an_editor_drafts_a_snippet_and_is_its_author(editor_api, editor, snippets):
    body = draft_body(TaskFactory(), snippets["runs"].framework)
    response = editor_api.post(SNIPPETS, body, format="json")
    assert response.status_code == 201, response.json()
    snippet = Snippet.objects.get(pk=response.json()["id"])
    assert (snippet.status, snippet.author, snippet.check_path) == (
        Snippet.Status.DRAFT,
        editor,
        "/?name=World",
    )
    assert snippet.files == {"app.py": HELLO}  # the code's whitespace kept


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"applies_to": "3.0"}, "applies_to", "is not a version scope"),
        ({"applies_to": ">=3.0,<"}, "applies_to", "is not a version scope"),
        ({"files": {"../app.py": "x"}}, "files", "may not contain"),
        ({"files": {"/tmp/app.py": "x"}}, "files", "relative path"),
        ({"requirements": ["flask sqlalchemy"]}, "requirements", "PEP 508"),
        ({"command": "{python} app.py {secret}"}, "command", "placeholders"),
        ({"origin": "quoted"}, "source", "cites its source"),
    ],
)
def test_an_invalid_draft_is_a_400_naming_the_field(editor_api, snippets, changes, field, message):
    body = draft_body(TaskFactory(), snippets["runs"].framework, **changes)
    response = editor_api.post(SNIPPETS, body, format="json")
    assert response.status_code == 400, response.json()
    assert message in str(response.json()[field])


def test_anonymous_clients_cannot_write(api, snippets):
    assert (
        api.post(SNIPPETS, draft_body(TaskFactory(), snippets["runs"].framework), format="json").status_code
        == 401
    )


def test_the_workflow_and_four_eyes_through_the_api(editor_api, reviewer_api, snippets):
    draft = snippets["draft"]
    changed = editor_api.patch(f"{SNIPPETS}{draft.id}/", {"title": "Changed", "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = editor_api.patch(f"{SNIPPETS}{draft.id}/", {"title": "Again", "version": 1}, format="json")
    assert stale.status_code == 409
    assert editor_api.post(f"{SNIPPETS}{draft.id}/submit/").json()["status"] == "in-review"
    assert editor_api.post(f"{SNIPPETS}{draft.id}/publish/").status_code == 403  # not a reviewer
    assert reviewer_api.post(f"{SNIPPETS}{draft.id}/publish/").json()["status"] == "published"
    refused = reviewer_api.post(f"{SNIPPETS}{draft.id}/retire/", {"reason": " "}, format="json")
    assert refused.status_code == 400 and "Say why the snippet is retired" in str(refused.json())
    retired = reviewer_api.post(f"{SNIPPETS}{draft.id}/retire/", {"reason": "Replaced."}, format="json")
    assert retired.json()["status"] == "retired"


def test_a_reviewer_cannot_publish_a_snippet_they_changed_last(reviewer_api, snippets):
    draft = snippets["draft"]
    reviewer_api.patch(f"{SNIPPETS}{draft.id}/", {"title": "Mine now", "version": 1}, format="json")
    reviewer_api.post(f"{SNIPPETS}{draft.id}/submit/")
    refused = reviewer_api.post(f"{SNIPPETS}{draft.id}/publish/")
    assert refused.status_code == 403 and "four-eyes" in refused.json()["detail"]


def test_a_published_snippet_cannot_be_changed(editor_api, snippets):
    published = snippets["runs"]
    response = editor_api.patch(f"{SNIPPETS}{published.id}/", {"title": "X", "version": 1}, format="json")
    assert response.status_code == 400 and "can no longer be changed" in str(response.json())


# The OpenAPI document.


def test_the_schema_documents_the_snippets_endpoints(client):
    document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert {"/api/snippets/", "/api/snippets/{id}/", "/api/snippets/{id}/publish/"} <= set(document["paths"])
    parameters = {p["name"] for p in document["paths"]["/api/snippets/"]["get"]["parameters"]}
    assert {"framework", "task", "verified_ok"} <= parameters
    ref = document["paths"]["/api/snippets/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    schema = document["components"]["schemas"][ref["schema"]["$ref"].rsplit("/", 1)[1]]
    fields = schema["properties"]
    for name in (
        "files",
        "source_detail",
        "verified_version",
        "verified_ok",
        "verified_at",
        "error",
        "line_count",
    ):
        assert name in fields, name
    assert fields["verified_ok"].get("nullable") is True
    assert set(document["paths"]["/api/snippets/{id}/"]) == {"get", "put", "patch"}
