from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from infrastructure.api_conditional import ConditionalReadMixin
from infrastructure.api_schema import ErrorListingSchema

from .choice import MOST_FRAMEWORKS, FrameworkChoiceError, parse_framework_choice
from .evidence import load_matrix
from .filters import ClaimFilter, FrameworkFilter, SourceFilter
from .models import Claim, EditConflict, Framework, Source, SourceChange, WorkflowError, review
from .serializers import (
    ClaimSerializer,
    FrameworkSerializer,
    RetirementSerializer,
    SourceChangeSerializer,
    SourceSerializer,
)


class FrameworkViewSet(ConditionalReadMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Framework.objects.order_by("-is_featured", "name")
    serializer_class = FrameworkSerializer
    lookup_field = "slug"
    filterset_class = FrameworkFilter
    search_fields = ["name", "summary"]
    ordering_fields = ["name"]


class ReadCreateUpdateViewSet(
    ConditionalReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Evidence is never deleted through the API: claims are retired, sources stay cited."""


class Conflict(exceptions.APIException):
    """The record changed since the client read it, or is not in a state that allows the step."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def requires(permission: str) -> type[permissions.BasePermission]:
    class HasPermission(permissions.BasePermission):
        message = f"This needs the {permission.split('.')[1].replace('_', ' ')} permission (a reviewer's)."

        def has_permission(self, request, view):
            return request.user.has_perm(permission)

    return HasPermission


def refusal(error: WorkflowError) -> exceptions.APIException:
    """A workflow step refused: 403 when the four-eyes rule forbids this user, else 409."""
    if error.code == "four_eyes":
        return exceptions.PermissionDenied(error.message)
    return Conflict(error.message)


class SourceViewSet(ReadCreateUpdateViewSet):
    """Sources that published claims cite for everyone; editors see and write them all."""

    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    search_fields = ["title", "author", "publisher"]
    ordering_fields = ["title", "published_on", "accessed_on"]

    def get_queryset(self):
        sources = Source.objects.select_related("speaks_for").order_by("title")
        return sources if self.request.user.has_perm("frameworks.view_source") else sources.public()

    def perform_update(self, serializer):
        if serializer.instance.is_public():
            raise Conflict(
                "Published claims cite this source, so a change to it needs a reviewer: propose it "
                "with POST /api/source-changes/."
            )
        serializer.save()


class ReadsNeedViewPermission(permissions.DjangoModelPermissions):
    """Proposals are unreviewed text: reading them takes the view permission, as in the admin."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class SourceChangeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Proposed changes to cited sources: editors propose, a reviewer who did not propose applies."""

    queryset = SourceChange.objects.select_related("source", "proposed_by", "reviewed_by")
    serializer_class = SourceChangeSerializer
    permission_classes = [ReadsNeedViewPermission]
    filterset_fields = ["status"]
    search_fields = []
    ordering_fields = ["created_at"]

    def perform_create(self, serializer):
        serializer.save(proposed_by=self.request.user)

    def _review(self, step: str) -> Response:
        try:
            change = review(self.get_object(), step, self.request.user)
        except WorkflowError as error:
            raise refusal(error) from None
        return Response(self.get_serializer(change).data)

    @extend_schema(request=None, responses=SourceChangeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[requires("frameworks.apply_sourcechange")])
    def apply(self, request, pk=None):
        """Write the proposed values into the source; not by whoever proposed them (four-eyes rule)."""
        return self._review("apply")

    @extend_schema(request=None, responses=SourceChangeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[requires("frameworks.apply_sourcechange")])
    def reject(self, request, pk=None):
        """Close the proposal without changing the source."""
        return self._review("reject")


class ClaimViewSet(ReadCreateUpdateViewSet):
    """Published claims for everyone; editors also see drafts and claims in review, and write drafts."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    search_fields = ["statement", "quote"]
    ordering_fields = ["id", "rating", "as_of", "updated_at"]
    ordering = ["id"]

    def get_queryset(self):
        claims = Claim.objects.select_related("framework", "criterion", "source", "superseded_by")
        if self.request.user.has_perm("frameworks.view_claim"):
            return claims
        return claims.published()

    def perform_create(self, serializer):
        serializer.validated_data.pop("version", None)
        user = self.request.user
        serializer.save(status=Claim.Status.DRAFT, author=user, last_edited_by=user)

    def perform_update(self, serializer):
        loaded = serializer.validated_data.pop("version")
        claim = serializer.instance
        # Only a real change makes the user its last editor (and so barred from publishing it): an
        # empty PATCH must not let someone clear the way for a reviewer to publish their own text.
        changed = any(getattr(claim, name) != value for name, value in serializer.validated_data.items())
        with transaction.atomic():
            try:
                claim.begin_edit(loaded)
            except EditConflict as conflict:
                raise Conflict(conflict.message) from None
            serializer.save(**({"last_edited_by": self.request.user} if changed else {}))

    def _move(self, request, step: str, *details: str) -> Response:
        with transaction.atomic():
            claim = self.get_object()
            claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
            try:
                claim.take_step(step, request.user, *details)
            except WorkflowError as error:
                raise refusal(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=claim.pk)).data)

    @extend_schema(request=None, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], permission_classes=[requires("frameworks.change_claim")])
    def submit(self, request, pk=None):
        """Send a draft for review."""
        return self._move(request, "submit_for_review")

    @extend_schema(request=None, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], permission_classes=[requires("frameworks.publish_claim")])
    def publish(self, request, pk=None):
        """Publish a claim in review; not by its author or its last editor (four-eyes rule)."""
        return self._move(request, "publish")

    @extend_schema(request=RetirementSerializer, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], permission_classes=[requires("frameworks.retire_claim")])
    def retire(self, request, pk=None):
        """Retire a published claim, saying why: it leaves the evidence; its page and changelog say why."""
        retirement = RetirementSerializer(data=request.data)
        retirement.is_valid(raise_exception=True)
        return self._move(request, "retire", retirement.validated_data["reason"])

    @extend_schema(request=None, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], permission_classes=[requires("frameworks.change_claim")])
    def withdraw(self, request, pk=None):
        """Give up a draft or a claim in review; it never appears on public pages or in the changelog."""
        return self._move(request, "withdraw")


class CellSerializer(serializers.Serializer):
    framework = serializers.CharField()
    criterion = serializers.CharField()
    mean_rating = serializers.FloatField(
        allow_null=True,
        help_text="The sources' ratings combined (see /methodology/), 1 to 5; null when empty.",
    )
    score = serializers.FloatField(help_text="The rating mapped onto 0..1; 0.5 when empty.")
    low = serializers.FloatField(help_text="The lowest score the evidence supports (0..1).")
    high = serializers.FloatField(help_text="The highest score the evidence supports (0..1).")
    sources = serializers.IntegerField(help_text="Distinct sources among the claims that count.")
    witnesses = serializers.ListField(
        child=serializers.CharField(), help_text="Kinds of witness among them: own, rival, independent."
    )
    weight = serializers.FloatField(help_text="The evidence's total weight, in current independent sources.")
    claim_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every published claim, the ones that count first."
    )
    scored_ids = serializers.ListField(child=serializers.IntegerField(), help_text="The claims that count.")
    contested = serializers.BooleanField(help_text="Its sources' ratings differ by 2 or more.")
    thin = serializers.BooleanField(help_text="One source only.")
    only_own_word = serializers.BooleanField(
        help_text="The framework's own documentation is the only witness: no rival or independent source."
    )
    stale = serializers.BooleanField(help_text="Every claim that counts is dated before the staleness limit.")
    undated = serializers.BooleanField(help_text="No claim that counts has a date.")
    empty = serializers.BooleanField(help_text="No claim counts: not enough evidence.")


class MatrixSerializer(serializers.Serializer):
    frameworks = serializers.ListField(child=serializers.CharField())
    criteria = serializers.ListField(child=serializers.CharField())
    cells = CellSerializer(many=True)


class SingleDocumentSchema(ErrorListingSchema):
    """The matrix is routed as a list (so the API root lists it) but answers one document."""

    def _is_list_view(self, serializer=None):
        return False


class MatrixViewSet(ConditionalReadMixin, viewsets.ViewSet):
    """The evidence matrix: one cell per framework and criterion."""

    permission_classes = [permissions.AllowAny]
    schema = SingleDocumentSchema()
    query_parameters = ["frameworks"]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "frameworks",
                OpenApiTypes.STR,
                description=f"Framework slugs, comma-separated or repeated, at most {MOST_FRAMEWORKS} "
                "(default: featured).",
            )
        ],
        responses=MatrixSerializer,
    )
    def list(self, request):
        matrix = load_matrix()
        try:
            asked = parse_framework_choice(request.query_params.getlist("frameworks"), matrix.frameworks)
        except FrameworkChoiceError as refusal:
            raise exceptions.ValidationError({"frameworks": refusal.messages}) from None
        frameworks = asked or list(matrix.featured)
        cells = [matrix.cell(f, c) for f in frameworks for c in matrix.criteria]
        data = {
            "frameworks": frameworks,
            "criteria": list(matrix.criteria),
            "cells": [
                {
                    **vars(cell),
                    "contested": cell.contested,
                    "thin": cell.thin,
                    "only_own_word": cell.only_own_word,
                }
                for cell in cells
            ],
        }
        return Response(MatrixSerializer(data).data)
