from django.core.validators import slug_re
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from criteria.models import MAX_WEIGHT, MIN_WEIGHT, Criterion
from frameworks.choice import parse_framework_choice

from .documents import page_url, verdict_document
from .models import Choice, ChoiceWeight, Question
from .questionnaire import answer_errors


class ChoiceWeightSerializer(serializers.ModelSerializer):
    criterion = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ChoiceWeight
        fields = ["criterion", "delta", "must_have", "why"]


class ChoiceSerializer(serializers.ModelSerializer):
    weights = ChoiceWeightSerializer(many=True, read_only=True)

    class Meta:
        model = Choice
        fields = ["slug", "label", "weights"]


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["slug", "text", "help_text", "allows_multiple", "choices"]


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
class AnswerField(serializers.Field):
    """A choice slug, or a list of them."""

    default_error_messages = {"invalid": "Give a choice slug or a list of choice slugs."}

    def to_internal_value(self, data):
        values = data if isinstance(data, list) else [data]
        if not values or not all(isinstance(v, str) and v for v in values):
            self.fail("invalid")
        return values

    def to_representation(self, value):
        return value


# The answers are checked against the questionnaire in the context's "questions" (as
# `questionnaire.load_questions` gives it): the one the view then scores them with.
class RecommendationRequestSerializer(serializers.Serializer):
    answers = serializers.DictField(child=AnswerField(), required=False, default=dict)
    frameworks = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        help_text="Framework slugs to compare (default: featured).",
    )
    weights = serializers.DictField(
        child=serializers.IntegerField(min_value=MIN_WEIGHT, max_value=MAX_WEIGHT),
        required=False,
        default=dict,
        help_text=f"Criterion slug to a weight from {MIN_WEIGHT} to {MAX_WEIGHT}, overriding the answers.",
    )

    def validate_answers(self, answers):
        errors = answer_errors(answers, self.context["questions"])
        if errors:
            raise serializers.ValidationError(errors)
        return answers

    def validate_frameworks(self, frameworks):
        return parse_framework_choice(frameworks, required=True)

    def validate_weights(self, weights):
        if not weights:
            return weights
        # Keys are never validated by DRF: only slug-shaped ones may reach the query (PostgreSQL
        # refuses a NUL character in a parameter, and nothing else can be a criterion anyway).
        slugs = [key for key in weights if slug_re.match(key)]
        known = set(Criterion.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [slug for slug in weights if slug not in known]
        if unknown:
            raise serializers.ValidationError(f"Unknown criterion or criteria: {', '.join(unknown)}.")
        return weights


class CitationSerializer(serializers.Serializer):
    title = serializers.CharField()
    publisher = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    published = serializers.CharField()


class ReasonClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    framework = serializers.CharField()
    statement = serializers.CharField()
    quote = serializers.CharField()
    rating = serializers.IntegerField()
    stale = serializers.BooleanField()
    undated = serializers.BooleanField(
        default=False, help_text="Neither the claim nor its source has a date."
    )
    witness = serializers.CharField(
        default="",
        help_text="Who speaks: the framework's own documentation, a rival's, or an independent source.",
    )
    applies_to = serializers.CharField(
        default="", help_text="Its version scope (PEP 440); empty: every version."
    )
    out_of_scope = serializers.BooleanField(
        default=False, help_text="About other versions than the framework's current one: shown, not counted."
    )
    source = CitationSerializer()


class CellSummarySerializer(serializers.Serializer):
    mean_rating = serializers.FloatField(allow_null=True, help_text="The sources' ratings combined, 1 to 5.")
    sources = serializers.IntegerField(help_text="Sources whose claims count.")
    witnesses = serializers.ListField(child=serializers.CharField(), default=list)
    contested = serializers.BooleanField()
    thin = serializers.BooleanField(default=False, help_text="One source only.")
    stale = serializers.BooleanField()
    undated = serializers.BooleanField(default=False)
    empty = serializers.BooleanField(help_text="No evidence that counts.")


class ReasonSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    weight = serializers.FloatField()
    contribution = serializers.FloatField(help_text="Score points this criterion adds to the margin.")
    cells = serializers.DictField(child=CellSummarySerializer(), help_text="Each compared framework's cell.")
    claims = ReasonClaimSerializer(many=True)


class RankedSerializer(serializers.Serializer):
    framework = serializers.CharField()
    score = serializers.FloatField()
    excluded_reason = serializers.CharField(allow_blank=True)
    lacks_evidence = serializers.BooleanField(
        default=False, help_text="Not ranked: no evidence on too many of the weighted criteria."
    )
    failed_must_haves = serializers.ListField(
        child=serializers.CharField(), default=list, help_text="Must-have criteria it is below the bar on."
    )
    missing_evidence = serializers.ListField(
        child=serializers.CharField(),
        default=list,
        help_text="Weighted criteria it has no evidence on, when too many for it to be ranked.",
    )


class FlipSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    current_weight = serializers.FloatField()
    flip_weight = serializers.IntegerField()
    new_winner = serializers.CharField(
        allow_null=True, help_text="The framework that would win at flip_weight; null when too close to call."
    )
    too_close_to_call = serializers.BooleanField(
        default=False, help_text="At flip_weight the method would name no winner."
    )


class RecommendationSerializer(serializers.Serializer):
    """A stored verdict, frozen: the same snapshot its HTML page shows (built by
    `documents.verdict_document`, which follows these fields). The snapshot's schema number is
    how it is stored, not what it says, so the document does not carry it."""

    id = serializers.UUIDField()
    url = serializers.URLField(help_text="The verdict's HTML page.")
    dataset_version = serializers.CharField()
    winner = serializers.CharField(allow_null=True, help_text="Null when too close to call.")
    too_close_to_call = serializers.BooleanField()
    confidence = serializers.FloatField()
    margin = serializers.FloatField()
    ranking = RankedSerializer(many=True)
    reasons = ReasonSerializer(many=True)
    flips = FlipSerializer(many=True)
    weights = serializers.DictField(child=serializers.FloatField())

    def to_representation(self, verdict):
        return verdict_document(verdict, url=page_url(self.context["request"], verdict))
