"""A snippet's rules: what its files, command, requirements and scope may be, where it must come
from, and the review workflow it shares with claims."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from frameworks.models import EditConflict, WorkflowError
from infrastructure.data_versions import tables_version
from snippets.models import Snippet, Task, VerificationRun
from tests.factories import (
    HELLO,
    FrameworkFactory,
    SnippetFactory,
    SourceFactory,
    SourceTextFactory,
    UserFactory,
    VerificationRunFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(snippet) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        snippet.full_clean()
    return refused.value.message_dict


def test_a_valid_snippet_passes_every_check():
    SnippetFactory().full_clean()


@pytest.mark.parametrize("scope", ["3.0", ">=3.0,<", "flask>=3", "~=3"])
def test_a_scope_that_is_not_a_specifier_is_refused_with_an_example(scope):
    errors = errors_of(SnippetFactory.build(applies_to=scope, task=SnippetFactory().task))
    assert "is not a version scope" in " ".join(errors["applies_to"])


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "../app.py",
        "templates/../../x.py",
        "C:/app.py",
        "a\\b.py",
        ".env",
        "~/app.py",
        "",
        "a//b.py",
    ],
)
def test_a_file_path_that_could_leave_the_run_directory_is_refused(path):
    snippet = SnippetFactory()
    snippet.files = {"app.py": HELLO, path: "x = 1\n"}
    assert "files" in errors_of(snippet)


def test_files_in_folders_are_fine_and_code_keeps_its_whitespace():
    snippet = SnippetFactory(files={"app.py": HELLO, "templates/hello.html": "<p>  {{ name }}</p>\n"})
    snippet.full_clean()
    snippet.refresh_from_db()
    assert snippet.files["templates/hello.html"] == "<p>  {{ name }}</p>\n" and snippet.line_count == 6


def test_the_line_count_leaves_out_blank_lines():
    assert SnippetFactory(files={"a.py": "x = 1\n\n   \ny = 2\n", "b.py": "z = 3"}).line_count == 3


@pytest.mark.parametrize("requirements", [["flask sqlalchemy"], ["pytest>>8"], [""], "pytest", [3]])
def test_a_requirement_that_is_not_pep_508_is_refused(requirements):
    snippet = SnippetFactory()
    snippet.requirements = requirements
    assert "requirements" in errors_of(snippet)


def test_requirements_by_url_are_refused_and_plain_ones_accepted():
    snippet = SnippetFactory(requirements=["flask-sqlalchemy>=3.1", "pytest"])
    snippet.full_clean()
    snippet.requirements = ["evil @ https://example.org/evil.whl"]
    assert "not a URL" in " ".join(errors_of(snippet)["requirements"])


@pytest.mark.parametrize("command", ["", "{python} -c 'unclosed", "{python} app.py --secret {SECRET_KEY}"])
def test_a_command_that_cannot_be_split_or_filled_in_is_refused(command):
    snippet = SnippetFactory()
    snippet.command = command
    assert "command" in errors_of(snippet)


def test_a_request_check_needs_the_port_and_a_path():
    snippet = SnippetFactory()
    snippet.command, snippet.check_path = "{python} app.py", "index"
    assert set(errors_of(snippet)) >= {"command", "check_path"}
    snippet.check_kind, snippet.expect_status = Snippet.CheckKind.EXIT, 0
    snippet.full_clean()


def test_quoted_code_cites_its_source_and_contains_the_quote():
    snippet = SnippetFactory(
        origin=Snippet.Origin.QUOTED, source=SourceFactory(), quote="app = Flask(__name__)"
    )
    snippet.full_clean()
    snippet.quote = "app = Flask('elsewhere')"
    assert "choose adapted" in " ".join(errors_of(snippet)["quote"])
    snippet.origin = Snippet.Origin.ADAPTED
    assert "note" in errors_of(snippet)
    snippet.note = "The article's app, with the route the check requests."
    snippet.full_clean()


def test_code_from_a_source_needs_the_source_and_an_editors_needs_none():
    snippet = SnippetFactory.build(task=SnippetFactory().task, framework=FrameworkFactory())
    snippet.origin, snippet.quote = Snippet.Origin.QUOTED, "app = Flask(__name__)"
    assert "source" in errors_of(snippet)
    snippet.origin, snippet.source = Snippet.Origin.EDITOR, SourceFactory()
    assert "source" in errors_of(snippet)


def test_the_database_refuses_a_quoted_snippet_without_source_or_quote():
    snippet = SnippetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Snippet.objects.filter(pk=snippet.pk).update(origin=Snippet.Origin.QUOTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Snippet.objects.filter(pk=snippet.pk).update(origin=Snippet.Origin.QUOTED, source=SourceFactory())


def test_the_version_scope_and_what_it_was_written_for():
    framework = FrameworkFactory(name="Flask", current_version="3.1.3")
    old = SnippetFactory(framework=framework, applies_to="<3.0")
    assert not old.in_scope and old.written_for == "Flask <3.0"
    assert SnippetFactory(framework=framework).in_scope


def test_runs_are_found_by_target_and_the_scope_run_only_while_inside_the_scope():
    snippet = SnippetFactory(framework=FrameworkFactory(current_version="3.1.3"), applies_to="<3.0")
    current = VerificationRunFactory(
        snippet=snippet, ok=False, outcome="failed", error_tail="E\nImportError: x"
    )
    scoped = VerificationRunFactory(snippet=snippet, target="scope", framework_version="2.3.3")
    snippet = Snippet.objects.for_pages().get(pk=snippet.pk)
    assert (snippet.current_run, snippet.scope_run) == (current, scoped)
    assert current.error_summary == "ImportError: x"
    snippet.applies_to = ">=3.0"  # edited since the run: 2.3.3 is no longer what it is written for
    assert snippet.scope_run is None
    snippet.applies_to = ""  # every version: 2.3.3 is inside, though no longer the newest one
    assert snippet.scope_run == scoped


# The review workflow, as claims have it.


def test_a_snippet_goes_from_draft_to_published_to_retired():
    author, reviewer = UserFactory(), UserFactory()
    snippet = SnippetFactory(status=Snippet.Status.DRAFT, author=author)
    with transaction.atomic():
        snippet.take_step("submit_for_review", author)
        snippet.take_step("publish", reviewer)
    assert (snippet.status, snippet.reviewer, snippet.version) == (Snippet.Status.PUBLISHED, reviewer, 3)
    with pytest.raises(WorkflowError, match="Say why the snippet is retired"):
        snippet.retire(reviewer, " ")
    snippet.take_step("retire", reviewer, "Flask removed the API it shows.")
    assert Snippet.objects.get(pk=snippet.pk).retired_reason == "Flask removed the API it shows."
    assert snippet.history.count() == 4


def test_four_eyes_neither_the_author_nor_the_last_editor_publishes():
    author, editor = UserFactory(), UserFactory()
    snippet = SnippetFactory(status=Snippet.Status.IN_REVIEW, author=author, last_edited_by=editor)
    for user in (author, editor):
        with pytest.raises(WorkflowError, match="someone else must review") as refused:
            snippet.publish(user)
        assert refused.value.code == "four_eyes"
    with pytest.raises(WorkflowError, match="Only snippets in review can be published"):
        SnippetFactory(status=Snippet.Status.DRAFT).publish(UserFactory())


def test_the_database_refuses_a_snippet_reviewed_by_its_author():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SnippetFactory(author=user, reviewer=user)


def test_publishing_code_from_a_source_looks_for_the_quote_in_its_stored_text():
    text = SourceTextFactory(text="Quickstart.\n\n    from flask import Flask\n    app = Flask(__name__)\n")
    snippet = SnippetFactory(
        status=Snippet.Status.IN_REVIEW,
        origin=Snippet.Origin.ADAPTED,
        note="Adds a route.",
        source=text.source,
        quote="from flask import Flask, request",
    )
    with pytest.raises(WorkflowError, match="not in the source's stored text") as refused:
        snippet.publish(UserFactory())
    assert "from flask import Flask" in str(refused.value)
    snippet.quote = "from flask import Flask\napp = Flask(__name__)"
    snippet.publish(UserFactory())
    assert snippet.status == Snippet.Status.PUBLISHED


def test_an_edit_from_an_outdated_version_is_refused():
    snippet = SnippetFactory(status=Snippet.Status.DRAFT)
    with transaction.atomic():
        snippet.begin_edit(loaded_version=1)
        snippet.save()
    with pytest.raises(EditConflict, match="saved this snippet after you opened it"), transaction.atomic():
        Snippet.objects.get(pk=snippet.pk).begin_edit(loaded_version=1)


def test_every_snippets_table_is_watched_so_cached_pages_move_on():
    run = VerificationRunFactory()
    for model, row in ((Task, run.snippet.task), (Snippet, run.snippet), (VerificationRun, run)):
        before, before_all = tables_version([model]), tables_version()
        model.objects.filter(pk=row.pk).update(**{model._meta.pk.attname: row.pk})
        assert tables_version([model]).token != before.token, model.__name__
        assert tables_version().token != before_all.token, model.__name__
