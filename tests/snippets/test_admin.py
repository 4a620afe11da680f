"""Editors curate snippets in the admin under the claims' review workflow; runs are read-only."""

import json

import pytest
from django.urls import reverse

from snippets.models import Snippet
from tests.factories import HELLO, FrameworkFactory, SnippetFactory, TaskFactory, VerificationRunFactory

pytestmark = pytest.mark.django_db

SNIPPETS = reverse("admin:snippets_snippet_changelist")
ADD = reverse("admin:snippets_snippet_add")
NO_RUNS = {"runs-TOTAL_FORMS": 0, "runs-INITIAL_FORMS": 0}


def form(task, framework, **changes):
    data = {
        "task": task.pk,
        "framework": framework.pk,
        "title": "Hello",
        "origin": "editor",
        "source": "",
        "quote": "",
        "note": "",
        "applies_to": "",
        "files": json.dumps({"app.py": HELLO}),
        "command": "{python} -m flask --app app run --port {port}",
        "requirements": "[]",
        "check_kind": "request",
        "check_method": "GET",
        "check_path": "/?name=World",
        "expect_status": 200,
        "expect_body": "Hello",
        "loaded_version": "",
        "_save": "Save",
        **NO_RUNS,
    }
    return {**data, **changes}


def run_action(client, action, *snippets, **fields):
    data = {"action": action, "_selected_action": [s.pk for s in snippets], **fields}
    return client.post(SNIPPETS, data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_an_editor_drafts_a_snippet_and_is_its_author(editor_client, editor):
    task, framework = TaskFactory(), FrameworkFactory()
    response = editor_client.post(ADD, form(task, framework))
    assert response.status_code == 302, response.content.decode()[:2000]
    snippet = Snippet.objects.get()
    assert (snippet.status, snippet.author, snippet.last_edited_by) == ("draft", editor, editor)
    assert snippet.files == {"app.py": HELLO} and snippet.history.count() == 1


@pytest.mark.parametrize("scope", ["3.0", ">=3.0,<", "latest"])
def test_an_invalid_scope_is_refused_with_a_clear_message(editor_client, scope):
    response = editor_client.post(ADD, form(TaskFactory(), FrameworkFactory(), applies_to=scope))
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a version scope" in page and "needs an" in page
    assert not Snippet.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"files": json.dumps({"../../etc/cron.d/x": "x"})}, "may not contain empty, . or .. parts"),
        ({"requirements": json.dumps(["flask sqlalchemy"])}, "is not a PEP 508 requirement"),
        ({"origin": "quoted"}, "cites its source"),
    ],
)
def test_bad_files_requirements_and_origins_are_refused(editor_client, changes, message):
    response = editor_client.post(ADD, form(TaskFactory(), FrameworkFactory(), **changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Snippet.objects.exists()


def test_the_list_shows_and_filters_whether_each_runs(editor_client):
    runs, fails, _never = (SnippetFactory(title=title) for title in ("Runs", "Fails", "Never"))
    VerificationRunFactory(snippet=runs)
    VerificationRunFactory(snippet=fails, ok=False, outcome="failed")
    page = editor_client.get(SNIPPETS).content.decode()
    assert "Passed on 3.1.3" in page and "Failed on 3.1.3" in page and "not checked yet" in page
    for value, title in (("yes", "Runs"), ("no", "Fails"), ("unchecked", "Never")):
        response = editor_client.get(SNIPPETS, {"verified": value})
        assert [s.title for s in response.context["cl"].result_list] == [title]


def test_submit_then_a_reviewer_publishes_under_four_eyes(editor_client, editor, client, reviewer):
    snippet = SnippetFactory(status=Snippet.Status.DRAFT, author=editor)
    assert "1 snippet(s) submitted for review." in messages_of(
        run_action(editor_client, "submit_for_review", snippet)
    )
    # The editor is not offered the publish action; running it changes nothing.
    run_action(editor_client, "publish", snippet)
    snippet.refresh_from_db()
    assert snippet.status == Snippet.Status.IN_REVIEW
    client.force_login(reviewer)
    assert "1 snippet(s) published." in messages_of(run_action(client, "publish", snippet))
    snippet.refresh_from_db()
    assert (snippet.status, snippet.reviewer) == (Snippet.Status.PUBLISHED, reviewer)


def test_four_eyes_a_reviewer_cannot_publish_their_own_snippet(reviewer_client, reviewer):
    snippet = SnippetFactory(status=Snippet.Status.IN_REVIEW, author=reviewer)
    shown = messages_of(run_action(reviewer_client, "publish", snippet))
    assert any("someone else must review and publish it (four-eyes rule)" in m for m in shown)
    snippet.refresh_from_db()
    assert snippet.status == Snippet.Status.IN_REVIEW


def test_retiring_asks_why_then_retires(reviewer_client):
    snippet = SnippetFactory()
    asked = run_action(reviewer_client, "retire", snippet)
    page = asked.content.decode()
    assert "Why retire these snippets?" in page and "Retired snippets leave the public pages" in page
    run_action(reviewer_client, "retire", snippet, apply="yes", reason="Flask 3 removed escape.")
    snippet.refresh_from_db()
    assert (snippet.status, snippet.retired_reason) == (Snippet.Status.RETIRED, "Flask 3 removed escape.")


def test_withdrawing_a_draft(editor_client):
    snippet = SnippetFactory(status=Snippet.Status.DRAFT)
    run_action(editor_client, "withdraw", snippet)
    snippet.refresh_from_db()
    assert snippet.status == Snippet.Status.WITHDRAWN


def test_runs_are_shown_read_only_and_published_snippets_are_frozen(editor_client):
    snippet = SnippetFactory()
    VerificationRunFactory(snippet=snippet, ok=False, outcome="failed", error_tail="ImportError: escape")
    url = reverse("admin:snippets_snippet_change", args=[snippet.pk])
    page = editor_client.get(url).content.decode()
    assert "ImportError: escape" in page and 'name="runs-0-outcome"' not in page
    assert 'name="title"' not in page  # published: read-only
    response = editor_client.post(
        url, form(snippet.task, snippet.framework, title="Changed", loaded_version=1)
    )
    snippet.refresh_from_db()
    assert snippet.title != "Changed" and response.status_code in (200, 302, 403)


def test_an_edit_from_an_outdated_form_is_refused(editor_client, other_editor, client):
    snippet = SnippetFactory(status=Snippet.Status.DRAFT)
    url = reverse("admin:snippets_snippet_change", args=[snippet.pk])
    first = editor_client.post(url, form(snippet.task, snippet.framework, title="First", loaded_version=1))
    assert first.status_code == 302
    client.force_login(other_editor)
    second = client.post(url, form(snippet.task, snippet.framework, title="Second", loaded_version=1))
    assert second.status_code == 200 and "saved this snippet after you opened it" in second.content.decode()
    snippet.refresh_from_db()
    assert snippet.title == "First"


def test_nobody_in_a_role_may_delete_a_snippet(editor_client, reviewer_client):
    delete = reverse("admin:snippets_snippet_delete", args=[SnippetFactory().pk])
    assert editor_client.get(delete).status_code == 403
    assert reviewer_client.get(delete).status_code == 403


def test_the_changelist_runs_in_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries):
    for _ in range(20):
        VerificationRunFactory(snippet=SnippetFactory())
    with django_assert_max_num_queries(12):
        assert editor_client.get(SNIPPETS).status_code == 200
