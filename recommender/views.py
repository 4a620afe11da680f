import functools

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from frameworks import weighing
from frameworks.evidence import dataset_version, load_matrix, recency
from frameworks.models import Claim
from frameworks.versions import in_scope
from infrastructure.page_cache import cached_page
from infrastructure.rate_limit import limit_anonymous_posts

from . import scoring, since, verdicts
from .forms import QuestionnaireForm, WeightsForm, initial_answers
from .models import Verdict
from .presentation import FLIPS_SHOWN, method_constants, verdict_page, verdict_weights
from .questionnaire import load_questions, questionnaire_version
from .verdicts import VerdictRequest


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "recommender/home.html")


@require_http_methods(["GET", "HEAD", "POST"])
@limit_anonymous_posts
def questionnaire(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        version = questionnaire_version().token
        build = functools.partial(_questionnaire_context, request, version)
        return cached_page(request, version, "recommender/questionnaire.html", build)
    questions = load_questions()
    form = QuestionnaireForm(questions, request.POST)
    if not form.is_valid():
        return render(request, "recommender/questionnaire.html", {"form": form}, status=400)
    verdict = verdicts.compute_and_store(VerdictRequest(answers=form.answers()), questions=questions)
    return redirect(verdict)


def _questionnaire_context(request: HttpRequest, version: str) -> dict:
    questions = load_questions(version)
    return {"form": QuestionnaireForm(questions, initial=initial_answers(request.GET, questions))}


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The projected verdict for the answers so far, as a fragment the questionnaire swaps in."""
    questions = load_questions()
    form = QuestionnaireForm(questions, request.POST)
    if not form.is_valid():
        return render(request, "recommender/_preview.html", {"form": form}, status=400)
    verdict = verdicts.preview(VerdictRequest(answers=form.answers()), questions=questions)
    return render(request, "recommender/_preview.html", {"page": verdict_page(verdict.snapshot)})


@require_safe
def verdict_detail(request: HttpRequest, verdict_id) -> HttpResponse:
    # A verdict never changes; only the "evidence changed" notice follows the data.
    version = dataset_version().token

    def build_context():
        # A re-run's page says what changed since the verdict it re-ran: that one comes in the join.
        verdict = get_object_or_404(Verdict.objects.select_related("rerun_of"), pk=verdict_id)
        return _verdict_context(request, verdict, version)

    return cached_page(request, version, "recommender/verdict.html", build_context)


@require_http_methods(["GET", "HEAD", "POST"])
@limit_anonymous_posts
def reweigh(request: HttpRequest, verdict_id) -> HttpResponse:
    """The verdict's weights as a form; posted, the same answers re-scored with them: a new verdict."""
    verdict = get_object_or_404(Verdict, pk=verdict_id)
    weights = verdict_weights(verdict.snapshot)
    if request.method != "POST":
        return _render_weights(request, verdict, weights, _weights_form(weights))
    form = _weights_form(weights, request.POST)
    if not form.is_valid():
        return _render_weights(request, verdict, weights, form, status=400)
    return redirect(verdicts.compute_and_store(_reweighed(verdict, form)))


@require_POST
def weights_preview(request: HttpRequest, verdict_id) -> HttpResponse:
    """The verdict the weights page would give, as a fragment it swaps in; nothing is stored."""
    verdict = get_object_or_404(Verdict, pk=verdict_id)
    form = _weights_form(verdict_weights(verdict.snapshot), request.POST)
    if not form.is_valid():
        return render(request, "recommender/_preview.html", {"form": form}, status=400)
    projected = verdicts.preview(_reweighed(verdict, form))
    return render(request, "recommender/_preview.html", {"page": verdict_page(projected.snapshot)})


def _weights_form(weights: list[dict], data=None) -> WeightsForm:
    names = {row["slug"]: row["name"] for row in weights}
    if data is None:
        return WeightsForm(names, initial={row["slug"]: round(row["weight"]) for row in weights})
    return WeightsForm(names, data)


def _reweighed(verdict: Verdict, form: WeightsForm) -> VerdictRequest:
    return VerdictRequest(
        answers=verdict.answers, weight_overrides=form.cleaned_data, frameworks=verdict.frameworks
    )


@require_POST
@limit_anonymous_posts
def rerun(request: HttpRequest, verdict_id) -> HttpResponse:
    """The same answers and weights on the evidence as it is now."""
    verdict = get_object_or_404(Verdict, pk=verdict_id)
    again = VerdictRequest(
        answers=verdict.answers,
        weight_overrides=verdict.weight_overrides,
        frameworks=verdict.frameworks,
        rerun_of=verdict.id,
    )
    return redirect(verdicts.compute_and_store(again))


@require_safe
def methodology(request: HttpRequest) -> HttpResponse:
    constants = {
        "min_weight": scoring.MIN_WEIGHT,
        "max_weight": scoring.MAX_WEIGHT,
        "must_have_bar": scoring.MUST_HAVE_BAR,
        "must_have_rating": 1 + 4 * scoring.MUST_HAVE_BAR,
        "margin_bar": scoring.MARGIN_BAR,
        "confidence_bar": scoring.CONFIDENCE_BAR,
        "perturbation": scoring.PERTURBATION,
        "samples": scoring.SAMPLES,
        "min_coverage": scoring.MIN_COVERAGE,
        "recency": recency(),
        "witness_weights": [(kind.label, weight) for kind, weight in weighing.WITNESS_WEIGHTS.items()],
        "prior_weight": weighing.PRIOR_WEIGHT,
        "neutral_rating": weighing.NEUTRAL_RATING,
        "contested_spread": weighing.CONTESTED_SPREAD,
        "base_doubt": weighing.BASE_DOUBT,
        "stale_after_days": settings.STALE_AFTER_DAYS,
        "flips_shown": FLIPS_SHOWN,
        "every_constant": method_constants(),
    }
    return render(request, "recommender/methodology.html", constants)


def _verdict_context(request, verdict: Verdict, current_version: str) -> dict:
    return {
        "verdict": verdict,
        "page": verdict_page(verdict.snapshot),
        "evidence_changed": verdict.dataset_version != current_version,
        "share_url": request.build_absolute_uri(verdict.get_absolute_url()),
        "since": _since(verdict.rerun_of, verdict),
    }


def _since(old: Verdict | None, verdict: Verdict) -> dict | None:
    """What changed from the verdict `verdict` re-ran; why claims left takes one query over them."""
    if old is None:
        return None
    left = since.left_ids(old.snapshot, verdict.snapshot)
    rows = Claim.objects.filter(pk__in=left).values_list(
        "id", "status", "superseded_by_id", "applies_to", "framework__name", "framework__current_version"
    )
    now = {
        claim_id: since.ClaimNow(
            id=claim_id,
            published=status == Claim.Status.PUBLISHED,
            retired=status == Claim.Status.RETIRED,
            superseded=successor is not None,
            in_scope=in_scope(scope, version),
            applies_to=scope,
            framework=framework,
            version=version,
        )
        for claim_id, status, successor, scope, framework, version in (rows if left else [])
    }
    return {"verdict": old, **since.changes(old.snapshot, verdict.snapshot, now)}


def _render_weights(request, verdict: Verdict, weights: list[dict], form: WeightsForm, status=200):
    context = {
        "verdict": verdict,
        "weights_form": form,
        "weight_rows": [(row, form[row["slug"]]) for row in weights],
    }
    return render(request, "recommender/weights.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@limit_anonymous_posts
def widen(request: HttpRequest, verdict_id, framework: str) -> HttpResponse:
    """One more framework in the comparison: asked on a page of its own (so that the verdict page
    stays without a form); posted, the same answers and weights scored again: a new verdict."""
    verdict = get_object_or_404(Verdict, pk=verdict_id)
    names = load_matrix().frameworks
    if framework not in names:
        raise Http404("No framework by that name to add to the comparison.")
    if framework in verdict.frameworks:
        return redirect(verdict)
    if request.method != "POST":
        compared = [names.get(slug, slug) for slug in verdict.frameworks]
        context = {"verdict": verdict, "added": names[framework], "compared": compared}
        return render(request, "recommender/widen.html", context)
    widened = [*verdict.frameworks, framework]
    widened_request = VerdictRequest(
        answers=verdict.answers, weight_overrides=verdict.weight_overrides, frameworks=widened
    )
    return redirect(verdicts.compute_and_store(widened_request))
