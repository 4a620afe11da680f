from django.core.validators import slug_re
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from criteria.models import Criterion

from .evidence import cells_of
from .fields import http_url_validator
from .models import CITATION_FIELDS, RETIREMENT_NEEDS_A_REASON, Claim, Framework, Source, SourceChange
from .weighing import Witness


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = [
            "slug",
            "name",
            "summary",
            "kind",
            "homepage",
            "repository",
            "licence",
            "current_version",
            "is_featured",
        ]


class SourceValuesSerializer(serializers.ModelSerializer):
    """What a citation shows, each field optional: the values a proposed source change sets."""

    # DRF replaces a model's URL validators with its own, which accepts ftp://; ours is stricter.
    url = serializers.URLField(
        max_length=500, allow_blank=True, required=False, validators=[http_url_validator]
    )

    class Meta:
        model = Source
        fields = CITATION_FIELDS
        extra_kwargs = {name: {"required": False} for name in CITATION_FIELDS}


class SourceSerializer(SourceValuesSerializer):
    published = serializers.CharField(source="published_display", read_only=True)
    speaks_for = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The framework whose project publishes it (its claims on that framework are its own "
        "documentation's, on others a rival's); null for an independent source.",
    )

    class Meta(SourceValuesSerializer.Meta):
        # The citation fields, with the date as shown before the date it was accessed.
        fields = ["id", "slug", *CITATION_FIELDS[:-1], "published", "accessed_on", "speaks_for"]
        extra_kwargs = {}

    def validate_slug(self, slug):
        if self.instance is not None and slug != self.instance.slug:
            raise serializers.ValidationError(
                "A source's slug cannot be changed once it exists: links, the API and the seed data "
                "rely on it."
            )
        return slug


class SourceChangeSerializer(serializers.ModelSerializer):
    """A proposed change to a cited source: it waits for a reviewer who did not propose it."""

    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())
    proposed = SourceValuesSerializer(write_only=True, help_text="The fields to change, with new values.")
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
        read_only=True,
        help_text="Per field changed: [value before, value proposed].",
    )
    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = SourceChange
        fields = [
            "id",
            "source",
            "proposed",
            "changes",
            "note",
            "status",
            "proposed_by",
            "reviewed_by",
            "created_at",
            "reviewed_at",
        ]
        read_only_fields = ["status", "created_at", "reviewed_at"]

    def create(self, validated_data):
        change = SourceChange.propose(
            validated_data["source"],
            validated_data["proposed_by"],
            dict(validated_data["proposed"]),
            validated_data.get("note", ""),
        )
        change.save()
        return change


class SourceCitationSerializer(serializers.ModelSerializer):
    """A source as a claim cites it."""

    published = serializers.CharField(source="published_display", read_only=True)

    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "kind", "url", "published"]


class SlugLookupField(serializers.SlugRelatedField):
    """Looks up by slug only values shaped like one: text holding NUL would make PostgreSQL fail."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not slug_re.match(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        return super().to_internal_value(data)


class ClaimListSerializer(serializers.ListSerializer):
    """A page of claims, with the matrix's cells they are in built once for the page (one query)."""

    def to_representation(self, data):
        claims = list(data.all() if hasattr(data, "all") else data)
        self.context["cells"] = cells_of(claims)
        return super().to_representation(claims)


class ReviewedSerializer(serializers.ModelSerializer):
    """For a model under the review workflow: published and retired records are not changed, and a
    change sends back the `version` it read (the view refuses an older one)."""

    # What to do instead of changing a published or retired record.
    instead = "draft a new {noun} that supersedes it instead"

    def validate(self, attrs):
        if self.instance is not None:
            noun = self.instance._meta.verbose_name
            if not self.instance.is_editable:
                raise serializers.ValidationError(
                    f"This {noun} is {self.instance.get_status_display()} and can no longer be changed: "
                    f"{self.instead.format(noun=noun)}."
                )
            if "version" not in attrs:
                raise serializers.ValidationError(
                    {"version": f"Send the version of the {noun} you are changing."}
                )
        return attrs


class ClaimSerializer(ReviewedSerializer):
    """Claims as clients read them, and as editors draft and change them.

    Writes never set the status (the workflow actions do) and must send back the `version` they
    read: a change based on an older version is refused with 409, as in the admin.
    """

    framework = SlugLookupField(slug_field="slug", queryset=Framework.objects.all())
    criterion = SlugLookupField(slug_field="slug", queryset=Criterion.objects.all())
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())
    source_detail = SourceCitationSerializer(source="source", read_only=True)
    stale = serializers.SerializerMethodField()
    undated = serializers.SerializerMethodField()
    contested = serializers.SerializerMethodField()
    witness = serializers.SerializerMethodField()
    applies_to_current_version = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Required when changing a claim: the version you read."
    )
    superseded_by = serializers.IntegerField(
        source="public_successor_id",
        read_only=True,
        allow_null=True,
        help_text="The published claim that superseded this one, if any.",
    )

    class Meta:
        model = Claim
        list_serializer_class = ClaimListSerializer
        fields = [
            "id",
            "framework",
            "criterion",
            "source",
            "source_detail",
            "statement",
            "quote",
            "quote_prefix",
            "quote_exact",
            "quote_suffix",
            "quote_unchecked_reason",
            "rating",
            "value",
            "unit",
            "applies_to",
            "applies_to_current_version",
            "as_of",
            "status",
            "retired_reason",
            "stale",
            "undated",
            "contested",
            "witness",
            "superseded_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "retired_reason", "created_at", "updated_at"]

    def get_stale(self, claim) -> bool:
        return claim.is_stale()

    def get_undated(self, claim) -> bool:
        """Neither the claim nor its source has a date: it weighs a fixed middle amount."""
        return claim.is_undated

    @extend_schema_field(serializers.ChoiceField(choices=[w.value for w in Witness]))
    def get_witness(self, claim) -> str:
        """Who speaks: the framework's own documentation, a rival's, or an independent source."""
        return claim.witness.value

    def get_applies_to_current_version(self, claim) -> bool:
        """Whether the framework's current version is inside the claim's scope: only then it counts."""
        return claim.in_scope

    def get_contested(self, claim) -> bool:
        """Whether the sources in this claim's cell disagree: the cell is contested in the matrix."""
        cells = self.context.get("cells")
        if cells is None:
            cells = cells_of([claim])
        cell = cells.get((claim.framework.slug, claim.criterion.slug))
        return cell is not None and cell.contested


class RetirementSerializer(serializers.Serializer):
    reason = serializers.CharField(
        help_text="Why the claim is retired. Its page shows it to visitors who follow an old link.",
        error_messages={key: RETIREMENT_NEEDS_A_REASON for key in ("required", "blank", "null")},
    )
