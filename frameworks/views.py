import functools
import math

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from criteria.models import Criterion
from infrastructure.client_address import client_address
from infrastructure.data_versions import cache_key
from infrastructure.page_cache import cached_page
from infrastructure.rate_limit import limit_anonymous_posts, retry_after

from . import compare as comparison
from . import structured_data
from .changes import PUBLIC_FIELDS, as_changes, change_records, describe
from .choice import FrameworkChoiceError
from .evidence import Matrix, load_matrix
from .forms import ProblemReportForm
from .models import Claim, Framework, Source

# A visitor may file this many problem reports an hour from one address.
REPORTS_PER_HOUR = 5

# /changes/ shows this many a page.
CHANGES_PER_PAGE = 50


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    matrix = load_matrix()
    try:
        chosen = comparison.chosen_frameworks(request.GET, matrix)
    except FrameworkChoiceError as problem:  # never kept: see comparison.kept_queries
        context = _compare_context(request, matrix, list(matrix.featured), str(problem))
        return render(request, "frameworks/compare.html", context, status=400)
    if request.GET.get("format") == "csv":  # a download: its headers are not kept with the page
        rows = comparison.table(matrix, chosen, comparison.claims_for(chosen), _by_difference(request))
        response = HttpResponse(comparison.as_csv(rows, chosen, matrix.frameworks), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="compare-{"-".join(chosen)}.csv"'
        return response
    build = functools.partial(_compare_context, request, matrix, chosen)
    kept = comparison.kept_queries(request.GET, matrix)
    return cached_page(request, matrix.key, "frameworks/compare.html", build, kept)


def _compare_context(request: HttpRequest, matrix: Matrix, chosen: list[str], error: str = "") -> dict:
    by_difference = _by_difference(request)
    return {
        "matrix": matrix,
        "chosen": chosen,
        "chosen_names": [matrix.frameworks[slug] for slug in chosen],
        "rows": comparison.table(matrix, chosen, comparison.claims_for(chosen), by_difference),
        "error": error,
        "by_difference": by_difference,
        "csv_query": f"frameworks={','.join(chosen)}&format=csv",
    }


def _by_difference(request: HttpRequest) -> bool:
    return request.GET.get("sort") == "difference"


@require_safe
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = Framework.objects.annotate(
        claim_count=Count("claims", filter=Q(claims__status=Claim.Status.PUBLISHED))
    )
    return render(request, "frameworks/framework_list.html", {"frameworks": frameworks})


@require_safe
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = get_object_or_404(Framework, slug=slug)
    claims = (
        framework.claims.published().select_related("criterion", "source").order_by("criterion__name", "id")
    )
    return render(request, "frameworks/framework_detail.html", {"framework": framework, "claims": claims})


@require_safe
def criterion_list(request: HttpRequest) -> HttpResponse:
    return render(request, "frameworks/criterion_list.html", {"criteria": Criterion.objects.order_by("name")})


@require_safe
def criterion_detail(request: HttpRequest, slug: str) -> HttpResponse:
    criterion = get_object_or_404(Criterion, slug=slug)
    matrix = load_matrix()
    claims = (
        criterion.claims.published().select_related("framework", "source").order_by("framework__name", "id")
    )
    by_framework = {}
    for claim in claims:
        by_framework.setdefault(claim.framework.slug, []).append(claim)
    cells = [
        # A retired criterion is no longer in the matrix: its claims are shown, without a cell.
        {"slug": f, "name": name, "cell": matrix.cells.get((f, slug)), "claims": by_framework.get(f, [])}
        for f, name in matrix.frameworks.items()
    ]
    return render(request, "frameworks/criterion_detail.html", {"criterion": criterion, "cells": cells})


@require_safe
def source_list(request: HttpRequest) -> HttpResponse:
    sources = (
        Source.objects.public()
        .annotate(claim_count=Count("claims", filter=Q(claims__status=Claim.Status.PUBLISHED)))
        .order_by("title")
    )
    return render(request, "frameworks/source_list.html", {"sources": sources})


@require_safe
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.public().select_related("speaks_for"), pk=pk)
    claims = (
        source.claims.published().select_related("framework", "criterion").order_by("framework__name", "id")
    )
    return render(request, "frameworks/source_detail.html", {"source": source, "claims": claims})


@require_safe
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A retired claim keeps its page (links to it, in the feed and elsewhere, stay good), saying so.
    claim = _public_claim(pk, Claim.Status.PUBLISHED, Claim.Status.RETIRED)
    return _render_claim(request, claim, ProblemReportForm())


@require_POST
@limit_anonymous_posts
def report_problem(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _public_claim(pk, Claim.Status.PUBLISHED)
    form = ProblemReportForm(request.POST)
    if not form.is_valid():
        return _render_claim(request, claim, form, status=400)
    wait = retry_after(cache_key("problem-reports", client_address(request)), REPORTS_PER_HOUR, 3600)
    if wait is not None:
        minutes = math.ceil(wait / 60)
        form.add_error(
            None,
            f"You have sent {REPORTS_PER_HOUR} reports this hour: please try again in "
            f"{minutes} minute{pluralize(minutes)}.",
        )
        response = _render_claim(request, claim, form, status=429)
        response["Retry-After"] = str(wait)
        return response
    report = form.save(commit=False)
    report.claim = claim
    report.save()
    return redirect(f"{reverse('frameworks:claim', args=[claim.pk])}?reported=1#report")


@require_safe
def changes(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(change_records(), CHANGES_PER_PAGE, allow_empty_first_page=True)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except InvalidPage:
        raise Http404("There is no such page of changes.") from None
    context = {"changes": as_changes(page.object_list), "page": page}
    return render(request, "frameworks/changes.html", context)


def _public_claim(pk: int, *statuses: str) -> Claim:
    """A claim in one of the given statuses (never a draft, one in review or one withdrawn)."""
    claims = Claim.objects.filter(status__in=statuses)
    return get_object_or_404(
        claims.select_related("framework", "criterion", "source", "superseded_by"), pk=pk
    )


def _render_claim(request, claim: Claim, form, status: int = 200) -> HttpResponse:
    records = list(claim.history.order_by("history_date", "history_id"))
    history = [
        {"when": record.history_date, "what": describe(record, previous)}
        for previous, record in zip([None, *records], records, strict=False)
    ]
    canonical = request.build_absolute_uri(reverse("frameworks:claim", args=[claim.pk]))
    context = {
        "claim": claim,
        "retired": claim.status == Claim.Status.RETIRED,
        "history": list(reversed(history)),
        "supersedes": claim.supersedes.published(),
        "form": form,
        "reported": request.GET.get("reported") == "1",
        "canonical_url": canonical,
        "json_ld": structured_data.json_ld(structured_data.claim_review(claim, canonical, request)),
        "public_fields": sorted(PUBLIC_FIELDS),
    }
    return render(request, "frameworks/claim_detail.html", context, status=status)


# History notes a retirement's reason after this (the seed loader writes "…, retired: <why>").
_RETIRED_SAYS = "retired: "


def _retired_reason(steps) -> str:
    """Why the claim was last retired, as its history records it; "" when it does not say."""
    for previous, record in reversed(steps):
        if record.status == Claim.Status.RETIRED and (previous is None or previous.status != record.status):
            reason = record.history_change_reason or ""
            return reason.split(_RETIRED_SAYS, 1)[1] if _RETIRED_SAYS in reason else reason
    return ""
