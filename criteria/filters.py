import django_filters

from infrastructure.filters import WholeNumberRangeFilter

from .models import Criterion


class CriterionFilter(django_filters.FilterSet):
    default_weight = WholeNumberRangeFilter(help_text="default_weight_min and default_weight_max, 0 to 10.")

    class Meta:
        model = Criterion
        fields = ["category", "default_weight"]
