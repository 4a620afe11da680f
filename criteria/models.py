from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from infrastructure.visibility import EveryRowManager, VisibleManager, synthetic_flag

MIN_WEIGHT = 0
MAX_WEIGHT = 10


class CriterionQuerySet(models.QuerySet):
    def current(self):
        """The criteria frameworks are compared on: every one not retired."""
        return self.filter(is_retired=False)


class Criterion(models.Model):
    """Something frameworks are compared on, with a rubric that anchors its 1..5 ratings."""

    class Category(models.TextChoices):
        DEVELOPER_EXPERIENCE = "developer-experience", "Developer experience"
        SCOPE = "scope", "Scope"
        ARCHITECTURE = "architecture", "Architecture"
        DATA = "data", "Data"
        SECURITY = "security", "Security"
        PERFORMANCE = "performance", "Performance"
        ECOSYSTEM = "ecosystem", "Ecosystem"
        # The sources' own "use X if ..." rules: weighed when an answer says the case is the visitor's.
        USE_CASE = "use-case", "Use case"

    slug = models.SlugField(unique=True, help_text="Stable identifier used in URLs and the API.")
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField()
    category = models.CharField(max_length=30, choices=Category.choices)
    default_weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_WEIGHT), MaxValueValidator(MAX_WEIGHT)],
        help_text=f"How much a visitor who answers nothing cares about this, {MIN_WEIGHT} to {MAX_WEIGHT}.",
    )
    rubric_low = models.TextField(
        "a rating of 1 means", help_text="What a rating of 1 means on this criterion."
    )
    rubric_high = models.TextField(
        "a rating of 5 means", help_text="What a rating of 5 means on this criterion."
    )

    is_retired = models.BooleanField(
        "retired",
        default=False,
        help_text="A retired criterion is no longer compared; its slug stays, so old verdicts still show it.",
    )
    is_synthetic = synthetic_flag()

    history = HistoricalRecords()
    objects = VisibleManager.from_queryset(CriterionQuerySet)()
    everything = EveryRowManager.from_queryset(CriterionQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_weight__gte=MIN_WEIGHT, default_weight__lte=MAX_WEIGHT),
                name="criterion_default_weight_0_to_10",
                violation_error_message=f"The default weight must be between {MIN_WEIGHT} and {MAX_WEIGHT}.",
            ),
        ]

    def __str__(self) -> str:
        return self.name
