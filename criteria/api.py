from rest_framework import viewsets

from infrastructure.api_conditional import ConditionalReadMixin

from .filters import CriterionFilter
from .models import Criterion
from .serializers import CriterionSerializer


class CriterionViewSet(ConditionalReadMixin, viewsets.ReadOnlyModelViewSet):
    """What frameworks are compared on, each with the rubric its 1..5 ratings follow."""

    queryset = Criterion.objects.order_by("name")
    serializer_class = CriterionSerializer
    lookup_field = "slug"
    filterset_class = CriterionFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "default_weight"]
