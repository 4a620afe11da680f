"""schema.org JSON-LD for claim pages: a claim is a source's review of a framework on one criterion."""

import json

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .models import Claim, Source
from .quote_text import plain
from .weighing import MAX_RATING, MIN_RATING


def _kept(document: dict) -> dict:
    """The document without empty values: schema.org readers take a missing key for unknown, not null."""
    return {key: value for key, value in document.items() if value not in (None, "", {}, [])}


def _published(source: Source) -> str | None:
    """The publication date to the precision known (2019, 2019-12, 2019-12-02); None when unknown."""
    if source.published_on is None:
        return None
    known = {Source.DatePrecision.YEAR: 4, Source.DatePrecision.MONTH: 7}
    return source.published_on.isoformat()[: known.get(source.published_precision, 10)]


def _author(source: Source) -> dict | None:
    # Documentation is written by its project; articles, surveys and benchmarks by the person named.
    if source.author:
        kind = "Organization" if source.kind == Source.Kind.OFFICIAL_DOCS else "Person"
        return {"@type": kind, "name": source.author}
    if source.publisher:
        return {"@type": "Organization", "name": source.publisher}
    return None


def claim_review(claim: Claim, canonical_url: str, request) -> dict:
    framework, source = claim.framework, claim.source
    cited = _kept({"@type": "CreativeWork", "name": source.title, "url": source.url})
    publisher = _kept({"@type": "Organization", "name": source.publisher})
    item = _kept(
        {
            "@type": "SoftwareApplication",
            "name": framework.name,
            "applicationCategory": "DeveloperApplication",
            "softwareVersion": framework.current_version,
            "url": framework.homepage
            or request.build_absolute_uri(reverse("frameworks:framework", args=[framework.slug])),
        }
    )
    rating = {
        "@type": "Rating",
        "ratingValue": claim.rating,
        "bestRating": MAX_RATING,
        "worstRating": MIN_RATING,
    }
    return _kept(
        {
            "@context": "https://schema.org",
            "@type": "Review",
            "url": canonical_url,
            "name": claim.statement,
            "itemReviewed": item,
            "reviewAspect": claim.criterion.name,
            "reviewRating": rating,
            "reviewBody": plain(claim.quote),
            "author": _author(source),
            "publisher": publisher if len(publisher) > 1 else None,
            "datePublished": _published(source),
            "isBasedOn": cited,
            "citation": cited,
        }
    )


def json_ld(document: dict) -> SafeString:
    """The document as JSON for a <script type="application/ld+json">: no text in it can close the element."""
    text = json.dumps(document, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
