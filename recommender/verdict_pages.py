"""A verdict page's frozen part: rendered once from the snapshot, then served from the cache.

A verdict never changes, so what its snapshot decides (headline, reasons, flips, the weights form)
is HTML that can be kept. Only two things differ per request: the visitor's CSRF token, rendered as
a slot and filled in on the way out, and whether the evidence has changed since, which the view adds.
"""

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .forms import WeightsForm
from .models import Verdict
from .presentation import verdict_page

# Kept for an hour: long enough to serve a shared link's burst of visits, short enough that a
# deploy's new templates reach every page soon after.
FROZEN_PAGE_SECONDS = 3600

# Stands in for the CSRF token in cached HTML; letters and digits only, so escaping leaves it whole.
CSRF_SLOT = "csrftokenslot5f0c2a9e"


def frozen_page(verdict_id) -> dict:
    """The cached page of a verdict, rendered on first use; 404 if there is no such verdict."""
    key = f"verdict-page:{verdict_id}"
    page = cache.get(key)
    if page is None:
        page = render_frozen(get_object_or_404(Verdict, pk=verdict_id))
        cache.set(key, page, FROZEN_PAGE_SECONDS)
    return page


def with_csrf_token(html: str, request) -> SafeString:
    return mark_safe(html.replace(CSRF_SLOT, get_token(request)))


def render_frozen(verdict: Verdict, weights_form: WeightsForm | None = None) -> dict:
    """The page's frozen part, with what the view needs of the verdict itself; a bound weights
    form (one with errors) is rendered back as the visitor sent it."""
    page = verdict_page(verdict.snapshot)
    if weights_form is None:
        names = {w["slug"]: w["name"] for w in page["weights"]}
        weights_form = WeightsForm(names, initial={w["slug"]: round(w["weight"]) for w in page["weights"]})
    context = {
        "verdict": verdict,
        "page": page,
        "weights_form": weights_form,
        "weight_rows": [(row, weights_form[row["slug"]]) for row in page["weights"]],
        "csrf_token": CSRF_SLOT,
    }
    leader = page["leader"]["name"] if page["leader"] else ""
    runner_up = f" and {page['runner_up']['name']}" if page["runner_up"] else ""
    return {
        "id": verdict.pk,
        "created_at": verdict.created_at,
        "dataset_version": verdict.dataset_version,
        "url": verdict.get_absolute_url(),
        "title": "Too close to call" if page["too_close_to_call"] else f"Verdict: {leader}",
        "description": f"A cited verdict between {leader}{runner_up}, with the evidence behind it.",
        "body": render_to_string("recommender/_verdict_body.html", context),
    }
