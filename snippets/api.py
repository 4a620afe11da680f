from drf_spectacular.utils import extend_schema, extend_schema_view

from frameworks.api import ReadCreateUpdateViewSet
from frameworks.api_review import ReviewedActions

from .filters import SnippetFilter
from .models import Snippet
from .serializers import SnippetRetirementSerializer, SnippetSerializer


@extend_schema_view(
    list=extend_schema(
        description="Published snippets: each framework's code for a small task, cited, "
        "with what running it at the framework's current version showed."
    ),
    retire=extend_schema(description="Retire a published snippet, saying why: it leaves the code pages."),
)
class SnippetViewSet(ReviewedActions, ReadCreateUpdateViewSet):
    """Published snippets for everyone; editors also see drafts and snippets in review, and write
    drafts. What running a snippet showed is recorded by manage.py verify_snippets only."""

    serializer_class = SnippetSerializer
    retirement_serializer_class = SnippetRetirementSerializer
    filterset_class = SnippetFilter
    search_fields = ["title", "quote", "note"]
    ordering_fields = ["id", "updated_at"]
    ordering = ["id"]

    def get_queryset(self):
        snippets = Snippet.objects.for_pages().order_by("id")
        if self.request.user.has_perm("snippets.view_snippet"):
            return snippets
        return snippets.published()
