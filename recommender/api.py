import hashlib
import uuid

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from frameworks.evidence import evidence_version
from infrastructure import hot_cache
from infrastructure.api_conditional import ConditionalReadMixin
from infrastructure.api_support import AnonymousPostThrottle
from infrastructure.data_versions import DataVersion, cache_key

from .documents import DOCUMENT_SECONDS, encoded_document, with_url
from .models import Question, Verdict
from .questionnaire import load_questions, questionnaire_version
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
        if request.accepted_renderer.format != "json":  # the browsable API: rendered afresh
            return self._created(request)
        key = _answer_key(request)
        kept = hot_cache.read(key, DOCUMENT_SECONDS)
        if kept is None:
            verdict = self._verdict(request)
            kept = (verdict.get_absolute_url(), encoded_document(verdict))
            hot_cache.keep(key, kept, DOCUMENT_SECONDS)
        path, encoded = kept
        return HttpResponse(
            with_url(encoded, request.build_absolute_uri(path)),
            status=status.HTTP_201_CREATED,
            content_type="application/json",
        )

    def _created(self, request):
        verdict = self._verdict(request)
        return Response(self.get_serializer(verdict).data, status=status.HTTP_201_CREATED)

    def _verdict(self, request) -> Verdict:
        questions = load_questions()
        asked = RecommendationRequestSerializer(data=request.data, context={"questions": questions})
        asked.is_valid(raise_exception=True)
        data = asked.validated_data
        return compute_and_store(
            VerdictRequest(
                answers=data["answers"],
                weight_overrides=data["weights"],
                frameworks=data.get("frameworks", []),
            ),
            questions=questions,
        )


def _answer_key(request) -> str:
    """A post's answer is a pure function of its body, the questionnaire and the evidence (the
    stored verdict the same request gets on the same evidence): a repeat, word for word, is
    answered from the kept document without validating or scoring again."""
    body = hashlib.sha256(request.content_type.encode() + b"\n" + request.body).hexdigest()
    evidence, questionnaire = evidence_version(timezone.localdate()), questionnaire_version()
    return cache_key("recommendation-answer", evidence.token, questionnaire.token, body)
