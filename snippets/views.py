"""/code/: the tasks, and each task's code in the chosen frameworks side by side. Reading only: the
code is run by `manage.py verify_snippets`, never by the site."""

import functools

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from frameworks.choice import FrameworkChoiceError, parse_framework_choice
from frameworks.models import Claim, Framework, Source
from infrastructure.data_versions import cache_key, tables_version
from infrastructure.page_cache import cached_page
from infrastructure.visibility import visibility_label

from .models import Snippet, Task, VerificationRun
from .presentation import snippet_view

# Side by side pages of up to this many frameworks are kept in the page cache.
MOST_KEPT_FRAMEWORKS = 3


def code_version() -> str:
    """What the code pages show: tasks, snippets, their runs, frameworks, and which sources are
    public (a source page exists once a published claim cites it)."""
    models = [Task, Snippet, VerificationRun, Framework, Source, Claim]
    return cache_key(tables_version(models).token, visibility_label())


@require_safe
def task_list(request: HttpRequest) -> HttpResponse:
    """Every task, with the frameworks it has code for; a choice of frameworks carries to each task."""
    try:
        chosen = parse_framework_choice(request.GET.getlist("frameworks"))
    except FrameworkChoiceError as problem:
        return render(request, "snippets/task_list.html", _list_context([], str(problem)), status=400)
    build = functools.partial(_list_context, chosen)
    return cached_page(request, code_version(), "snippets/task_list.html", build)


def _list_context(chosen: list[str], error: str = "") -> dict:
    covered: dict[int, list[str]] = {}
    published = Snippet.objects.published().order_by("-framework__is_featured", "framework__name")
    for task_id, name in published.values_list("task_id", "framework__name").distinct():
        covered.setdefault(task_id, [])
        if name not in covered[task_id]:
            covered[task_id].append(name)
    tasks = [{"task": task, "frameworks": covered.get(task.pk, [])} for task in Task.objects.all()]
    return {"tasks": tasks, "query": f"?frameworks={','.join(chosen)}" if chosen else "", "error": error}


@require_safe
def task_detail(request: HttpRequest, slug: str) -> HttpResponse:
    task = get_object_or_404(Task, slug=slug)
    try:
        asked = parse_framework_choice(request.GET.getlist("frameworks"))
    except FrameworkChoiceError as problem:
        context = _task_context(task, [], str(problem))
        return render(request, "snippets/task_detail.html", context, status=400)
    build = functools.partial(_task_context, task, asked)
    return cached_page(request, code_version(), "snippets/task_detail.html", build, _kept_queries(asked))


def _kept_queries(asked: list[str]) -> set[str]:
    """The page is kept for no choice (every framework with code for the task), and for the link's
    and the form's spellings of a choice of up to MOST_KEPT_FRAMEWORKS frameworks."""
    if not asked:
        return {""}
    if len(asked) > MOST_KEPT_FRAMEWORKS:
        return set()
    return {f"frameworks={','.join(asked)}", "&".join(f"frameworks={slug}" for slug in asked)}


def _task_context(task: Task, asked: list[str], error: str = "") -> dict:
    frameworks = {framework.slug: framework for framework in Framework.objects.all()}
    cited_by_claims = Claim.objects.published().filter(source=OuterRef("source"))
    snippets = (
        Snippet.objects.published()
        .filter(task=task)
        .for_pages()
        .annotate(source_is_public=Exists(cited_by_claims))
        .order_by("id")
    )
    by_framework: dict[str, list] = {}
    for snippet in snippets:
        by_framework.setdefault(snippet.framework.slug, []).append(snippet_view(snippet))
    # Without a choice: every framework with code for this task, in the site's order (featured first).
    shown = asked or [slug for slug in frameworks if slug in by_framework]
    columns = [{"framework": frameworks[slug], "snippets": by_framework.get(slug, [])} for slug in shown]
    return {
        "task": task,
        "columns": columns,
        "frameworks": frameworks,
        "chosen": shown,
        "error": error,
    }
