"""The API of records under the review workflow (models/review.py): claims, code snippets.

Editors create drafts and change them, sending back the `version` they read (a change based on an
older one is refused with 409); the workflow's steps are actions, each needing the model's own
permission; a step the four-eyes rule forbids is a 403, one the record's state forbids a 409."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import EditConflict, WorkflowError
from .serializers import RetirementSerializer


class Conflict(exceptions.APIException):
    """The record changed since the client read it, or is not in a state that allows the step."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def refusal(error: WorkflowError) -> exceptions.APIException:
    """A workflow step refused: 403 when the four-eyes rule forbids this user, else 409."""
    if error.code == "four_eyes":
        return exceptions.PermissionDenied(error.message)
    return Conflict(error.message)


def may(action: str) -> type[permissions.BasePermission]:
    """The permission `<action>_<model>` on the view's model: change to submit or withdraw, publish
    or retire (a reviewer's) for the others."""

    class MayTakeStep(permissions.BasePermission):
        def has_permission(self, request, view):
            opts = view.get_serializer_class().Meta.model._meta
            self.message = f"This needs the {action} {opts.model_name} permission (a reviewer's)."
            return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    return MayTakeStep


class ReviewedActions:
    """For a viewset of a reviewed model (with create and update): drafts, edits, and the steps."""

    # Says, in the model's words, that a retirement needs a reason.
    retirement_serializer_class = RetirementSerializer

    def perform_create(self, serializer):
        serializer.validated_data.pop("version", None)
        user = self.request.user
        serializer.save(status=serializer.Meta.model.Status.DRAFT, author=user, last_edited_by=user)

    def perform_update(self, serializer):
        loaded = serializer.validated_data.pop("version")
        record = serializer.instance
        # Only a real change makes the user its last editor (and so barred from publishing it): an
        # empty PATCH must not let someone clear the way for a reviewer to publish their own text.
        changed = any(getattr(record, name) != value for name, value in serializer.validated_data.items())
        with transaction.atomic():
            try:
                record.begin_edit(loaded)
            except EditConflict as conflict:
                raise Conflict(conflict.message) from None
            serializer.save(**({"last_edited_by": self.request.user} if changed else {}))

    def _move(self, request, step: str, *details: str) -> Response:
        with transaction.atomic():
            record = self.get_object()
            record = type(record)._default_manager.select_for_update(of=("self",)).get(pk=record.pk)
            try:
                record.take_step(step, request.user, *details)
            except WorkflowError as error:
                raise refusal(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[may("change")])
    def submit(self, request, pk=None):
        """Send a draft for review."""
        return self._move(request, "submit_for_review")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[may("publish")])
    def publish(self, request, pk=None):
        """Publish a record in review; not by its author or its last editor (four-eyes rule)."""
        return self._move(request, "publish")

    @extend_schema(request=RetirementSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may("retire")])
    def retire(self, request, pk=None):
        """Retire a published record, saying why: it leaves the public pages, which say why."""
        retirement = self.retirement_serializer_class(data=request.data)
        retirement.is_valid(raise_exception=True)
        return self._move(request, "retire", retirement.validated_data["reason"])

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[may("change")])
    def withdraw(self, request, pk=None):
        """Give up a draft or a record in review; it never appears on public pages or in the changelog."""
        return self._move(request, "withdraw")
