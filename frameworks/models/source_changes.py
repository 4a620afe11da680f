"""Changes to a source that published claims cite wait for a reviewer, as claims do (four-eyes).

A cited source's title, address and the rest show on every page that cites it, so one editor must
not change them alone. An editor proposes a change (a SourceChange holding, per field, the value it
had and the value proposed); a reviewer who did not propose it applies it, or rejects it. Until
then the source stays as it was. Sources that no published claim cites are not public (see
SourceQuerySet.public), so editors change those directly: publishing the first claim that cites
one is the review.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..querysets import SourceChangeQuerySet
from .catalogue import Source
from .review import WorkflowError

# What a change may touch: everything a citation shows. The slug never changes.
CITATION_FIELDS = [
    "title",
    "author",
    "publisher",
    "kind",
    "url",
    "version",
    "published_on",
    "published_precision",
    "published_note",
    "revised_on",
    "licence",
    "extension",
    "accessed_on",
]


class SourceChange(models.Model):
    """A proposed change to a cited source, applied only by a reviewer who did not propose it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="changes")
    # {field: [value before, value proposed]}, each as the field's text (dates as YYYY-MM-DD).
    changes = models.JSONField()
    note = models.CharField(max_length=300, blank=True, help_text="Why the change is needed.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = SourceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("apply_sourcechange", "Can apply or reject proposed source changes")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviewed_by__isnull=True) | ~models.Q(reviewed_by=models.F("proposed_by")),
                name="source_change_reviewer_is_not_proposer",
                violation_error_message="A source change cannot be reviewed by whoever proposed it.",
            ),
        ]

    def __str__(self) -> str:
        return f"Change to {self.source}: {', '.join(self.changes)}"

    @classmethod
    def propose(cls, source: Source, user, values: dict, note: str = "") -> "SourceChange":
        """An unsaved proposal of `values` for `source`, checked as the source would be; the caller saves."""
        changed = Source.objects.get(pk=source.pk)
        for name, value in values.items():
            if name not in CITATION_FIELDS:
                raise ValidationError({name: "This field cannot be changed by a proposal."})
            setattr(changed, name, value)
        changed.full_clean()
        changes = {
            name: [_text(source, name), _text(changed, name)]
            for name in CITATION_FIELDS
            if _text(source, name) != _text(changed, name)
        }
        if not changes:
            raise ValidationError("This proposal changes nothing: the source already reads so.")
        return cls(source=source, changes=changes, note=note, proposed_by=user)

    def apply(self, user) -> Source:
        """Write the change into the source (which the caller saves, with this proposal)."""
        self._review(user)
        source = self.source
        for name, (before, after) in self.changes.items():
            if _text(source, name) != before:
                raise WorkflowError(
                    f"The source's {name} changed after this proposal was made: propose the change again.",
                    code="outdated",
                )
            setattr(source, name, Source._meta.get_field(name).to_python(after))
        source.full_clean()
        self.status = self.Status.APPLIED
        return source

    def reject(self, user) -> None:
        self._review(user)
        self.status = self.Status.REJECTED

    def _review(self, user) -> None:
        if self.status != self.Status.PROPOSED:
            raise WorkflowError(f"This change was already {self.get_status_display().lower()}.")
        if self.proposed_by_id == user.pk:
            raise WorkflowError(
                "You proposed this change, so someone else must review it (four-eyes rule).",
                code="four_eyes",
            )
        self.reviewed_by, self.reviewed_at = user, timezone.now()


def _text(source: Source, name: str) -> str:
    return Source._meta.get_field(name).value_to_string(source)


def review(change: SourceChange, step: str, user) -> SourceChange:
    """Apply or reject `change` as `user`, with the proposal and its source locked; both are saved."""
    with transaction.atomic():
        locked = SourceChange.objects.select_for_update().get(pk=change.pk)
        locked.source = Source.objects.select_for_update().get(pk=locked.source_id)
        if step == "apply":
            locked.apply(user).save()
        else:
            locked.reject(user)
        locked.save()
    return locked
