from django.contrib import admin

from infrastructure.admin_base import EvidenceAdmin

from .models import Criterion


@admin.register(Criterion)
class CriterionAdmin(EvidenceAdmin):
    list_display = ["name", "category", "default_weight"]
    list_filter = ["category"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
