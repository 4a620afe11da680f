import django_filters

from frameworks.filters import SlugsFilter

from .models import Snippet


class SnippetFilter(django_filters.FilterSet):
    framework = SlugsFilter(field_name="framework__slug", help_text="Framework slugs, comma-separated.")
    task = SlugsFilter(field_name="task__slug", help_text="Task slugs, comma-separated.")
    verified_ok = django_filters.BooleanFilter(
        method="filter_verified_ok",
        help_text="true: its last run at the framework's current version passed; false: it did not "
        "(never-run snippets match neither).",
    )
    origin = django_filters.ChoiceFilter(choices=Snippet.Origin.choices)
    status = django_filters.ChoiceFilter(
        choices=Snippet.Status.choices, help_text="Anonymous clients only ever see published snippets."
    )

    class Meta:
        model = Snippet
        fields = ["framework", "task", "verified_ok", "origin", "status"]

    def filter_verified_ok(self, queryset, name, value):
        return queryset.verified(value)
