"""The admin of records under the review workflow (models/review.py): claims, code snippets.

`ReviewedAdmin` gives the workflow's actions (submit, publish, retire with a reason, withdraw),
records who wrote and who last changed a record, and `VersionedForm` refuses a save made from a
form opened before someone else's."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse

from infrastructure.admin_base import EvidenceAdmin

from .models import EditConflict, retirement_needs_a_reason

# The fields that record a record's way through the workflow: never typed in a form.
RECORD_FIELDS = [
    "status",
    "retired_reason",
    "author",
    "last_edited_by",
    "reviewer",
    "created_at",
    "updated_at",
]


def run_step(model_admin, request, records, step, done: str) -> None:
    """A workflow action: `step(record)` for each record, a message for each refusal, one in all."""
    name = model_admin.model._meta.verbose_name
    moved = 0
    for record in records:
        try:
            step(record)
        except ValidationError as refusal:  # WorkflowError, or a rule of the model
            message = " ".join(refusal.messages)
            model_admin.message_user(request, f"{name.capitalize()} {record.pk}: {message}", messages.ERROR)
            continue
        moved += 1
    if moved:
        model_admin.message_user(request, f"{moved} {name}(s) {done}.", messages.SUCCESS)


class VersionedForm(forms.ModelForm):
    """A form for a reviewed record that carries the version the editor loaded."""

    # The version the editor loaded; a save made from an out-of-date form is refused, not applied.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The fields whose posted text a refusal repeats, for the editor to reuse.
    kept_fields: tuple[str, ...] = ()
    # What to do instead of editing a record that was published or retired meanwhile.
    instead = "draft a new {noun} that supersedes it instead"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        loaded = cleaned.get("loaded_version")
        if loaded is None:
            raise forms.ValidationError(
                "This form is incomplete: reload the page and make your change again."
            )
        try:
            self.instance.begin_edit(loaded)
        except EditConflict as conflict:
            current = type(self.instance)._default_manager.get(pk=self.instance.pk)
            if not current.is_editable:
                raise forms.ValidationError(self._now_frozen_message(current)) from None
            # Re-render with the editor's input intact, now based on the current version:
            # saving again is a deliberate overwrite of the other editor's change.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = current.version
            raise conflict
        return cleaned

    def _now_frozen_message(self, current) -> str:
        """The record was published or retired meanwhile: its form no longer holds the editor's text."""
        noun = current._meta.verbose_name
        posted = [f"{name}: {self.data[name]!r}" for name in self.kept_fields if self.data.get(name)]
        yours = f" What you wrote, so that you can reuse it: {'; '.join(posted)}." if posted else ""
        return (
            f"Someone else saved this {noun} after you opened it, and it is now "
            f"{current.get_status_display()}, so it can no longer be edited: "
            f"{self.instead.format(noun=noun)}.{yours}"
        )


class RetirementForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.help_text = model._meta.get_field("retired_reason").help_text
        field.error_messages["required"] = retirement_needs_a_reason(model._meta.verbose_name)


class ReviewedAdmin(EvidenceAdmin):
    """Actions for each workflow step; publishing and retiring need the model's own permissions
    (`publish_<model>`, `retire_<model>`), which the Reviewer role holds."""

    actions = ["submit_for_review", "publish", "retire", "withdraw"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        if form.has_changed():
            obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    def _has_model_permission(self, request, action: str) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    def has_publish_permission(self, request):
        return self._has_model_permission(request, "publish")

    def has_retire_permission(self, request):
        return self._has_model_permission(request, "retire")

    @transaction.atomic
    def _move(self, request, queryset, step: str, done: str, *details: str):
        records = queryset.select_for_update(of=("self",))
        run_step(self, request, records, lambda record: record.take_step(step, request.user, *details), done)

    @admin.action(description="Submit selected %(verbose_name_plural)s for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(request, queryset, "submit_for_review", "submitted for review")

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["publish"])
    def publish(self, request, queryset):
        self._move(request, queryset, "publish", "published")

    @admin.action(description="Retire selected %(verbose_name_plural)s", permissions=["retire"])
    def retire(self, request, queryset):
        """Asks why first, on a page of its own; retires when that page posts the reason back."""
        form = RetirementForm(request.POST if "apply" in request.POST else None, model=self.model)
        if form.is_valid():
            self._move(request, queryset, "retire", "retired", form.cleaned_data["reason"])
            return None
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Why retire these {opts.verbose_name_plural}?",
            "opts": opts,
            "records": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        templates = [f"admin/{opts.app_label}/{opts.model_name}/retire.html", "admin/retire.html"]
        return TemplateResponse(request, templates, context)

    @admin.action(
        description="Withdraw selected drafts or %(verbose_name_plural)s in review", permissions=["change"]
    )
    def withdraw(self, request, queryset):
        self._move(request, queryset, "withdraw", "withdrawn")
