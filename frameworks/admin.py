from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from infrastructure.admin_base import EvidenceAdmin

from . import admin_source_text  # noqa: F401 (registers the source texts' admin)
from .admin_review import RECORD_FIELDS, ReviewedAdmin, VersionedForm, run_step
from .models import (
    CITATION_FIELDS,
    Claim,
    Framework,
    ProblemReport,
    Source,
    SourceChange,
    SourceText,
    review,
)


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

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "text_for_checking"]
        # Published claims show this source: a change to it waits for a reviewer (models/source_changes.py).
        if obj is not None and obj.is_public():
            return [*fields, "propose_a_change", *CITATION_FIELDS]
        return fields

    @admin.display(description="cited by published claims")
    def propose_a_change(self, source):
        url = reverse("admin:frameworks_sourcechange_add")
        return format_html(
            'Changes need a reviewer: <a href="{}?source={}">propose a change</a>.', url, source.pk
        )

    @admin.display(description="text for checking quotes")
    def text_for_checking(self, source):
        if source.pk is None:
            return "Store its text once the source is saved."
        stored = SourceText.objects.filter(source=source).only("pk", "origin", "stored_at").first()
        if stored is None:
            return format_html(
                'None: <a href="{}?source={}">store its text</a>, so that its quotes are checked.',
                reverse("admin:frameworks_sourcetext_add"),
                source.pk,
            )
        return format_html(
            '<a href="{}">{}</a>, stored {:%d %B %Y}',
            reverse("admin:frameworks_sourcetext_change", args=[stored.pk]),
            stored.origin,
            stored.stored_at,
        )

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
            ("stale", "Stale (old or superseded)"),
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


class QuoteCheckFilter(admin.SimpleListFilter):
    title = "quote check"
    parameter_name = "quote"

    def lookups(self, request, model_admin):
        return [
            ("found", "Found in the source's text"),
            ("unchecked", "Unchecked, with a reason"),
            ("missing", "Not found, no reason"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "found":
                return queryset.exclude(quote_exact="")
            case "unchecked":
                return queryset.filter(quote_exact="").exclude(quote_unchecked_reason="")
            case "missing":
                return queryset.filter(quote_exact="", quote_unchecked_reason="")
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
    "quote_unchecked_reason",
]


class ClaimAdminForm(VersionedForm):
    kept_fields = ("statement", "quote", "rating")

    class Meta:
        model = Claim
        fields = [*_CONTENT_FIELDS, "superseded_by"]


@admin.register(Claim)
class ClaimAdmin(ReviewedAdmin):
    form = ClaimAdminForm
    list_display = [
        "short_statement",
        "framework",
        "criterion",
        "rating",
        "status",
        "source",
        "age",
        "stale",
        "quote_found",
    ]
    list_filter = ["status", StaleFilter, QuoteCheckFilter, "framework", "criterion", "source__kind"]
    list_select_related = ["framework", "criterion", "source"]
    ordering = ["-updated_at"]
    search_fields = ["statement", "quote", "source__title"]
    autocomplete_fields = ["framework", "criterion", "source", "superseded_by"]
    readonly_fields = [*RECORD_FIELDS, "quote_check"]
    fieldsets = [
        (
            None,
            {"fields": ["framework", "criterion", "source", "statement", "quote", "quote_check", "rating"]},
        ),
        (
            "Details",
            {"fields": ["value", "unit", "applies_to", "as_of", "superseded_by", "quote_unchecked_reason"]},
        ),
        ("Record", {"fields": [*RECORD_FIELDS, "loaded_version"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("framework", "criterion", "source", "author", "reviewer", "superseded_by")
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.is_editable:
            return [*RECORD_FIELDS, "quote_check"]
        # Published and retired claims are the record; only a reviewer may point a published one at
        # a successor.
        frozen = [*_CONTENT_FIELDS, *RECORD_FIELDS, "quote_check"]
        if obj.status != Claim.Status.PUBLISHED or not self.has_publish_permission(request):
            frozen.append("superseded_by")
        return frozen

    def get_search_results(self, request, queryset, search_term):
        # The successor picker offers published claims only: nothing else may supersede (Claim.clean).
        if request.GET.get("model_name") == "claim" and request.GET.get("field_name") == "superseded_by":
            queryset = queryset.published()
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.quote_exact:
            self.message_user(request, "The quote was found in the source's text.", messages.SUCCESS)
        elif problem := obj.quote_problem():
            self.message_user(request, f"Saved, but it cannot be published yet. {problem}", messages.WARNING)

    @admin.display(description="quote found", boolean=True)
    def quote_found(self, claim):
        return bool(claim.quote_exact)

    @admin.display(description="found in the source?")
    def quote_check(self, claim):
        """What the editor needs at once: where the quote was found, or why it cannot be published."""
        if claim.pk is None:
            return "Checked against the source's stored text when you save."
        if location := claim.quote_location:
            return format_html(
                "Found in the source's text: \u2026{}<strong>{}</strong>{}\u2026",
                location.prefix,
                location.exact,
                location.suffix,
            )
        return claim.quote_problem() or f"Not checked: {claim.quote_unchecked_reason}"

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


class _SourceChangeFormBase(forms.ModelForm):
    """A proposal: the source's citation fields, filled with its current values, to edit."""

    class Meta:
        model = SourceChange
        fields = ["source", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ?source=<id> (the source page's link) fills the form with that source's current values.
        source_id = str(self.initial.get("source", ""))
        if self.is_bound or not (source_id.isdigit() and len(source_id) < 19):
            return
        source = Source.objects.filter(pk=source_id).first()
        for name in CITATION_FIELDS if source is not None else []:
            self.initial[name] = getattr(source, name)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") is not None and not self.errors:
            values = {name: cleaned.get(name) for name in CITATION_FIELDS}
            # The proposer is set by the admin; propose() checks the values as the source would.
            self.proposal = SourceChange.propose(cleaned["source"], None, values, cleaned.get("note", ""))
        return cleaned


SourceChangeForm = type(
    "SourceChangeForm", (_SourceChangeFormBase,), forms.fields_for_model(Source, fields=CITATION_FIELDS)
)


@admin.register(SourceChange)
class SourceChangeAdmin(EvidenceAdmin):
    form = SourceChangeForm
    list_display = ["source", "changed_fields", "status", "proposed_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["source", "proposed_by"]
    autocomplete_fields = ["source"]
    actions = ["apply", "reject"]
    _RECORD = ["source", "differences", "note", "status", "proposed_by", "reviewed_by", "created_at"]

    def get_fields(self, request, obj=None):
        return ["source", *CITATION_FIELDS, "note"] if obj is None else self._RECORD

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self._RECORD

    def has_change_permission(self, request, obj=None):
        return False  # a proposal stays as made; it is applied or rejected by the actions

    def has_apply_permission(self, request):
        return request.user.has_perm("frameworks.apply_sourcechange")

    def save_model(self, request, obj, form, change):
        obj.changes, obj.proposed_by = form.proposal.changes, request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="fields")
    def changed_fields(self, change):
        return ", ".join(change.changes)

    @admin.display(description="changes")
    def differences(self, change):
        rows = [(name, old or "(empty)", new or "(empty)") for name, (old, new) in change.changes.items()]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {} → {}</li>", rows))

    @admin.action(description="Apply selected changes to their sources", permissions=["apply"])
    def apply(self, request, queryset):
        run_step(self, request, queryset, lambda change: review(change, "apply", request.user), "applied")

    @admin.action(description="Reject selected changes", permissions=["apply"])
    def reject(self, request, queryset):
        run_step(self, request, queryset, lambda change: review(change, "reject", request.user), "rejected")
