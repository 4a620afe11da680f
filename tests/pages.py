"""The public browse pages, named once for the query-budget, accessibility and small-screen tests."""

from django.urls import reverse

from frameworks.models import Claim
from recommender.verdicts import VerdictRequest, compute_and_store

# Stand for a stored verdict's page, its weights page and the page adding FastAPI to its comparison
# (see resolve_page).
VERDICT_PAGES = ["verdict", "weights", "widen"]

# "source" and "claim" stand for a real one of each: ids are not reused on PostgreSQL.
BROWSE_PAGES = [
    "/compare/?frameworks=flask,django,fastapi&sort=difference",
    "/frameworks/",
    "/frameworks/django/",
    "/criteria/",
    "/criteria/orm/",
    "/sources/",
    "source",
    "claim",
    "/changes/",
    "/code/",
]


def resolve_page(path: str) -> str:
    """The path itself; for "source" and "claim" the page of the newest published Django claim; for
    the VERDICT_PAGES those pages of a new verdict for a content site."""
    if path in VERDICT_PAGES:
        verdict = compute_and_store(VerdictRequest(answers={"project": ["content-site"]}))
        return reverse(f"recommender:{path}", args=[verdict.id, *(["fastapi"] if path == "widen" else [])])
    if path not in {"source", "claim"}:
        return path
    claim = Claim.objects.published().filter(framework__slug="django").latest("pk")
    if path == "source":
        return reverse("frameworks:source", args=[claim.source_id])
    return reverse("frameworks:claim", args=[claim.pk])


def public_forms() -> dict[str, str]:
    """Every form a visitor can post, by name: the address it posts to."""
    verdict = compute_and_store(VerdictRequest(answers={"project": ["content-site"]}))
    claim = Claim.objects.published().first()
    return {
        "questionnaire": "/questionnaire/",
        "preview": "/questionnaire/preview/",
        "weights": reverse("recommender:weights", args=[verdict.id]),
        "weights-preview": reverse("recommender:weights-preview", args=[verdict.id]),
        "rerun": reverse("recommender:rerun", args=[verdict.id]),
        "widen": reverse("recommender:widen", args=[verdict.id, "fastapi"]),
        "report": reverse("frameworks:report", args=[claim.pk]),
    }
