"""What claims are about and what they cite: frameworks and sources."""

import datetime

from django.db import models
from simple_history.models import HistoricalRecords

from infrastructure.visibility import EveryRowManager, VisibleManager, synthetic_flag

from ..fields import HTTP_URL_OR_BLANK, HttpURLField
from ..querysets import FrameworkQuerySet, SourceQuerySet
from ..versions import validate_version


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
    extension = models.CharField(
        max_length=100,
        blank=True,
        help_text="The maintained extension the document is about (Flask-SQLAlchemy, Django REST "
        "framework...), when it is not the framework's own core. Citations name it.",
    )
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
    def date_display(self) -> str:
        """For citations: the publication date, else the page's last revision, labelled as such."""
        return describe_publication(
            self.published_on, self.published_precision, self.published_note, self.revised_on
        )

    @property
    def dated(self) -> datetime.date | None:
        """The date the source's text describes: published, else last revised; None when unknown."""
        return self.published_on or self.revised_on

    def is_public(self) -> bool:
        """Published claims cite it: then only a reviewed change may touch it (source_changes.py)."""
        return Source.objects.public().filter(pk=self.pk).exists()


def describe_publication(
    published_on: datetime.date | None, precision: str, note: str, revised_on: datetime.date | None = None
) -> str:
    """A source's date as far as it is known: "undated (note)", "2019", "May 2024", "3 May 2024";
    given `revised_on`, an undated page shows that instead: "revised 21 November 2026"."""
    if published_on is None and revised_on is not None:
        return f"revised {revised_on.day} {revised_on:%B %Y}"
    if published_on is None:
        return f"undated ({note})" if note else "undated"
    if precision == Source.DatePrecision.YEAR:
        return str(published_on.year)
    month_year = published_on.strftime("%B %Y")
    if precision == Source.DatePrecision.MONTH:
        return month_year
    return f"{published_on.day} {month_year}"
