from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frameworks.evidence import dataset_version

from . import scoring
from .forms import QuestionnaireForm, WeightsForm, initial_answers
from .models import Verdict
from .presentation import verdict_page
from .verdict_pages import frozen_page, render_frozen, with_csrf_token
from .verdicts import VerdictRequest, compute, load_questions


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "recommender/home.html")


@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest) -> HttpResponse:
    questions = load_questions()
    if request.method == "GET":
        form = QuestionnaireForm(questions, initial=initial_answers(request.GET, questions))
        return render(request, "recommender/questionnaire.html", {"form": form})
    form = QuestionnaireForm(questions, request.POST)
    if not form.is_valid():
        return render(request, "recommender/questionnaire.html", {"form": form}, status=400)
    verdict = compute(VerdictRequest(answers=form.answers()), questions)
    return redirect(verdict)


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The projected verdict for the answers so far, as a fragment the questionnaire swaps in."""
    questions = load_questions()
    form = QuestionnaireForm(questions, request.POST)
    if not form.is_valid():
        return render(request, "recommender/_preview.html", {"form": form}, status=400)
    verdict = compute(VerdictRequest(answers=form.answers()), questions, save=False)
    return render(request, "recommender/_preview.html", {"page": verdict_page(verdict.snapshot)})


@require_GET
def verdict_detail(request: HttpRequest, verdict_id) -> HttpResponse:
    # Once cached, the page costs one query: the dataset version, for the "evidence changed" notice.
    return _render_verdict(request, frozen_page(verdict_id))


@require_POST
def reweigh(request: HttpRequest, verdict_id) -> HttpResponse:
    """Re-score the same answers with the weights the visitor edited: a new verdict."""
    verdict = get_object_or_404(Verdict, pk=verdict_id)
    names = {slug: c["name"] for slug, c in verdict.snapshot["criteria"].items()}
    form = WeightsForm(names, request.POST)
    if not form.is_valid():
        return _render_verdict(request, render_frozen(verdict, form), status=400)
    again = VerdictRequest(verdict.answers, form.cleaned_data, verdict.frameworks)
    return redirect(compute(again))


@require_POST
def rerun(request: HttpRequest, verdict_id) -> HttpResponse:
    """The same answers and weights on the evidence as it is now."""
    verdict = get_object_or_404(Verdict, pk=verdict_id)
    return redirect(compute(VerdictRequest(verdict.answers, verdict.weight_overrides, verdict.frameworks)))


@require_GET
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
    }
    return render(request, "recommender/methodology.html", constants)


def _render_verdict(request, frozen: dict, status=200) -> HttpResponse:
    context = {
        "verdict": frozen,
        "body": with_csrf_token(frozen["body"], request),
        "evidence_changed": frozen["dataset_version"] != dataset_version(),
        "share_url": request.build_absolute_uri(frozen["url"]),
    }
    return render(request, "recommender/verdict.html", context, status=status)
