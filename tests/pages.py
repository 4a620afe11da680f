"""The public browse pages, named once for the query-budget, accessibility and small-screen tests."""

from django.urls import reverse

from frameworks.models import Claim

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
]


def resolve_page(path: str) -> str:
    """The path itself, or for "source" and "claim" the page of the newest published Django claim."""
    if path not in {"source", "claim"}:
        return path
    claim = Claim.objects.published().filter(framework__slug="django").latest("pk")
    if path == "source":
        return reverse("frameworks:source", args=[claim.source_id])
    return reverse("frameworks:claim", args=[claim.pk])
