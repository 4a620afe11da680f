"""The seed loads the shipped tasks and snippets like the evidence: only what is missing, each
record validated, the first bad one stopping the load, every quote checked against its source."""

import io
import json

import pytest
from django.core.management import call_command

from frameworks.seeding import SeedError
from snippets.models import Snippet, Task
from snippets.seeding import SEED_DIR, load_snippets
from tests.factories import HELLO, FrameworkFactory, SourceFactory

pytestmark = pytest.mark.django_db

TASKS = [
    {"slug": "hello-world", "name": "Hello, World with a query parameter", "description": "", "position": 1}
]


def snippet_record(**changes):
    return {
        "key": "flask-hello-world",
        "task": "hello-world",
        "framework": "flask",
        "title": "Hello, World",
        "files": {"app.py": HELLO},
        "command": "{python} -m flask --app app run --port {port}",
        "check": {
            "kind": "request",
            "method": "GET",
            "path": "/?name=World",
            "expect_status": 200,
            "expect_body": "Hello",
        },
        "requirements": [],
        "applies_to": ">=3.0",
        "origin": "quoted",
        "source": "flask-docs-quickstart",
        "quote": "app = Flask(__name__)",
        "status": "published",
        **changes,
    }


@pytest.fixture
def seed_dirs(tmp_path):
    """A seed folder, an evidence seed folder with sources.json, and a folder of source documents."""
    FrameworkFactory(slug="flask", name="Flask", current_version="3.1.3")
    SourceFactory(slug="flask-docs-quickstart")
    seed, evidence, documents = (tmp_path / name for name in ("seed", "evidence", "documents"))
    for folder in (seed, evidence, documents / "docs"):
        folder.mkdir(parents=True)
    (evidence / "sources.json").write_text(
        json.dumps([{"slug": "flask-docs-quickstart", "file": "docs/quickstart.rst"}]), encoding="utf-8"
    )
    (documents / "docs" / "quickstart.rst").write_text(
        "A minimal application looks something like this::\n\n    from flask import Flask\n\n"
        "    app = Flask(__name__)\n",
        encoding="utf-8",
    )

    def write(snippets, tasks=TASKS):
        (seed / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
        (seed / "snippets.json").write_text(json.dumps(snippets), encoding="utf-8")
        return seed

    return write, evidence, documents


def test_tasks_and_snippets_load_once_and_are_kept_after(seed_dirs):
    write, evidence, documents = seed_dirs
    seed = write([snippet_record()])
    report = load_snippets(seed, sources_dir=documents, evidence_dir=evidence)
    assert report.created == {"tasks": 1, "snippets": 1} and report.quotes_checked == 1
    snippet = Snippet.objects.get(seed_key="flask-hello-world")
    assert (snippet.status, snippet.task.slug, snippet.source.slug) == (
        "published",
        "hello-world",
        "flask-docs-quickstart",
    )
    assert (snippet.check_path, snippet.expect_body, snippet.files) == (
        "/?name=World",
        "Hello",
        {"app.py": HELLO},
    )
    assert snippet.history.get().history_change_reason == "Loaded by the seed command"
    again = load_snippets(seed, sources_dir=documents, evidence_dir=evidence)
    assert again.kept == {"tasks": 1, "snippets": 1} and not again.created


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"applies_to": "3.0"}, "is not a version scope"),
        ({"files": {"../app.py": "x"}}, "may not contain"),
        ({"requirements": ["not a requirement!"]}, "PEP 508"),
        ({"framework": "nosuch"}, "unknown framework 'nosuch'"),
        ({"task": "nosuch"}, "unknown task 'nosuch'"),
        ({"source": "nosuch"}, "unknown source 'nosuch'"),
        ({"status": "draft"}, "published or retired"),
        ({"check": {"kind": "request", "url": "/"}}, '"check" is an object of'),
        ({"colour": "red"}, "unexpected keyword"),
        ({"key": ""}, 'needs a "key"'),
    ],
)
def test_a_bad_record_stops_the_load_naming_it(seed_dirs, changes, message):
    write, evidence, _ = seed_dirs
    with pytest.raises(SeedError, match="snippet") as refused:
        load_snippets(write([snippet_record(**changes)]), evidence_dir=evidence)
    assert message in str(refused.value)


def test_a_quote_that_is_not_in_its_source_stops_the_load(seed_dirs):
    write, evidence, documents = seed_dirs
    record = snippet_record(
        quote="app = Flask('quickstart')", files={"app.py": "app = Flask('quickstart')\n"}
    )
    with pytest.raises(SeedError, match=r"its quote is not in docs/quickstart\.rst"):
        load_snippets(write([record]), sources_dir=documents, evidence_dir=evidence)
    assert not Snippet.objects.exists()


def test_an_editors_snippet_quotes_nothing_and_needs_no_document(seed_dirs):
    write, evidence, documents = seed_dirs
    record = snippet_record(origin="editor", source=None, quote="")
    report = load_snippets(write([record]), sources_dir=documents, evidence_dir=evidence)
    assert report.quotes_checked == 0 and Snippet.objects.get().source is None


def test_the_seed_command_loads_the_shipped_files(seeded):
    shipped_tasks = json.loads((SEED_DIR / "tasks.json").read_text(encoding="utf-8"))
    shipped_snippets = json.loads((SEED_DIR / "snippets.json").read_text(encoding="utf-8"))
    assert Task.objects.count() == len(shipped_tasks)
    assert Snippet.objects.count() == len(shipped_snippets)
    out = io.StringIO()
    call_command("seed", stdout=out)
    assert "Seed data loaded." in out.getvalue()
