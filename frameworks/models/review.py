"""The review workflow that editorial records share (claims, code snippets): draft, in review,
published, retired or withdrawn; the four-eyes rule; edits refused when based on an old version.

A model takes it by subclassing `Reviewed` and declaring `retired_reason = retired_reason_field(...)`
and `constraints = review_constraints(...)` with its own name, and `publish_<model>` and
`retire_<model>` permissions. Messages name the record by its verbose name ("this claim is ...").
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Trim
from django.db.models.lookups import Exact


class WorkflowError(ValidationError):
    """A record was asked to move to a status it cannot reach from where it is, or not by this user."""


class EditConflict(ValidationError):
    """Someone else saved the record after the editor opened it."""


def retirement_needs_a_reason(noun: str) -> str:
    return f"Say why the {noun} is retired: visitors following an old link read it."


def retired_reason_field(noun: str) -> models.TextField:
    return models.TextField(
        blank=True,
        help_text=f"Why the {noun} was retired, given by whoever retired it. Its page shows it to "
        "visitors who follow an old link.",
    )


def review_constraints(noun: str) -> list[models.BaseConstraint]:
    """The workflow's rules in the database: a retirement says why; nobody reviews their own work."""
    return [
        models.CheckConstraint(
            condition=~models.Q(status="retired") | ~models.Q(Exact(Trim("retired_reason"), "")),
            name=f"retired_{noun}_says_why",
            violation_error_message=retirement_needs_a_reason(noun),
        ),
        models.CheckConstraint(
            condition=models.Q(author__isnull=True)
            | models.Q(reviewer__isnull=True)
            | ~models.Q(author=models.F("reviewer")),
            name=f"{noun}_reviewer_is_not_author",
            violation_error_message=f"A {noun} cannot be reviewed by its own author.",
        ),
    ]


class Reviewed(models.Model):
    """A record that editors draft and reviewers publish. Each step checks where the record is and
    who acts; take_step takes one and saves."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in-review", "In review"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"
        # A draft or a record in review that its editors gave up on: never public, never in the changelog.
        WITHDRAWN = "withdrawn", "Withdrawn"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Whoever last changed the record is, like the author, barred from publishing it (checked by
    # publish(), not the database: a reviewer may still edit a record after publishing it).
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Bumped on every edit, so that a form opened before someone else's save cannot overwrite it.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    STEPS = ("submit_for_review", "publish", "retire", "withdraw")

    @property
    def _noun(self) -> str:
        return str(self._meta.verbose_name)

    @property
    def is_editable(self) -> bool:
        """Published and retired records are the record: they change by a new one that replaces them."""
        return self.status in (self.Status.DRAFT, self.Status.IN_REVIEW)

    def take_step(self, step: str, user, *details: str) -> None:
        """Take the workflow `step` (one of STEPS) as `user`, bump the version and save.

        The version moves as with an edit, so that a form opened before the step cannot overwrite
        it. Call inside a transaction, on a row locked with select_for_update."""
        if step not in self.STEPS:
            raise ValueError(f"{step!r} is not a workflow step; the steps are {', '.join(self.STEPS)}.")
        getattr(self, step)(user, *details)
        self.version += 1
        self.save()

    def submit_for_review(self, user) -> None:
        if self.status != self.Status.DRAFT:
            raise WorkflowError(
                f"Only drafts can be submitted for review; this {self._noun} is {self.get_status_display()}."
            )
        self.status = self.Status.IN_REVIEW

    def publish(self, user) -> None:
        if self.status != self.Status.IN_REVIEW:
            raise WorkflowError(
                f"Only {self._meta.verbose_name_plural} in review can be published; "
                f"this {self._noun} is {self.get_status_display()}."
            )
        if self.author_id is not None and self.author_id == user.pk:
            raise WorkflowError(
                f"You wrote this {self._noun}, so someone else must review and publish it (four-eyes rule).",
                code="four_eyes",
            )
        if self.last_edited_by_id is not None and self.last_edited_by_id == user.pk:
            raise WorkflowError(
                f"You changed this {self._noun} last, so someone else must review and publish it "
                "(four-eyes rule).",
                code="four_eyes",
            )
        self.check_publishable()
        self.status = self.Status.PUBLISHED
        self.reviewer = user

    def check_publishable(self) -> None:
        """Raise WorkflowError if the record's content is not fit to publish; the model's own rules."""

    def retire(self, user, reason: str) -> None:
        # The reviewer field keeps who published the record; history records who retired it.
        if self.status != self.Status.PUBLISHED:
            raise WorkflowError(
                f"Only published {self._meta.verbose_name_plural} can be retired; "
                f"this {self._noun} is {self.get_status_display()}"
                + (": withdraw it instead." if self.is_editable else ".")
            )
        if not reason.strip():
            raise WorkflowError(retirement_needs_a_reason(self._noun), code="no_reason")
        self.status = self.Status.RETIRED
        self.retired_reason = reason.strip()

    def withdraw(self, user) -> None:
        """Give up a draft or a record in review. It was never public, so it never shows as a change."""
        if not self.is_editable:
            raise WorkflowError(
                f"Only drafts and {self._meta.verbose_name_plural} in review can be withdrawn; "
                f"this {self._noun} is {self.get_status_display()}."
            )
        self.status = self.Status.WITHDRAWN

    def begin_edit(self, loaded_version: int) -> None:
        """Lock the stored row, refuse the edit if someone saved it after `loaded_version`, else bump it.

        Call inside a transaction, before saving; the lock holds until the transaction ends.
        """
        current = type(self)._default_manager.select_for_update().only("version").get(pk=self.pk)
        if current.version != loaded_version:
            raise EditConflict(
                f"Someone else saved this {self._noun} after you opened it. Nothing of yours was lost: "
                "your changes are still in the form, but they were not saved. Compare them with the "
                f"current version (open the {self._noun} in a new tab), then save again to keep yours.",
                code="edit_conflict",
            )
        self.version = loaded_version + 1
