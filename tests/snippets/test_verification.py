"""What verify_snippets plans and records. The runner itself (snippets/runner.py) answers with a
RunResult; here a plain object of the same shape stands for one, so that recording is tested
without running anything."""

import datetime
import io
import json
from types import SimpleNamespace

import pytest

from snippets import verification
from snippets.models import VerificationRun
from snippets.verification import Target, describe, newest_in_scope, plan, record
from tests.factories import FrameworkFactory, SnippetFactory, VerificationRunFactory

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 12, 1, 6, 0, tzinfo=datetime.UTC)


def result(ok=True, outcome="passed", installed=None, error_tail="", duration_seconds=1.5):
    return SimpleNamespace(
        ok=ok,
        outcome=outcome,
        installed={"flask": "3.1.3", "werkzeug": "3.1.4"} if installed is None else installed,
        error_tail=error_tail,
        duration_seconds=duration_seconds,
    )


def flask(**fields):
    return FrameworkFactory(slug="flask", name="Flask", current_version="3.1.3", **fields)


def test_a_run_is_recorded_with_the_versions_installed_and_when():
    snippet = SnippetFactory(framework=flask())
    run = record(snippet, Target("current", "3.1.3"), result(), WHEN)
    stored = VerificationRun.objects.get(snippet=snippet)
    assert stored == run
    assert (stored.framework_version, stored.ok, stored.outcome) == ("3.1.3", True, "passed")
    assert stored.installed == {"flask": "3.1.3", "werkzeug": "3.1.4"}
    assert (stored.ran_at, stored.duration_seconds, stored.error_tail) == (WHEN, 1.5, "")


def test_a_later_run_replaces_the_earlier_one_at_the_same_target():
    snippet = SnippetFactory(framework=flask())
    record(snippet, Target("current", "3.1.2"), result(), WHEN)
    tail = 'Traceback (most recent call last):\n  File "app.py", line 1\n'
    tail += "ImportError: cannot import name 'escape'"
    record(snippet, Target("current", "3.1.3"), result(ok=False, outcome="failed", error_tail=tail))
    run = VerificationRun.objects.get(snippet=snippet)
    assert (run.framework_version, run.ok, run.outcome) == ("3.1.3", False, "failed")
    assert run.error_summary == "ImportError: cannot import name 'escape'"
    assert "ImportError" in describe(snippet, run)


@pytest.mark.parametrize("outcome", ["timed-out", "install-failed", "failed"])
def test_a_run_that_did_not_pass_is_never_ok(outcome):
    snippet = SnippetFactory(framework=flask())
    # A runner that said ok with an outcome other than passed is believed on the outcome.
    run = record(snippet, Target("current", "3.1.3"), result(ok=True, outcome=outcome, installed={}))
    assert not run.ok and run.outcome == outcome


def test_runs_at_the_current_version_and_in_scope_are_kept_apart():
    snippet = SnippetFactory(framework=flask(), applies_to="<3.0")
    record(snippet, Target("current", "3.1.3"), result(ok=False, outcome="failed"))
    record(snippet, Target("scope", "2.3.3"), result(installed={"flask": "2.3.3"}))
    assert set(snippet.runs.values_list("target", "ok")) == {("current", False), ("scope", True)}


def test_describe_prints_one_line_per_run():
    snippet = SnippetFactory(framework=flask())
    snippet.seed_key = "flask-hello-world"
    run = VerificationRunFactory(snippet=snippet, duration_seconds=2.14)
    assert describe(snippet, run) == "flask-hello-world  Flask 3.1.3  passed  (2.1 s)"


# Which versions a snippet runs at.


def releases_up_to_current(framework):
    return ["2.3.3", "3.0.0", "3.1.3"]


def test_a_snippet_in_scope_runs_at_the_current_version_only_while_that_is_the_newest():
    for scope in ("", ">=3.0", "==3.1.*"):
        assert plan(SnippetFactory(framework=flask(), applies_to=scope), releases_up_to_current) == [
            Target("current", "3.1.3")
        ]


def test_a_newer_release_inside_the_scope_is_run_too():
    releases = ["3.1.3", "3.2.0", "4.0.0"]
    snippet = SnippetFactory(framework=flask(), applies_to="<4")
    assert plan(snippet, lambda framework: releases) == [Target("current", "3.1.3"), Target("scope", "3.2.0")]


def test_without_pypi_a_snippet_runs_at_the_current_version_only():
    assert plan(SnippetFactory(framework=flask(), applies_to="<3.0"), lambda framework: []) == [
        Target("current", "3.1.3")
    ]


def test_a_snippet_out_of_scope_also_runs_at_the_newest_release_inside_it():
    releases = ["1.1.4", "2.2.5", "2.3.3", "3.0.0rc1", "3.0.0", "3.1.3", "not-a-version"]
    snippet = SnippetFactory(framework=flask(), applies_to="<3.0")
    assert plan(snippet, lambda framework: releases) == [Target("current", "3.1.3"), Target("scope", "2.3.3")]


def test_newest_in_scope_skips_pre_releases_and_finds_none_outside():
    assert newest_in_scope(["2.3.3", "2.4.0rc1", "2.4.0.dev1"], "<3.0") == "2.3.3"
    assert newest_in_scope(["3.0.0", "3.1.3"], "<3.0") is None
    assert newest_in_scope(["3.0.0"], "not a scope") is None


def test_a_framework_without_a_version_is_not_run():
    assert plan(SnippetFactory(framework=FrameworkFactory(current_version="")), lambda framework: []) == []


def test_runs_no_longer_needed_are_forgotten():
    snippet = SnippetFactory(framework=flask())
    VerificationRunFactory(snippet=snippet, target="scope", framework_version="2.3.3")
    VerificationRunFactory(snippet=snippet)
    verification.forget_unneeded(snippet, [Target("current", "3.1.3")])
    assert list(snippet.runs.values_list("target", flat=True)) == ["current"]


def test_pypi_releases_leaves_out_yanked_and_empty_releases(monkeypatch):
    document = {
        "releases": {
            "2.3.3": [{"yanked": False}],
            "2.3.4": [{"yanked": True}],
            "2.4.0": [],
            "3.1.3": [{"yanked": False}, {"yanked": True}],
        }
    }
    asked = []

    def urlopen(url, timeout):
        asked.append((url, timeout))
        return io.BytesIO(json.dumps(document).encode())

    monkeypatch.setattr(verification.urllib.request, "urlopen", urlopen)
    assert verification.pypi_releases(flask(), timeout=5) == ["2.3.3", "3.1.3"]
    assert asked == [("https://pypi.org/pypi/flask/json", 5)]


def test_the_framework_requirement_names_the_exact_release(monkeypatch):
    framework = flask()
    assert verification.framework_requirement(framework, "3.1.3") == "flask==3.1.3"
    monkeypatch.setitem(verification.PYPI_NAMES, "flask", "Flask")
    assert verification.framework_requirement(framework, "2.3.3") == "Flask==2.3.3"
