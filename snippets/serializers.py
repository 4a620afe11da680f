import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from frameworks.models import Framework, Source
from frameworks.serializers import (
    RetirementSerializer,
    ReviewedSerializer,
    SlugLookupField,
    SourceCitationSerializer,
)

from .models import Snippet, Task, VerificationRun
from .validators import validate_files, validate_requirements


class CheckSerializer(serializers.Serializer):
    """How verify_snippets exercises the snippet."""

    kind = serializers.ChoiceField(source="check_kind", choices=Snippet.CheckKind.choices)
    method = serializers.ChoiceField(source="check_method", choices=Snippet.Method.choices, default="GET")
    path = serializers.CharField(source="check_path", max_length=300, default="/")
    expect_status = serializers.IntegerField(
        min_value=0, max_value=999, default=200, help_text="The HTTP status; for kind exit, the exit code."
    )
    expect_body = serializers.CharField(
        max_length=300, allow_blank=True, default="", trim_whitespace=False,
        help_text="A fragment the body (for kind exit, the output) must contain.",
    )  # fmt: skip


class RunSerializer(serializers.ModelSerializer):
    """What one run found."""

    version = serializers.CharField(
        source="framework_version", help_text="The framework's version it ran on."
    )
    error = serializers.CharField(
        source="error_tail", help_text="The last lines of the failing step's output."
    )

    class Meta:
        model = VerificationRun
        fields = ["version", "ok", "outcome", "installed", "error", "ran_at", "duration_seconds"]


class SnippetSerializer(ReviewedSerializer):
    """A snippet as clients read it, and as editors draft and change it.

    Writes never set the status (the workflow actions do) and must send back the `version` they
    read: a change based on an older version is refused with 409, as in the admin."""

    task = SlugLookupField(slug_field="slug", queryset=Task.objects.all())
    framework = SlugLookupField(slug_field="slug", queryset=Framework.objects.all())
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), allow_null=True, required=False
    )
    source_detail = SourceCitationSerializer(source="source", read_only=True, allow_null=True)
    files = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        validators=[validate_files],
        help_text="The code files, by relative path.",
    )
    requirements = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        validators=[validate_requirements],
        help_text="PEP 508 requirements besides the framework.",
    )
    check = CheckSerializer(source="*")
    quote = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    line_count = serializers.IntegerField(read_only=True, help_text="Lines of code, blank lines left out.")
    applies_to_current_version = serializers.BooleanField(
        source="in_scope",
        read_only=True,
        help_text="Whether the framework's current version is in its scope.",
    )
    verified_version = serializers.SerializerMethodField()
    verified_ok = serializers.SerializerMethodField()
    verified_outcome = serializers.SerializerMethodField()
    verified_at = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    installed = serializers.SerializerMethodField()
    in_scope_run = RunSerializer(
        source="scope_run",
        read_only=True,
        allow_null=True,
        help_text="The run at the newest release inside its scope, when that is not the current version.",
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Required when changing a snippet: the version you read."
    )

    class Meta:
        model = Snippet
        fields = [
            "id",
            "task",
            "framework",
            "title",
            "files",
            "command",
            "check",
            "requirements",
            "applies_to",
            "applies_to_current_version",
            "origin",
            "source",
            "source_detail",
            "quote",
            "note",
            "line_count",
            "status",
            "retired_reason",
            "verified_version",
            "verified_ok",
            "verified_outcome",
            "verified_at",
            "error",
            "installed",
            "in_scope_run",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "retired_reason", "created_at", "updated_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_verified_version(self, snippet) -> str | None:
        """The framework's version it last ran on (its current one then); null when never run."""
        run = snippet.current_run
        return run.framework_version if run else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_verified_ok(self, snippet) -> bool | None:
        """Whether that run passed; null when never run."""
        run = snippet.current_run
        return run.ok if run else None

    @extend_schema_field(serializers.ChoiceField(choices=VerificationRun.Outcome.choices, allow_null=True))
    def get_verified_outcome(self, snippet) -> str | None:
        run = snippet.current_run
        return run.outcome if run else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_verified_at(self, snippet):
        run = snippet.current_run
        return serializers.DateTimeField().to_representation(run.ran_at) if run else None

    def get_error(self, snippet) -> str:
        """The last lines of what the failing step printed; "" when it passed or never ran."""
        run = snippet.current_run
        return run.error_tail if run else ""

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_installed(self, snippet) -> dict:
        """Every distribution that run installed, at its exact version."""
        run = snippet.current_run
        return run.installed if run else {}

    instead = "draft a new {noun} and retire this one instead"

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # The model's rules across fields (a source for quoted code, the quote in the files...).
        candidate = copy.copy(self.instance) if self.instance is not None else Snippet()
        for name, value in attrs.items():
            if name != "version":
                setattr(candidate, name, value)
        try:
            candidate.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs


class SnippetRetirementSerializer(RetirementSerializer):
    reason = serializers.CharField(
        help_text="Why the snippet is retired. Its page shows it to visitors who follow an old link.",
        error_messages={
            key: "Say why the snippet is retired: visitors following an old link read it."
            for key in ("required", "blank", "null")
        },
    )
