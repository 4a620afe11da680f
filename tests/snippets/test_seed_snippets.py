"""The seed's code snippets: cited like claims (every quote verbatim in its source document), scoped
with valid specifiers, and, marked `snippets`, run for real on each framework's current release."""

import json
import shlex
from pathlib import Path

import pytest
from django.conf import settings

from dataset.management.commands.seed import DEFAULT_SOURCES_DIR
from frameworks.quote_location import locate
from frameworks.seeding import SEED_DIR as FRAMEWORKS_SEED
from frameworks.versions import in_scope, validate_scope
from snippets.runner import (
    Check,
    Environment,
    SnippetSpec,
    environment_for,
    error_summary,
    newest_release,
    run,
)

SEED = Path(settings.BASE_DIR) / "snippets" / "seed"
TASKS = json.loads((SEED / "tasks.json").read_text())
SNIPPETS = json.loads((SEED / "snippets.json").read_text())
CURRENT = {
    f["slug"]: f["current_version"] for f in json.loads((FRAMEWORKS_SEED / "frameworks.json").read_text())
}
SOURCE_FILES = {s["slug"]: s["file"] for s in json.loads((FRAMEWORKS_SEED / "sources.json").read_text())}
# Article 003's Flask "Hello, World" imports escape from flask, which Flask 3.0 removed.
WRITTEN_FOR_OLD_FLASK = "flask-hello-world"
ENVS = Path(settings.BASE_DIR) / ".snippet-envs"  # git-ignored; reused by later runs
INSTALL_TIMEOUT, RUN_TIMEOUT = 600, 90

needs_sources = pytest.mark.skipif(
    not DEFAULT_SOURCES_DIR.is_dir(), reason=f"the source documents are not at {DEFAULT_SOURCES_DIR}"
)


def spec(record: dict) -> SnippetSpec:
    return SnippetSpec(
        record["files"], record["command"], Check(**record["check"]), tuple(record["requirements"])
    )


def test_every_task_has_a_flask_and_a_django_snippet_and_every_snippet_is_well_formed():
    tasks = {task["slug"] for task in TASKS}
    assert len(tasks) == len(TASKS) >= 6
    assert sorted(task["position"] for task in TASKS) == list(range(1, len(TASKS) + 1))
    assert len({s["key"] for s in SNIPPETS}) == len(SNIPPETS)
    assert len({(s["task"], s["framework"]) for s in SNIPPETS}) == len(SNIPPETS)
    for task in tasks:
        assert {"flask", "django"} <= {s["framework"] for s in SNIPPETS if s["task"] == task}, task
    assert {s["framework"] for s in SNIPPETS} == {"flask", "django", "fastapi"}
    for record in SNIPPETS:
        label = record["key"]
        assert record["task"] in tasks and record["framework"] in CURRENT, label
        assert record["status"] == "published", label
        assert record["origin"] in {"quoted", "adapted", "editor"}, label
        # Cited like a claim: a source the seed ships, unless an editor wrote it (and says why).
        if record["origin"] == "editor":
            assert record["source"] is None and record["quote"] == "" and record["note"], label
        else:
            assert record["source"] in SOURCE_FILES and record["quote"].strip(), label
        if record["origin"] == "adapted":
            assert record.get("note"), f"{label}: an adapted snippet says what was changed"
        assert record["files"] and all(
            not Path(name).is_absolute() and ".." not in name for name in record["files"]
        )
        argv = shlex.split(record["command"])
        assert argv[0] in ("{python}", "env") and "{python}" in argv, label
        if record["check"]["kind"] == "request":
            assert "{port}" in record["command"], label
            # Served on 127.0.0.1 only: the command says so, or the server's default is it.
            assert "0.0.0.0" not in record["command"], label
        assert spec(record).check.kind in {"request", "exit"}


def test_every_scope_is_a_specifier_and_article_003s_flask_is_out_of_the_current_release():
    for record in SNIPPETS:
        validate_scope(record["applies_to"])
    by_key = {s["key"]: s for s in SNIPPETS}
    old = by_key[WRITTEN_FOR_OLD_FLASK]
    assert old["applies_to"] == "<3.0" and not in_scope(old["applies_to"], CURRENT["flask"])
    assert "from flask import Flask, escape, request" in old["files"]["hello_flask.py"]
    assert old["source"] == by_key["django-hello-world"]["source"] == "flask-vs-django-pros-cons-2019"
    assert [s["key"] for s in SNIPPETS if not in_scope(s["applies_to"], CURRENT[s["framework"]])] == [
        WRITTEN_FOR_OLD_FLASK
    ]


@needs_sources
def test_every_quote_is_verbatim_in_its_source_document_and_quoted_code_is_the_quote():
    checked = 0
    for record in SNIPPETS:
        if record["origin"] == "editor":
            continue
        document = (DEFAULT_SOURCES_DIR / SOURCE_FILES[record["source"]]).read_text(encoding="utf-8")
        assert locate(record["quote"], document) is not None, (
            f"{record['key']}: its quote is not in its source"
        )
        if record["origin"] == "quoted":
            assert any(locate(record["quote"], code) for code in record["files"].values()), record["key"]
        checked += 1
    assert checked >= 12


def environment(requirement: str, record: dict) -> Environment:
    built = environment_for(requirement, tuple(record["requirements"]), ENVS, timeout=INSTALL_TIMEOUT)
    assert isinstance(built, Environment), f"{requirement} {record['requirements']}: {built.error_tail}"
    return built


@pytest.mark.snippets
@pytest.mark.parametrize("record", SNIPPETS, ids=[s["key"] for s in SNIPPETS])
def test_the_seed_snippet_runs_on_the_current_release_and_on_the_newest_in_its_scope(record):
    framework, current = record["framework"], CURRENT[record["framework"]]

    result = run(spec(record), environment(f"{framework}=={current}", record), timeout=RUN_TIMEOUT)

    assert result.installed[framework] == current
    if record["key"] == WRITTEN_FOR_OLD_FLASK:
        assert (result.ok, result.outcome) == (False, "failed")
        assert "cannot import name 'escape'" in result.error_tail
        assert error_summary(result.error_tail) == "ImportError: cannot import name 'escape' from 'flask'"
    else:
        assert result.ok, result.error_tail
    if in_scope(record["applies_to"], current):
        return
    newest = newest_release(f"{framework}{record['applies_to']}", timeout=120)
    assert newest and in_scope(record["applies_to"], newest), newest
    in_its_scope = run(spec(record), environment(f"{framework}=={newest}", record), timeout=RUN_TIMEOUT)
    assert in_its_scope.installed[framework] == newest
    assert in_its_scope.ok, in_its_scope.error_tail
