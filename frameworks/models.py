import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce, Trim
from django.db.models.lookups import Exact
from django.utils import timezone
from simple_history.models import HistoricalRecords

from criteria.models import Criterion
from infrastructure.visibility import EveryRowManager, VisibleManager, synthetic_flag

from .fields import HTTP_URL_OR_BLANK, HttpURLField
from .versions import SCOPE_HELP, in_scope, validate_scope, validate_version
from .weighing import Witness, witness

MIN_RATING = 1
MAX_RATING = 5


class FrameworkQuerySet(models.QuerySet):
    def featured(self):
        return self.filter(is_featured=True)


class Framework(models.Model):
    class Kind(models.TextChoices):
        MICRO = "micro", "Micro-framework"
        FULL_STACK = "full-stack", "Full-stack"
        ASYNC_FIRST = "async-first", "Async-first"

    slug = models.SlugField(unique=True, help_text="Stable identifier used in URLs and the API.")
    name = models.CharField(max_length=100, unique=True)
    summary = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    homepage = HttpURLField(blank=True)
    repository = HttpURLField(blank=True)
    licence = models.CharField(max_length=100, blank=True)
    current_version = models.CharField(
        max_length=50,
        blank=True,
        validators=[validate_version],
        help_text="The latest release (PEP 440). Claims count when it is inside their version scope.",
    )
    is_featured = models.BooleanField(
        default=False, help_text="Featured frameworks are the ones the default verdict compares."
    )
    is_synthetic = synthetic_flag()

    history = HistoricalRecords()
    objects = VisibleManager.from_queryset(FrameworkQuerySet)()
    everything = EveryRowManager.from_queryset(FrameworkQuerySet)()

    class Meta:
        ordering = ["-is_featured", "name"]

    def __str__(self) -> str:
        return self.name


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources that a published claim cites: the only ones visitors see. A source nobody has
        reviewed yet (no claim citing it is published) stays out of public pages and the API."""
        cited = Claim.objects.published().filter(source=models.OuterRef("pk"))
        return self.filter(models.Exists(cited))


class Source(models.Model):
    """A document that claims cite. Its publication date may be unknown: then it stays unknown."""

    class Kind(models.TextChoices):
        OFFICIAL_DOCS = "official-docs", "Official documentation"
        ARTICLE = "article", "Article"
        SURVEY = "survey", "Survey"
        BENCHMARK = "benchmark", "Benchmark"
        EDITORIAL = "editorial", "Editorial"

    class DatePrecision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    slug = models.SlugField(
        unique=True, help_text="Stable identifier; the seed data refers to sources by it."
    )
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    url = HttpURLField("URL", max_length=500, blank=True)
    version = models.CharField(
        max_length=50, blank=True, help_text="For documentation: the version of the software it documents."
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="Leave empty when the document does not show its date. Never guess."
    )
    published_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How much of the publication date is known.",
    )
    published_note = models.CharField(
        max_length=300, blank=True, help_text="How the date is known, or what is known when it is not."
    )
    revised_on = models.DateField(
        null=True,
        blank=True,
        help_text="For documentation: when the page last changed. Dates its claims when they have no date.",
    )
    accessed_on = models.DateField(help_text="When the copy that claims quote was taken.")
    speaks_for = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_sources",
        help_text="The framework whose project (or maintained extension) publishes this document. "
        "Empty for independent articles, surveys and benchmarks.",
    )
    licence = models.CharField(max_length=100, blank=True, help_text="The document's licence, where known.")
    is_synthetic = synthetic_flag()

    history = HistoricalRecords()
    objects = VisibleManager.from_queryset(SourceQuerySet)()
    everything = EveryRowManager.from_queryset(SourceQuerySet)()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=HTTP_URL_OR_BLANK,
                name="source_url_is_http_or_blank",
                violation_error_message="The URL must start with http:// or https://, or be left empty.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def published_display(self) -> str:
        return describe_publication(self.published_on, self.published_precision, self.published_note)

    @property
    def dated(self) -> datetime.date | None:
        """The date the source's text describes: published, else last revised; None when unknown."""
        return self.published_on or self.revised_on

    def is_public(self) -> bool:
        """Published claims cite it: then only a reviewed change may touch it (source_review.py)."""
        return Source.objects.public().filter(pk=self.pk).exists()


def describe_publication(published_on: datetime.date | None, precision: str, note: str) -> str:
    """A source's date as far as it is known: "undated (note)", "2019", "May 2024", "3 May 2024"."""
    if published_on is None:
        return f"undated ({note})" if note else "undated"
    if precision == Source.DatePrecision.YEAR:
        return str(published_on.year)
    month_year = published_on.strftime("%B %Y")
    if precision == Source.DatePrecision.MONTH:
        return month_year
    return f"{published_on.day} {month_year}"


def stale_cutoff(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.STALE_AFTER_DAYS)


# A claim is dated by its own as-of date, else by its source's (published, else last revised).
CLAIM_DATE = Coalesce("as_of", "source__published_on", "source__revised_on")


def _older_than_limit(today: datetime.date | None) -> models.Q:
    return models.Q(dated__lt=stale_cutoff(today))


_UNDATED = models.Q(dated__isnull=True)
_SUPERSEDED = models.Q(superseded_by__isnull=False)


class ClaimQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Claim.Status.PUBLISHED)

    def with_date(self):
        return self.alias(dated=CLAIM_DATE)

    def old(self, today: datetime.date | None = None):
        return self.with_date().filter(_older_than_limit(today))

    def undated(self):
        return self.with_date().filter(_UNDATED)

    def superseded(self):
        return self.filter(_SUPERSEDED)

    def in_current_scope(self, wanted: bool = True):
        """Claims whose version scope holds (or, wanted=False, misses) their framework's current version.

        Scopes are PEP 440 specifiers, which SQL cannot read: one query for the scoped claims."""
        scoped = self.exclude(applies_to="").values_list("id", "applies_to", "framework__current_version")
        outside = [id_ for id_, scope, version in scoped if not in_scope(scope, version)]
        return self.exclude(pk__in=outside) if wanted else self.filter(pk__in=outside)

    def stale(self, today: datetime.date | None = None):
        """Dated before the staleness limit, or superseded (undated claims are said apart)."""
        return self.with_date().filter(_older_than_limit(today) | _SUPERSEDED)

    def fresh(self, today: datetime.date | None = None):
        """Dated within the staleness limit and not superseded."""
        return self.with_date().exclude(_older_than_limit(today) | _UNDATED | _SUPERSEDED)

    def with_cell_spread(self):
        """Annotate `cell_spread`: highest minus lowest rating among the current published claims
        on the same framework and criterion (None for an empty cell), so that disagreement can be
        shown and filtered on without a query per claim."""
        cell = (
            Claim.objects.published()
            .filter(framework=models.OuterRef("framework"), criterion=models.OuterRef("criterion"))
            .filter(superseded_by__isnull=True)
            .order_by()
            .values("framework", "criterion")
            .annotate(spread=models.Max("rating") - models.Min("rating"))
            .values("spread")
        )
        return self.annotate(cell_spread=models.Subquery(cell))


class WorkflowError(ValidationError):
    """A claim was asked to move to a status it cannot reach from where it is, or not by this user."""


class EditConflict(ValidationError):
    """Someone else saved the claim after the editor opened it."""


RETIREMENT_NEEDS_A_REASON = "Say why the claim is retired: visitors following an old link read it."


class Claim(models.Model):
    """One source's assertion about one framework on one criterion, rated on the criterion's rubric."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in-review", "In review"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"
        # A draft or a claim in review that its editors gave up on: never public, never in the changelog.
        WITHDRAWN = "withdrawn", "Withdrawn"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="claims")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="claims")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims")
    statement = models.TextField(help_text="What the source asserts, in the editor's words.")
    quote = models.TextField(
        blank=True, help_text="A short passage copied verbatim from the source. Required to publish."
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
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    retired_reason = models.TextField(
        blank=True,
        help_text="Why the claim was retired, given by whoever retired it. Its page shows it to "
        "visitors who follow an old link.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Whoever last changed the claim is, like the author, barred from publishing it (checked by
    # publish(), not the database: a reviewer may still edit a claim after publishing it).
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        help_text="A newer, published claim that overtakes this one. The old claim stays, marked stale.",
    )
    seed_key = models.SlugField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Set on claims that the seed command loaded, so that it never loads them twice.",
    )
    # Bumped on every edit, so that a form opened before someone else's save cannot overwrite it.
    version = models.PositiveIntegerField(default=1)
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
                condition=~models.Q(status="retired") | ~models.Q(Exact(Trim("retired_reason"), "")),
                name="retired_claim_says_why",
                violation_error_message=RETIREMENT_NEEDS_A_REASON,
            ),
            models.CheckConstraint(
                condition=models.Q(author__isnull=True)
                | models.Q(reviewer__isnull=True)
                | ~models.Q(author=models.F("reviewer")),
                name="claim_reviewer_is_not_author",
                violation_error_message="A claim cannot be reviewed by its own author.",
            ),
            models.CheckConstraint(
                condition=~models.Q(superseded_by=models.F("id")),
                name="claim_not_superseded_by_itself",
                violation_error_message="A claim cannot supersede itself.",
            ),
        ]
        indexes = [models.Index(fields=["status", "framework", "criterion"])]

    def __str__(self) -> str:
        return f"{self.framework} / {self.criterion}: {self.statement[:60]}"

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
        dated = self.dated
        return self.superseded_by_id is not None or (dated is not None and dated < stale_cutoff(today))

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

    @property
    def is_editable(self) -> bool:
        """Published and retired claims are the record: change them by drafting a claim that supersedes."""
        return self.status in (self.Status.DRAFT, self.Status.IN_REVIEW)

    # The workflow. Each step checks where the claim is and who acts; the caller saves.

    def submit_for_review(self, user) -> None:
        if self.status != self.Status.DRAFT:
            raise WorkflowError(
                f"Only drafts can be submitted for review; this claim is {self.get_status_display()}."
            )
        self.status = self.Status.IN_REVIEW

    def publish(self, user) -> None:
        if self.status != self.Status.IN_REVIEW:
            raise WorkflowError(
                f"Only claims in review can be published; this claim is {self.get_status_display()}."
            )
        if self.author_id is not None and self.author_id == user.pk:
            raise WorkflowError(
                "You wrote this claim, so someone else must review and publish it (four-eyes rule).",
                code="four_eyes",
            )
        if self.last_edited_by_id is not None and self.last_edited_by_id == user.pk:
            raise WorkflowError(
                "You changed this claim last, so someone else must review and publish it (four-eyes rule).",
                code="four_eyes",
            )
        if not self.quote.strip():
            raise WorkflowError("A published claim must quote its source: add the quote first.")
        self.status = self.Status.PUBLISHED
        self.reviewer = user

    def retire(self, user, reason: str) -> None:
        # The reviewer field keeps who published the claim; history records who retired it.
        if self.status != self.Status.PUBLISHED:
            raise WorkflowError(
                f"Only published claims can be retired; this claim is {self.get_status_display()}"
                + (": withdraw it instead." if self.is_editable else ".")
            )
        if not reason.strip():
            raise WorkflowError(RETIREMENT_NEEDS_A_REASON, code="no_reason")
        self.status = self.Status.RETIRED
        self.retired_reason = reason.strip()

    def withdraw(self, user) -> None:
        """Give up a draft or a claim in review. It was never public, so it never shows as a change."""
        if not self.is_editable:
            raise WorkflowError(
                "Only drafts and claims in review can be withdrawn; "
                f"this claim is {self.get_status_display()}."
            )
        self.status = self.Status.WITHDRAWN

    def begin_edit(self, loaded_version: int) -> None:
        """Lock the stored row, refuse the edit if someone saved it after `loaded_version`, else bump it.

        Call inside a transaction, before saving; the lock holds until the transaction ends.
        """
        current = Claim.objects.select_for_update().only("version").get(pk=self.pk)
        if current.version != loaded_version:
            raise EditConflict(
                "Someone else saved this claim after you opened it. Nothing of yours was lost: your "
                "changes are still in the form, but they were not saved. Compare them with the "
                "current version (open the claim in a new tab), then save again to keep yours.",
                code="edit_conflict",
            )
        self.version = loaded_version + 1


class ProblemReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(handled_at__isnull=True)

    def handled(self):
        return self.filter(handled_at__isnull=False)


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


# Proposed changes to cited sources live beside the workflow they follow; imported here so that
# Django registers the model with this app.
from .source_review import SourceChange  # noqa: E402, F401
