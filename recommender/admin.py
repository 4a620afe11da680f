from django.contrib import admin

from infrastructure.admin_base import EvidenceAdmin

from .models import Choice, ChoiceWeight, Question, Verdict


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["slug", "label", "position"]
    extra = 0
    show_change_link = True


class ChoiceWeightInline(admin.TabularInline):
    model = ChoiceWeight
    fields = ["criterion", "delta", "must_have", "why"]
    autocomplete_fields = ["criterion"]
    extra = 1


@admin.register(Question)
class QuestionAdmin(EvidenceAdmin):
    list_display = ["text", "slug", "position", "allows_multiple"]
    search_fields = ["text", "slug"]
    inlines = [ChoiceInline]


@admin.register(Choice)
class ChoiceAdmin(EvidenceAdmin):
    list_display = ["label", "question", "slug"]
    list_select_related = ["question"]
    list_filter = ["question"]
    search_fields = ["label", "slug", "question__text"]
    inlines = [ChoiceWeightInline]


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "dataset_version"]
    readonly_fields = [
        "id",
        "created_at",
        "answers",
        "weight_overrides",
        "frameworks",
        "dataset_version",
        "snapshot",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
