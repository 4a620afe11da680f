import uuid

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from infrastructure.api_conditional import ConditionalReadMixin
from infrastructure.api_support import AnonymousPostThrottle
from infrastructure.data_versions import DataVersion

from .documents import page_url, verdict_json
from .models import Question, Verdict
from .questionnaire import load_questions
from .serializers import QuestionSerializer, RecommendationRequestSerializer, RecommendationSerializer
from .verdicts import VerdictRequest, compute_and_store


class QuestionViewSet(ConditionalReadMixin, viewsets.ReadOnlyModelViewSet):
    """The questionnaire: each question's slug is an `answers` key, each choice's slug a value."""

    queryset = Question.objects.prefetch_related("choices__weights__criterion")
    serializer_class = QuestionSerializer
    lookup_field = "slug"
    search_fields = ["text"]
    ordering_fields = ["position"]


class RecommendationViewSet(ConditionalReadMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Post answers, get a stored verdict; read it again, frozen, by its id."""

    queryset = Verdict.objects.all()
    serializer_class = RecommendationSerializer
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonymousPostThrottle]
    filter_backends = []
    pagination_class = None

    def read_version(self, request, **kwargs):
        """A verdict never changes: its id (in the path) and its creation time are its version."""
        try:
            verdict_id = uuid.UUID(str(kwargs.get("pk")))
        except ValueError:
            return None  # no such verdict: the view answers 404
        created = Verdict.objects.filter(pk=verdict_id).values_list("created_at", flat=True).first()
        return DataVersion("frozen verdict", created) if created else None

    @extend_schema(request=RecommendationRequestSerializer, responses={201: RecommendationSerializer})
    def create(self, request):
        questions = load_questions()
        asked = RecommendationRequestSerializer(data=request.data, context={"questions": questions})
        asked.is_valid(raise_exception=True)
        data = asked.validated_data
        verdict = compute_and_store(
            VerdictRequest(
                answers=data["answers"],
                weight_overrides=data["weights"],
                frameworks=data.get("frameworks", []),
            ),
            questions=questions,
        )
        if request.accepted_renderer.format == "json":  # the usual case: the kept document as it is
            return HttpResponse(
                verdict_json(verdict, url=page_url(request, verdict)),
                status=status.HTTP_201_CREATED,
                content_type="application/json",
            )
        return Response(self.get_serializer(verdict).data, status=status.HTTP_201_CREATED)
