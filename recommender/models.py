import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from criteria.models import MAX_WEIGHT, Criterion


class Question(models.Model):
    """A questionnaire question; its slug names the form field, the link parameter and the API key."""

    slug = models.SlugField(unique=True, help_text="Stable: links and API clients use it.")
    text = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    allows_multiple = models.BooleanField(default=False, help_text="Visitors may tick several choices.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    slug = models.SlugField(help_text="Stable: links and API clients use it.")
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "slug"],
                name="choice_slug_unique_per_question",
                violation_error_message="This question already has a choice with this slug.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.slug}={self.slug}"


class ChoiceWeight(models.Model):
    """How choosing an answer moves one criterion's weight, and whether it makes it a must-have."""

    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="weights")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    delta = models.SmallIntegerField(
        validators=[MinValueValidator(-MAX_WEIGHT), MaxValueValidator(MAX_WEIGHT)],
        help_text=f"Added to the criterion's weight, -{MAX_WEIGHT} to {MAX_WEIGHT}.",
    )
    must_have = models.BooleanField(
        default=False, help_text="Exclude frameworks whose evidence on this criterion is below the bar."
    )
    why = models.CharField(max_length=200, help_text="Why this answer matters for this criterion.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["choice", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["choice", "criterion"],
                name="one_weight_per_choice_and_criterion",
                violation_error_message="This choice already moves this criterion.",
            ),
            models.CheckConstraint(
                condition=models.Q(delta__gte=-MAX_WEIGHT, delta__lte=MAX_WEIGHT),
                name="choice_weight_delta_in_range",
                violation_error_message=f"The delta must be between -{MAX_WEIGHT} and {MAX_WEIGHT}.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.choice}: {self.criterion.slug} {self.delta:+d}"


class Verdict(models.Model):
    """A frozen result: what was asked, on which evidence, and everything the page shows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    answers = models.JSONField(help_text="question slug -> list of choice slugs")
    weight_overrides = models.JSONField(default=dict, blank=True)
    frameworks = models.JSONField(help_text="The compared framework slugs.")
    dataset_version = models.CharField(max_length=100)
    snapshot = models.JSONField(help_text="Ranking, reasons, flips, confidence and the claims behind them.")
    # Null on verdicts stored before fingerprints: unique allows many nulls, not many blanks.
    fingerprint = models.CharField(  # noqa: DJ001
        max_length=64,
        unique=True,
        null=True,
        editable=False,
        help_text="Hash of the request, the questionnaire's moves and the evidence: one verdict for each.",
    )
    rerun_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reruns",
        editable=False,
        help_text="The verdict whose request this one re-ran on newer evidence; its page says what changed.",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Verdict {self.id}"

    def get_absolute_url(self) -> str:
        return reverse("recommender:verdict", args=[self.id])
