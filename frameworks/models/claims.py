"""Claims, the workflow that takes them from draft to published, and visitors' reports on them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Trim
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from criteria.models import Criterion
from infrastructure.visibility import EveryRowManager, VisibleManager, synthetic_flag

from ..fields import seed_key_field
from ..querysets import ClaimQuerySet, ProblemReportQuerySet
from ..quote_location import Location, locate, not_found_message, quote_matches
from ..staleness import is_stale
from ..versions import SCOPE_HELP, in_scope, validate_scope
from ..weighing import MAX_RATING, MIN_RATING, Witness, witness
from .catalogue import Framework, Source
from .review import (
    Reviewed,
    WorkflowError,
    retired_reason_field,
    retirement_needs_a_reason,
    review_constraints,
)
from .source_text import SourceText

RETIREMENT_NEEDS_A_REASON = retirement_needs_a_reason("claim")
QUOTE_UNCHECKED = (
    "A published claim's quote must be found in its source's stored text, or carry the reason "
    "why it cannot be checked."
)


class Claim(Reviewed):
    """One source's assertion about one framework on one criterion, rated on the criterion's rubric.

    Its workflow (status, author, reviewer, last editor, version) is the review workflow's (review.py)."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="claims")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="claims")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims")
    statement = models.TextField(help_text="What the source asserts, in the editor's words.")
    quote = models.TextField(
        blank=True, help_text="A short passage copied verbatim from the source. Required to publish."
    )
    # Where the quote was found in the source's stored text (W3C Web Annotation TextQuoteSelector):
    # set by save(), never typed; empty when the source holds no text or the quote is not in it.
    quote_prefix = models.TextField(blank=True, editable=False)
    quote_exact = models.TextField(blank=True, editable=False)
    quote_suffix = models.TextField(blank=True, editable=False)
    quote_unchecked_reason = models.TextField(
        "why the quote is unchecked",
        blank=True,
        help_text="Only for a source whose text cannot be stored (a printed book, a paywalled page): "
        "why its quote could not be checked. The claim page shows it to visitors.",
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_RATING), MaxValueValidator(MAX_RATING)],
        help_text=f"{MIN_RATING} to {MAX_RATING}, on the criterion's rubric.",
    )
    value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="A number the source states, if any.",
    )
    unit = models.CharField(max_length=50, blank=True, help_text="The unit of the value, e.g. lines of code.")
    applies_to = models.CharField(
        "applies to versions", max_length=100, blank=True, validators=[validate_scope], help_text=SCOPE_HELP
    )
    as_of = models.DateField(
        null=True, blank=True, help_text="The date the claim describes. Leave empty when unknown."
    )
    retired_reason = retired_reason_field("claim")
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        help_text="A newer, published claim that overtakes this one. The old claim stays, marked stale.",
    )
    seed_key = seed_key_field("claims")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    is_synthetic = synthetic_flag()

    history = HistoricalRecords(excluded_fields=["version"])
    objects = VisibleManager.from_queryset(ClaimQuerySet)()
    everything = EveryRowManager.from_queryset(ClaimQuerySet)()

    class Meta:
        ordering = ["id"]
        permissions = [
            ("publish_claim", "Can publish claims"),
            ("retire_claim", "Can retire claims"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=MIN_RATING, rating__lte=MAX_RATING),
                name="claim_rating_1_to_5",
                violation_error_message=f"The rating must be between {MIN_RATING} and {MAX_RATING}.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | ~models.Q(Exact(Trim("quote"), "")),
                name="published_claim_has_quote",
                violation_error_message="A published claim must quote its source: add the quote first.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | ~models.Q(quote_exact="")
                | ~models.Q(Exact(Trim("quote_unchecked_reason"), "")),
                name="published_claim_quote_is_checked",
                violation_error_message=QUOTE_UNCHECKED,
            ),
            *review_constraints("claim"),
            models.CheckConstraint(
                condition=~models.Q(superseded_by=models.F("id")),
                name="claim_not_superseded_by_itself",
                violation_error_message="A claim cannot supersede itself.",
            ),
        ]
        indexes = [models.Index(fields=["status", "framework", "criterion"])]

    def __str__(self) -> str:
        return f"{self.framework} / {self.criterion}: {self.statement[:60]}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "quote" in update_fields or "source" in update_fields:
            self.locate_quote()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "quote_prefix", "quote_exact", "quote_suffix"}
        super().save(*args, **kwargs)

    def locate_quote(self) -> None:
        """Record where the quote is in its source's stored text; clear it when it is not there.

        Without a stored text, a location is kept only while it still matches the quote: the seed
        data carries the locations it found, for checkouts without the source documents."""
        text = self.source_text()
        if text is None and self.quote_exact and quote_matches(self.quote, self.quote_exact):
            return
        location = locate(self.quote, text) if text is not None else None
        for name, value in location_fields(location).items():
            setattr(self, name, value)

    def source_text(self) -> str | None:
        return SourceText.objects.filter(source_id=self.source_id).values_list("text", flat=True).first()

    @property
    def quote_location(self) -> Location | None:
        return Location(self.quote_prefix, self.quote_exact, self.quote_suffix) if self.quote_exact else None

    def quote_problem(self) -> str:
        """Why the quote cannot be published as it stands (after locate_quote); "" when it can."""
        if self.quote_exact:
            return ""
        text = self.source_text()
        if text is not None:
            return not_found_message(self.quote, text)
        if not self.quote_unchecked_reason.strip():
            return (
                "The source holds no text to check the quote against: store its text (Source texts "
                "in the admin), or, for a source that cannot be stored, record why the quote is unchecked."
            )
        return ""

    def clean(self):
        if self.superseded_by_id is not None:
            self._check_successor()

    def _check_successor(self) -> None:
        successor = self.superseded_by
        if self.pk is not None and successor.pk == self.pk:
            raise ValidationError({"superseded_by": "A claim cannot supersede itself."})
        if successor.status != self.Status.PUBLISHED:
            # Its text would reach the public pages before anyone reviewed it (four-eyes rule).
            raise ValidationError(
                {
                    "superseded_by": "Only a published claim can supersede another: have the newer "
                    f"claim reviewed and published first (it is {successor.get_status_display()})."
                }
            )
        if (successor.framework_id, successor.criterion_id) != (self.framework_id, self.criterion_id):
            raise ValidationError(
                {"superseded_by": "The newer claim must be about the same framework and criterion."}
            )
        seen = {self.pk}
        while successor is not None:
            if successor.pk in seen:
                raise ValidationError(
                    {"superseded_by": "This would make claims supersede each other in a loop."}
                )
            seen.add(successor.pk)
            successor = successor.superseded_by

    @property
    def dated(self) -> datetime.date | None:
        return self.as_of or self.source.dated

    def is_stale(self, today: datetime.date | None = None) -> bool:
        """Superseded, or dated before the staleness limit. Undated is said apart: see is_undated."""
        return is_stale(self.dated, self.superseded_by_id is not None, today)

    @property
    def is_undated(self) -> bool:
        return self.dated is None

    @property
    def in_scope(self) -> bool:
        """Whether the claim is about the framework's current version (an empty scope: every version)."""
        return in_scope(self.applies_to, self.framework.current_version)

    @property
    def scope_note(self) -> str:
        """For a claim about other versions: "about Flask <2.0; Flask is at 3.1.3"."""
        if self.in_scope:
            return ""
        name = self.framework.name
        return f"about {name} {self.applies_to}; {name} is at {self.framework.current_version}"

    @property
    def witness(self) -> Witness:
        return witness(self.source.speaks_for_id, self.framework_id)

    @property
    def public_successor(self) -> "Claim | None":
        """The claim that superseded this one, if it is published: the only kind the public sees."""
        successor = self.superseded_by
        return successor if successor is not None and successor.status == self.Status.PUBLISHED else None

    @property
    def public_successor_id(self) -> int | None:
        successor = self.public_successor
        return successor.pk if successor is not None else None

    def check_publishable(self) -> None:
        if not self.quote.strip():
            raise WorkflowError("A published claim must quote its source: add the quote first.")
        self.locate_quote()
        if problem := self.quote_problem():
            raise WorkflowError(problem, code="quote_not_found")


def location_fields(location: Location | None) -> dict[str, str]:
    """A claim's fields that record where its quote is: quote_prefix, quote_exact, quote_suffix."""
    return {
        f"quote_{name}": getattr(location, name) if location else "" for name in ("prefix", "exact", "suffix")
    }


class ProblemReport(models.Model):
    """A visitor's note that a claim looks wrong: kept until an editor handles it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="problem_reports")
    message = models.TextField(max_length=2000)
    contact = models.EmailField(blank=True, help_text="Optional: where the visitor may be answered.")
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Report on claim {self.claim_id}: {self.message[:50]}"
