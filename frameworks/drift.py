"""Source drift: whether each source's page still holds the quotes its claims cite.

A read-only check (`manage.py check_source_drift`): it reads each source's address again, compares
the page's text with the stored one, and lists the claims whose quotes the page no longer holds,
each with the passage nearest to it. It changes nothing: an editor acts on the report, storing the
new text in the admin, and superseding or retiring the claims whose quotes are gone.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from .models import Claim, Source, SourceText
from .page_text import Unreadable, read_page
from .quote_location import locate, nearest_passage

# Claims whose quotes are checked, in the order they are listed: published ones first, as visitors
# read them. Retired and withdrawn claims are no longer anyone's evidence.
CHECKED_STATUSES = (Claim.Status.PUBLISHED, Claim.Status.IN_REVIEW, Claim.Status.DRAFT)


class Drift(StrEnum):
    SAME = "same"
    CHANGED = "changed"
    UNREACHABLE = "unreachable"
    NO_STORED_TEXT = "no-stored-text"


@dataclass(frozen=True)
class MissingQuote:
    """A claim whose quote the current page does not hold, and the page's passage most like it."""

    claim_id: int
    status: str
    framework: str
    criterion: str
    quote: str
    nearest_passage: str

    @property
    def is_published(self) -> bool:
        return self.status == Claim.Status.PUBLISHED


@dataclass
class SourceDrift:
    slug: str
    url: str
    status: Drift
    error: str = ""
    stored_sha256: str = ""
    current_sha256: str = ""
    claims: int = 0  # with a quote to check, retired and withdrawn ones left out
    missing: list[MissingQuote] = field(default_factory=list)

    @property
    def missing_published(self) -> list[MissingQuote]:
        return [quote for quote in self.missing if quote.is_published]

    def as_json(self) -> dict:
        return {
            "slug": self.slug,
            "url": self.url,
            "status": str(self.status),
            "error": self.error,
            "stored_sha256": self.stored_sha256,
            "current_sha256": self.current_sha256,
            "claims": self.claims,
            "missing_claims": [
                {
                    "id": quote.claim_id,
                    "status": quote.status,
                    "framework": quote.framework,
                    "criterion": quote.criterion,
                    "quote": quote.quote,
                    "nearest_passage": quote.nearest_passage,
                }
                for quote in self.missing
            ],
        }


def sources_to_check(slugs: Iterable[str] = ()) -> list[Source]:
    """The sources with an address, by slug; only those named, when `slugs` names any.

    LookupError names the asked-for slugs that no source with an address has."""
    sources = Source.objects.exclude(url="").order_by("slug").only("slug", "url")
    wanted = set(slugs)
    if not wanted:
        return list(sources)
    found = list(sources.filter(slug__in=wanted))
    unknown = wanted - {source.slug for source in found}
    if unknown:
        raise LookupError(", ".join(sorted(unknown)))
    return found


def check_sources(sources: Iterable[Source], timeout: float) -> Iterable[SourceDrift]:
    """Each source's drift, one at a time (so a report can be printed as it goes)."""
    sources = list(sources)
    stored = dict(SourceText.objects.filter(source__in=sources).values_list("source_id", "sha256"))
    for source in sources:
        yield check_source(source, stored.get(source.pk, ""), timeout)


def check_source(source: Source, stored_sha256: str, timeout: float) -> SourceDrift:
    claims = _claims_of(source)
    report = SourceDrift(
        source.slug, source.url, Drift.UNREACHABLE, stored_sha256=stored_sha256, claims=len(claims)
    )
    try:
        text = read_page(source.url, timeout)
    except Unreadable as problem:
        report.error = str(problem)
        return report
    report.current_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if not stored_sha256:
        report.status = Drift.NO_STORED_TEXT
    else:
        report.status = Drift.SAME if stored_sha256 == report.current_sha256 else Drift.CHANGED
    report.missing = [
        MissingQuote(
            claim.pk,
            claim.status,
            claim.framework.name,
            claim.criterion.name,
            claim.quote,
            nearest_passage(claim.quote, text),
        )
        for claim in claims
        if locate(claim.quote, text) is None
    ]
    return report


def _claims_of(source: Source) -> list[Claim]:
    claims = (
        Claim.objects.filter(source=source, status__in=CHECKED_STATUSES)
        .exclude(quote="")
        .select_related("framework", "criterion")
        .only("status", "quote", "framework__name", "criterion__name")
    )
    order = {status: rank for rank, status in enumerate(CHECKED_STATUSES)}
    return sorted((claim for claim in claims if claim.quote.strip()), key=lambda c: (order[c.status], c.pk))
