from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.timesince import timesince

from criteria.admin_base import EvidenceAdmin

from .models import Claim, EditConflict, Framework, ProblemReport, Source, WorkflowError


class ClaimInline(admin.TabularInline):
    """The claims hanging on a framework or a source, listed read-only with a link to each."""

    model = Claim
    fields = ["statement", "criterion", "rating", "status", "as_of"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("framework", "criterion", "source")


@admin.register(Framework)
class FrameworkAdmin(EvidenceAdmin):
    list_display = ["name", "kind", "current_version", "licence", "is_featured"]
    list_filter = ["kind", "is_featured"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ClaimInline]


@admin.register(Source)
class SourceAdmin(EvidenceAdmin):
    list_display = ["title", "publisher", "kind", "published", "accessed_on", "claim_count"]
    list_filter = ["kind"]
    search_fields = ["title", "author", "publisher", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ClaimInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claims"))

    @admin.display(description="published", ordering="published_on")
    def published(self, source):
        return source.published_display

    @admin.display(description="claims", ordering="claim_count")
    def claim_count(self, source):
        return source.claim_count


class StaleFilter(admin.SimpleListFilter):
    title = "freshness"
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        return [
            ("stale", "Stale (any reason)"),
            ("old", "Older than the staleness limit"),
            ("undated", "Undated"),
            ("superseded", "Superseded"),
            ("fresh", "Fresh"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "stale":
                return queryset.stale()
            case "old":
                return queryset.old()
            case "undated":
                return queryset.undated()
            case "superseded":
                return queryset.superseded()
            case "fresh":
                return queryset.fresh()
        return queryset


_CONTENT_FIELDS = [
    "framework",
    "criterion",
    "source",
    "statement",
    "quote",
    "rating",
    "value",
    "unit",
    "applies_to",
    "as_of",
]
_RECORD_FIELDS = ["status", "author", "last_edited_by", "reviewer", "created_at", "updated_at"]


class ClaimAdminForm(forms.ModelForm):
    # The version the editor loaded; a save made from an out-of-date form is refused, not applied.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = [*_CONTENT_FIELDS, "superseded_by"]

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
            current = Claim.objects.get(pk=self.instance.pk)
            if not current.is_editable:
                raise forms.ValidationError(self._now_frozen_message(current)) from None
            # Re-render with the editor's input intact, now based on the current version:
            # saving again is a deliberate overwrite of the other editor's change.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = current.version
            raise conflict
        return cleaned

    def _now_frozen_message(self, current: Claim) -> str:
        """The claim was published or retired meanwhile: its form no longer holds the editor's text."""
        fields = ("statement", "quote", "rating")
        posted = [f"{name}: {self.data[name]!r}" for name in fields if self.data.get(name)]
        yours = f" What you wrote, so that you can reuse it: {'; '.join(posted)}." if posted else ""
        return (
            "Someone else saved this claim after you opened it, and it is now "
            f"{current.get_status_display()}, so it can no longer be edited: draft a new claim that "
            f"supersedes it instead.{yours}"
        )


@admin.register(Claim)
class ClaimAdmin(EvidenceAdmin):
    form = ClaimAdminForm
    list_display = ["short_statement", "framework", "criterion", "rating", "status", "source", "age", "stale"]
    list_filter = ["status", StaleFilter, "framework", "criterion", "source__kind"]
    list_select_related = ["framework", "criterion", "source"]
    ordering = ["-updated_at"]
    search_fields = ["statement", "quote", "source__title"]
    autocomplete_fields = ["framework", "criterion", "source", "superseded_by"]
    readonly_fields = _RECORD_FIELDS
    fieldsets = [
        (None, {"fields": ["framework", "criterion", "source", "statement", "quote", "rating"]}),
        ("Details", {"fields": ["value", "unit", "applies_to", "as_of", "superseded_by"]}),
        ("Record", {"fields": [*_RECORD_FIELDS, "loaded_version"]}),
    ]
    actions = ["submit_for_review", "publish", "retire", "withdraw"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("framework", "criterion", "source", "author", "reviewer", "superseded_by")
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.is_editable:
            return _RECORD_FIELDS
        # Published and retired claims are the record; only a reviewer may point a published one at
        # a successor.
        frozen = [*_CONTENT_FIELDS, *_RECORD_FIELDS]
        if obj.status != Claim.Status.PUBLISHED or not self.has_publish_permission(request):
            frozen.append("superseded_by")
        return frozen

    def get_search_results(self, request, queryset, search_term):
        # The successor picker offers published claims only: nothing else may supersede (Claim.clean).
        if request.GET.get("model_name") == "claim" and request.GET.get("field_name") == "superseded_by":
            queryset = queryset.published()
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        if form.has_changed():
            obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    def has_publish_permission(self, request):
        return request.user.has_perm("frameworks.publish_claim")

    def has_retire_permission(self, request):
        return request.user.has_perm("frameworks.retire_claim")

    @admin.display(description="statement", ordering="statement")
    def short_statement(self, claim):
        return claim.statement if len(claim.statement) <= 80 else claim.statement[:79] + "…"

    @admin.display(description="as of", ordering="as_of")
    def age(self, claim):
        if claim.as_of is None:
            return "undated"
        return f"{timesince(claim.as_of, timezone.localdate(), depth=1)} ago"

    @admin.display(description="stale", boolean=True)
    def stale(self, claim):
        return claim.is_stale()

    @transaction.atomic
    def _move(self, request, queryset, step: str, done: str):
        moved = 0
        for claim in queryset.select_for_update(of=("self",)):
            try:
                getattr(claim, step)(request.user)
            except WorkflowError as refusal:
                self.message_user(request, f"Claim {claim.pk}: {refusal.message}", messages.ERROR)
                continue
            claim.version += 1
            claim.save()
            moved += 1
        if moved:
            self.message_user(request, f"{moved} claim(s) {done}.", messages.SUCCESS)

    @admin.action(description="Submit selected claims for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(request, queryset, "submit_for_review", "submitted for review")

    @admin.action(description="Publish selected claims", permissions=["publish"])
    def publish(self, request, queryset):
        self._move(request, queryset, "publish", "published")

    @admin.action(description="Retire selected claims", permissions=["retire"])
    def retire(self, request, queryset):
        self._move(request, queryset, "retire", "retired")

    @admin.action(description="Withdraw selected drafts or claims in review", permissions=["change"])
    def withdraw(self, request, queryset):
        self._move(request, queryset, "withdraw", "withdrawn")


class ReportStateFilter(admin.SimpleListFilter):
    """Open reports by default: the list is the editors' to-do list until a report is handled."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("handled", "Handled"), ("all", "All")]

    def choices(self, changelist):
        current = self.value() or "open"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        match self.value() or "open":
            case "open":
                return queryset.open()
            case "handled":
                return queryset.handled()
        return queryset


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["message_start", "claim", "created_at", "handled"]
    list_filter = [ReportStateFilter]
    list_select_related = ["claim__framework", "claim__criterion"]
    search_fields = ["message", "claim__statement"]
    readonly_fields = ["claim", "message", "contact", "created_at", "handled_at", "handled_by"]
    actions = ["mark_handled"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("claim__framework", "claim__criterion", "handled_by")
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description="report")
    def message_start(self, report):
        return report.message[:80]

    @admin.display(description="handled", boolean=True, ordering="handled_at")
    def handled(self, report):
        return report.handled_at is not None

    @admin.action(description="Mark selected reports handled", permissions=["change"])
    def mark_handled(self, request, queryset):
        count = queryset.open().update(handled_at=timezone.now(), handled_by=request.user)
        self.message_user(request, f"{count} report(s) marked handled.", messages.SUCCESS)
