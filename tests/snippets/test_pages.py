"""/code/ and /code/<task>/: the code side by side, highlighted on the server, each snippet cited and
saying whether it runs on its framework's current release."""

import datetime
import re

import pytest
from django.urls import reverse

from snippets.models import Snippet
from tests.factories import (
    ClaimFactory,
    FrameworkFactory,
    SnippetFactory,
    SourceFactory,
    TaskFactory,
    VerificationRunFactory,
)

pytestmark = pytest.mark.django_db

DJANGO_APP = """from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse(f"Hello, {request.GET.get('name', 'World')}!")


urlpatterns = [path("", hello)]
"""

ARTICLE_FLASK = """from flask import Flask, escape, request

app = Flask(__name__)

@app.route('/')
def hello():
    name = request.args.get("name", "World")
    return f'Hello, {escape(name)}!'
"""

ESCAPE_ERROR = (
    'Traceback (most recent call last):\n  File "app.py", line 1, in <module>\n'
    "ImportError: cannot import name 'escape' from 'flask' "
    "(/tmp/venv/lib/python3.12/site-packages/flask/__init__.py)"
)


@pytest.fixture
def hello(db):
    """A task with a Flask snippet quoted from an article (failing on Flask 3) and an editor's Django one."""
    flask = FrameworkFactory(slug="flask", name="Flask", current_version="3.1.3", is_featured=True)
    django = FrameworkFactory(slug="django", name="Django", current_version="5.2.19", is_featured=True)
    FrameworkFactory(slug="fastapi", name="FastAPI", current_version="0.165.0")
    task = TaskFactory(slug="hello-world", name="Hello, World with a query parameter", position=1)
    article = SourceFactory(title="Flask vs Django in 2019", publisher="An article site")
    ClaimFactory(source=article, framework=flask)  # a published claim cites it: its page is public
    old_flask = SnippetFactory(
        task=task,
        framework=flask,
        title="The article's Flask app",
        files={"app.py": ARTICLE_FLASK},
        origin=Snippet.Origin.QUOTED,
        source=article,
        quote="from flask import Flask, escape, request",
        applies_to="<3.0",
    )
    VerificationRunFactory(
        snippet=old_flask, ok=False, outcome="failed", error_tail=ESCAPE_ERROR, installed={"flask": "3.1.3"}
    )
    VerificationRunFactory(snippet=old_flask, target="scope", framework_version="2.3.3")
    django_app = SnippetFactory(
        task=task,
        framework=django,
        title="One-file Django",
        files={"app.py": DJANGO_APP},
        command="{python} -m django runserver --noreload 127.0.0.1:{port}",
    )
    return {"task": task, "flask": old_flask, "django": django_app, "article": article}


def page_of(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_the_task_list_says_which_frameworks_have_code(client, hello):
    TaskFactory(slug="json-endpoint", name="A JSON endpoint", position=2)
    page = page_of(client, "/code/")
    assert "Hello, World with a query parameter" in page and 'href="/code/hello-world/"' in page
    assert "Code for Flask, Django" in page or "Code for Django, Flask" in page
    assert "A JSON endpoint" in page and "No code published yet" in page


def test_a_task_shows_each_frameworks_code_side_by_side_highlighted(client, hello):
    page = page_of(client, "/code/hello-world/")
    flask_at, django_at = page.index('id="fw-flask"'), page.index('id="fw-django"')
    assert page.index("<h1>Hello, World with a query parameter</h1>") < min(flask_at, django_at)
    assert "<h2" in page and '<h3 id="snippet-' in page
    # Pygments' classes, no inline style, code in <pre><code>.
    assert '<pre class="code" tabindex="0"><code><span class="kn">from</span>' in page
    assert "style=" not in page and "<script" not in page
    assert 'href="/static/css/code.css"' in page
    assert '<figcaption><code>app.py</code> <span class="help">(Python)</span></figcaption>' in page
    # The command as a visitor types it.
    assert "python" in page and "8000" in page and "{python}" not in page and "{port}" not in page


def test_the_badges_say_where_it_runs_and_where_it_fails(client, hello):
    page = page_of(client, "/code/hello-world/")
    assert (
        "fails on Flask 3.1.3: ImportError: cannot import name &#x27;escape&#x27; from &#x27;flask&#x27;"
        in page
    )
    assert "(checked 1 December 2026)" in page
    assert "runs on Flask 2.3.3, the newest release it was written for (checked 1 December 2026)" in page
    assert "written for Flask &lt;3.0" in page
    assert "<summary>What it printed</summary>" in page and "Traceback (most recent call last)" in page
    assert "not checked yet" in page  # the Django snippet has never run


def test_each_snippet_is_cited_with_its_line_count(client, hello):
    page = page_of(client, "/code/hello-world/")
    article = hello["article"]
    assert (
        f'Quoted from\n    <a href="/sources/{article.pk}/"><cite>Flask vs Django in 2019</cite></a>' in page
    )
    assert f'<a href="{article.url}" rel="noopener">original</a>' in page
    assert "Written by the site's editors; no source." in page
    assert f"{hello['flask'].line_count} lines of code" in page and "6 lines of code" in page


def test_a_source_no_published_claim_cites_is_named_without_a_link_to_its_page(client, hello):
    hidden = SourceFactory(title="A page of its own")
    SnippetFactory(
        task=hello["task"],
        framework=hello["django"].framework,
        origin=Snippet.Origin.QUOTED,
        source=hidden,
        quote="urlpatterns",
        files={"app.py": DJANGO_APP},
    )
    page = page_of(client, "/code/hello-world/")
    assert "<cite>A page of its own</cite>" in page and f"/sources/{hidden.pk}/" not in page


def test_a_passing_run_reads_runs_on_with_the_date(client, hello):
    VerificationRunFactory(
        snippet=hello["django"],
        framework_version="5.2.19",
        ran_at=datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC),
    )
    page = page_of(client, "/code/hello-world/")
    assert "runs on Django 5.2.19 (checked 30 November 2026)" in page
    assert "badge badge-runs" in page and "badge badge-fails" in page


def test_a_run_on_an_older_release_says_the_current_one_is_not_checked(client, hello):
    VerificationRunFactory(snippet=hello["django"], framework_version="5.2.18")
    assert "Not checked on Django 5.2.19 yet." in page_of(client, "/code/hello-world/")


def test_choosing_frameworks_shows_those_columns_only(client, hello):
    page = page_of(client, "/code/hello-world/?frameworks=django")
    assert 'id="fw-django"' in page and 'id="fw-flask"' not in page
    page = page_of(client, "/code/hello-world/?frameworks=fastapi&frameworks=flask")
    assert 'id="fw-fastapi"' in page and "No FastAPI code for this task yet." in page
    assert '<input type="checkbox" name="frameworks" value="flask" checked>' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("frameworks=nosuch", "Unknown framework(s): nosuch."),
        ("frameworks=" + ",".join(f"f{n}" for n in range(11)), "Pick at most 10 frameworks"),
        ("frameworks=fl%C3%A4sk,%3Cb%3E", "Unknown framework(s): fläsk, &lt;b&gt;."),
    ],
)
def test_a_bad_choice_of_frameworks_is_a_400_that_says_why(client, hello, query, message):
    for path in ("/code/hello-world/", "/code/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (400,), (path, response.status_code)
        assert message in response.content.decode()


def test_an_unknown_task_is_a_404(client, hello):
    assert client.get("/code/no-such-task/").status_code == 404


def test_drafts_and_retired_snippets_stay_off_the_pages(client, hello):
    for status in (
        Snippet.Status.DRAFT,
        Snippet.Status.IN_REVIEW,
        Snippet.Status.RETIRED,
        Snippet.Status.WITHDRAWN,
    ):
        SnippetFactory(
            task=hello["task"], framework=hello["django"].framework, title=f"Hidden {status}", status=status
        )
    page = page_of(client, "/code/hello-world/")
    assert "Hidden" not in page


def test_code_is_escaped_not_rendered(client, hello):
    SnippetFactory(
        task=hello["task"],
        framework=hello["django"].framework,
        files={"templates/x.html": "<script>alert(1)</script>\n", "app.py": "print('</pre><b>')\n"},
        command="{python} app.py --port {port}",
    )
    page = page_of(client, "/code/hello-world/")
    assert "<script>alert(1)" not in page and "</pre><b>" not in page
    assert "&lt;/pre&gt;&lt;b&gt;" in page


def test_a_new_run_shows_at_once_though_the_page_is_cached(client, hello):
    assert "not checked yet" in page_of(client, "/code/hello-world/?frameworks=django")
    VerificationRunFactory(snippet=hello["django"], framework_version="5.2.19")
    assert "runs on Django 5.2.19" in page_of(client, "/code/hello-world/?frameworks=django")


# (path, cold, warm): the version read, the task, the frameworks asked for (when asked), then the
# frameworks, the snippets with their task, framework and source, and their runs; warm, the first few.
BUDGETS = [
    ("/code/", 3, 1),
    ("/code/hello-world/", 5, 2),
    ("/code/hello-world/?frameworks=flask,django", 6, 3),
]


@pytest.mark.parametrize(("path", "cold", "warm"), BUDGETS)
def test_code_pages_run_in_a_few_queries_however_many_snippets(
    client, hello, django_assert_max_num_queries, path, cold, warm
):
    for n in range(15):
        task = TaskFactory()
        for snippet in (hello["flask"], hello["django"]):
            copy = SnippetFactory(task=task if n % 2 else hello["task"], framework=snippet.framework)
            VerificationRunFactory(snippet=copy)
    with django_assert_max_num_queries(cold):
        page_of(client, path)
    with django_assert_max_num_queries(warm):  # from the page cache
        page_of(client, path)


def test_the_compare_page_and_each_framework_page_link_to_the_code(client, hello):
    compare = page_of(client, "/compare/?frameworks=flask,django")
    assert 'href="/code/?frameworks=flask,django"' in compare
    assert 'href="/code/"' in page_of(client, reverse("frameworks:framework", args=["flask"]))
    listed = page_of(client, "/code/?frameworks=flask,django")
    assert 'href="/code/hello-world/?frameworks=flask,django"' in listed


def test_the_pages_work_without_javascript(client, hello):
    for path in ("/code/", "/code/hello-world/"):
        page = page_of(client, path)
        assert not re.search(r"<script(?![^>]*application/(ld\+)?json)", page)
    form = page_of(client, "/code/hello-world/")
    assert '<form method="get" action="/code/hello-world/"' in form
