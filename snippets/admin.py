from django.contrib import admin
from django.utils.html import format_html

from frameworks.admin_review import RECORD_FIELDS, ReviewedAdmin, VersionedForm
from infrastructure.admin_base import EvidenceAdmin

from .models import Snippet, Task, VerificationRun


@admin.register(Task)
class TaskAdmin(EvidenceAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]


class VerificationRunInline(admin.TabularInline):
    """What verify_snippets found: written by the command only, read here."""

    model = VerificationRun
    fields = [
        "target",
        "framework_version",
        "outcome",
        "ran_at",
        "duration_seconds",
        "error_tail",
        "installed",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "verification runs (manage.py verify_snippets)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VerifiedFilter(admin.SimpleListFilter):
    title = "runs on the current version"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", "Runs"), ("no", "Fails"), ("unchecked", "Not checked yet")]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.verified(True)
            case "no":
                return queryset.verified(False)
            case "unchecked":
                return queryset.unchecked()
        return queryset


_CONTENT_FIELDS = [
    "task",
    "framework",
    "title",
    "origin",
    "source",
    "quote",
    "note",
    "applies_to",
    "files",
    "command",
    "requirements",
    "check_kind",
    "check_method",
    "check_path",
    "expect_status",
    "expect_body",
]


class SnippetAdminForm(VersionedForm):
    kept_fields = ("title", "files", "command")
    instead = "draft a new {noun} and retire this one"

    class Meta:
        model = Snippet
        fields = _CONTENT_FIELDS


@admin.register(Snippet)
class SnippetAdmin(ReviewedAdmin):
    form = SnippetAdminForm
    list_display = ["title", "task", "framework", "origin", "applies_to", "status", "lines", "verified"]
    list_filter = ["status", VerifiedFilter, "task", "framework", "origin"]
    list_select_related = ["task", "framework", "source"]
    ordering = ["task__position", "framework__name", "id"]
    search_fields = ["title", "quote", "note", "seed_key"]
    autocomplete_fields = ["task", "framework", "source"]
    readonly_fields = [*RECORD_FIELDS, "lines"]
    inlines = [VerificationRunInline]
    fieldsets = [
        (None, {"fields": ["task", "framework", "title", "applies_to"]}),
        ("Where it comes from", {"fields": ["origin", "source", "quote", "note"]}),
        ("Code", {"fields": ["files", "lines", "command", "requirements"]}),
        (
            "How verify_snippets checks it",
            {"fields": ["check_kind", "check_method", "check_path", "expect_status", "expect_body"]},
        ),
        ("Record", {"fields": [*RECORD_FIELDS, "loaded_version"]}),
    ]

    def get_queryset(self, request):
        related = ["task", "framework", "source", "author", "reviewer", "last_edited_by"]
        return super().get_queryset(request).select_related(*related).prefetch_related("runs")

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.is_editable:
            return [*RECORD_FIELDS, "lines"]
        # Published and retired snippets are the record: a change is a new draft.
        return [*_CONTENT_FIELDS, *RECORD_FIELDS, "lines"]

    @admin.display(description="lines of code")
    def lines(self, snippet):
        return snippet.line_count

    @admin.display(description="runs now?")
    def verified(self, snippet):
        run = snippet.current_run
        if run is None:
            return "not checked yet"
        return format_html("{} on {}", run.get_outcome_display(), run.framework_version)
