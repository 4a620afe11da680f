from rest_framework import serializers

from .models import Criterion


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["slug", "name", "description", "category", "default_weight", "rubric_low", "rubric_high"]
