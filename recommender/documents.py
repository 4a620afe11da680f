"""A verdict's API document: what `GET /api/recommendations/<id>/` answers, built from its snapshot.

`verdict_document` builds it, for the serializer and for the JSON that a post answers with.
A verdict never changes, so that JSON is encoded once and kept (`encoded_document`); only its URL
follows the host asking, put in by `with_url`. The document has its own shape, declared by
`serializers.RecommendationSerializer`; the snapshot's schema number is not part of it.
"""

from collections.abc import Iterable, Mapping

from rest_framework.renderers import JSONRenderer

from infrastructure import hot_cache
from infrastructure.data_versions import cache_key

from .models import Verdict
from .snapshot import FrozenClaim, upgrade

# A verdict's API document, encoded once, is kept this long.
DOCUMENT_SECONDS = 3600

# Where the URL goes in a kept document: the first key after the id, which cannot hold it.
EMPTY_URL = b'"url":""'

RANKED_FIELDS = [
    "framework", "score", "excluded_reason", "lacks_evidence", "failed_must_haves", "missing_evidence",
]  # fmt: skip
CELL_FIELDS = ["mean_rating", "sources", "witnesses", "contested", "thin", "stale", "undated", "empty"]
CLAIM_FIELDS = ["statement", "quote", "rating", "stale", "undated", "witness", "applies_to", "out_of_scope"]
CITATION_FIELDS = ["title", "publisher", "url", "published"]
FLIP_FIELDS = ["criterion", "current_weight", "flip_weight", "new_winner", "too_close_to_call"]


def verdict_document(verdict: Verdict, *, url: str) -> dict:
    """The document of a stored verdict, its page's address `url` in it."""
    snapshot = upgrade(verdict.snapshot)
    claims = snapshot["claims"]
    # PostgreSQL's jsonb does not keep key order, so the sides are ordered here, leader first.
    sides = [f for f in (snapshot["leader"], snapshot["runner_up"]) if f]
    return {
        "id": str(verdict.id),
        "url": url,
        "dataset_version": verdict.dataset_version,
        "winner": snapshot["winner"],
        "too_close_to_call": snapshot["winner"] is None,
        "confidence": snapshot["confidence"],
        "margin": snapshot["margin"],
        "ranking": [_pick(ranked, RANKED_FIELDS) for ranked in snapshot["ranking"]],
        "reasons": [
            {
                "criterion": reason["criterion"],
                "weight": reason["weight"],
                "contribution": reason["contribution"],
                "cells": {side: _pick(cell, CELL_FIELDS) for side, cell in reason["cells"].items()},
                "claims": [
                    _claim(claims[str(claim_id)], framework)
                    for framework in sides
                    for claim_id in reason["cells"][framework]["claim_ids"]
                ],
            }
            for reason in snapshot["reasons"]
        ],
        "flips": [_pick(flip, FLIP_FIELDS) for flip in snapshot["flips"]],
        "weights": snapshot["weights"],
    }


def encoded_document(verdict: Verdict) -> bytes:
    """The document as JSON, as DRF's JSON renderer encodes it, with an empty URL (`with_url`
    puts one in): encoded once and kept."""
    return hot_cache.get_or_build(
        cache_key("recommendation-json", verdict.id),
        lambda: JSONRenderer().render(verdict_document(verdict, url="")),
        DOCUMENT_SECONDS,
    )


def with_url(encoded: bytes, url: str) -> bytes:
    """A document encoded with an empty URL, with `url` in its place. The first empty "url" is
    the document's own: it follows the id; a citation's (which may be empty too) comes later."""
    return encoded.replace(EMPTY_URL, b'"url":' + JSONRenderer().render(url), 1)


def _claim(claim: FrozenClaim, framework: str) -> dict:
    return {
        "id": claim["id"],
        "framework": framework,
        **_pick(claim, CLAIM_FIELDS),
        "source": _pick(claim["source"], CITATION_FIELDS),
    }


def _pick(part: Mapping, fields: Iterable[str]) -> dict:
    return {name: part[name] for name in fields}


def page_url(request, verdict: Verdict) -> str:
    """The verdict's HTML page, at the address the request came to."""
    return request.build_absolute_uri(verdict.get_absolute_url())
