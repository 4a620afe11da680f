import django_filters

from infrastructure.filters import WholeNumberFilter, WholeNumberRangeFilter

from .evidence import contested_cells, load_matrix
from .models import Claim, Framework, Source


class SlugsFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """Several slugs at once, comma-separated: ?framework=flask,django."""


class ClaimFilter(django_filters.FilterSet):
    framework = SlugsFilter(field_name="framework__slug", help_text="Framework slugs, comma-separated.")
    criterion = SlugsFilter(field_name="criterion__slug", help_text="Criterion slugs, comma-separated.")
    source_kind = django_filters.ChoiceFilter(field_name="source__kind", choices=Source.Kind.choices)
    source = WholeNumberFilter(field_name="source_id", help_text="A source's id.")
    rating = WholeNumberRangeFilter(help_text="rating_min and rating_max, 1 to 5.")
    as_of = django_filters.DateFromToRangeFilter(help_text="as_of_after and as_of_before, YYYY-MM-DD.")
    stale = django_filters.BooleanFilter(
        method="filter_stale", help_text="Dated before the staleness limit, undated, or superseded."
    )
    undated = django_filters.BooleanFilter(
        method="filter_undated", help_text="Neither the claim nor its source has a date."
    )
    contested = django_filters.BooleanFilter(
        method="filter_contested", help_text="The claim's framework and criterion have disagreeing sources."
    )
    current = django_filters.BooleanFilter(
        method="filter_current",
        help_text="true: claims whose version scope holds the framework's current version (the ones that "
        "count); false: claims about other versions only.",
    )
    status = django_filters.ChoiceFilter(
        choices=Claim.Status.choices, help_text="Anonymous clients only ever see published claims."
    )

    class Meta:
        model = Claim
        fields = ["framework", "criterion", "source_kind", "source", "rating", "as_of", "status"]

    def filter_stale(self, queryset, name, value):
        return queryset.stale() if value else queryset.fresh()

    def filter_undated(self, queryset, name, value):
        undated = queryset.undated()
        return undated if value else queryset.exclude(pk__in=undated.values("pk"))

    def filter_current(self, queryset, name, value):
        return queryset.in_current_scope(wanted=value)

    def filter_contested(self, queryset, name, value):
        contested = contested_cells(load_matrix())
        return queryset.filter(contested) if value else queryset.exclude(contested)


class SourceFilter(django_filters.FilterSet):
    publisher = django_filters.CharFilter(lookup_expr="icontains")
    published_on = django_filters.DateFromToRangeFilter(
        help_text="published_on_after and published_on_before."
    )
    undated = django_filters.BooleanFilter(field_name="published_on", lookup_expr="isnull")

    class Meta:
        model = Source
        fields = ["kind", "publisher", "published_on", "undated"]


class FrameworkFilter(django_filters.FilterSet):
    class Meta:
        model = Framework
        fields = ["kind", "is_featured"]
